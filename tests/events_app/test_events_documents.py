"""PDF documents of events: the attendance sheet (one page per session) and the attendance
certificate of a trainee, downloaded by the coordinator and e-mailed after the training."""

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory, in_days
from member_factories import OrganizationFactory, member_of

from consortium.core.models import OutboxMessage
from events import documents, services
from events.enums import RegistrationStatus
from events.models import Registration, ReminderPolicy, Session
from events.templatetags.agenda import session_when

pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The text of each page, spaces (non-breaking ones too) collapsed, pages split by \f."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return "\f".join(" ".join(page.split()) for page in result.stdout.split("\f"))


def when(session) -> str:
    """The dates of a session as the PDFs say them, spaces collapsed like pdf_text's."""
    return " ".join(session_when(session).split())


def url(name, event, **kwargs):
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


@pytest.fixture
def training(db):
    """A three-session training that took place last week, in a médiathèque of Cergy."""
    return EventFactory(
        training=True,
        title="Éveil musical : chanter avec les bébés",
        venue="Médiathèque de l'Astrolabe",
        sessions=[
            (in_days(-9, 9, 0), in_days(-9, 12, 30)),
            (in_days(-8, 14, 0), in_days(-8, 17, 0)),
            (in_days(-7, 9, 0), in_days(-7, 12, 0)),
        ],
    )


@pytest.fixture
def trainees(training):
    """Two trainees with their organisations, and one person on the waitlist."""
    people = [
        member_of(
            OrganizationFactory(name="Crèche Les Lucioles"),
            user__first_name="Hélène",
            user__last_name="Dupré",
        ),
        member_of(
            OrganizationFactory(name="Multi-accueil Pêche-Mêle"),
            user__first_name="Zoé",
            user__last_name="Lefèvre",
        ),
    ]
    registrations = [
        RegistrationFactory(
            event=training, person=person, organization_name=person.organizations.get().name
        )
        for person in people
    ]
    RegistrationFactory(
        event=training,
        status=RegistrationStatus.WAITLISTED,
        person=member_of(user__first_name="Personne", user__last_name="Enattente"),
    )
    return registrations


def mark(registration, sessions, present=True):
    for session in sessions:
        AttendanceFactory(registration=registration, session=session, present=present)


# --- Attendance sheet ----------------------------------------------------------------------


def test_attendance_sheet_has_one_page_per_session_with_every_registrant(
    coordinator_client, training, trainees, tmp_path
):
    response = coordinator_client.get(url("attendance_sheet", training))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="emargement-')
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf, tmp_path) == 3
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    for page in pages[:3]:
        assert "Feuille d’émargement" in page
        assert "Éveil musical : chanter avec les bébés" in page
        assert "DUPRÉ Hélène" in page and "LEFÈVRE Zoé" in page
        assert "Crèche Les Lucioles" in page and "Multi-accueil Pêche-Mêle" in page
        assert "Enattente" not in page
        assert "Signature" in page
        assert "Médiathèque de l'Astrolabe" in page and "Cergy" in page
    first, second, third = training.sessions.all()
    assert f"Date : {when(first)}" in pages[0]
    assert when(second) in pages[1] and "14 h – 17 h" in pages[1]
    assert when(third) in pages[2] and "Séance : 3 sur 3" in pages[2]
    assert "Page 1 / 3" in text and "Page 3 / 3" in text


def test_attendance_sheet_of_an_event_without_registrants(coordinator_client, tmp_path):
    event = EventFactory(title="Temps fort à Pontoise")
    pdf = coordinator_client.get(url("attendance_sheet", event)).content
    assert pdf_pages(pdf, tmp_path) == 1
    assert "Aucune personne inscrite à ce jour." in pdf_text(pdf, tmp_path)


def test_attendance_sheet_without_sessions_sends_back_to_the_sessions(coordinator_client):
    draft = EventFactory(draft=True, sessions=0)
    response = coordinator_client.get(url("attendance_sheet", draft))
    assert response["Location"] == url("sessions", draft)


def test_attendance_sheet_of_an_online_event(tmp_path):
    event = EventFactory(online=True, title="Webinaire d'été")
    RegistrationFactory(event=event)
    text = pdf_text(documents.attendance_sheet_pdf(event), tmp_path)
    assert "Lieu : en ligne" in text
    assert "salle-secrete" not in text


# --- Certificate ---------------------------------------------------------------------------


def test_certificate_shows_the_sessions_and_hours_actually_attended(
    coordinator_client, training, trainees, tmp_path
):
    first, second, third = training.sessions.all()
    Session.objects.filter(pk=second.pk).update(hours=Decimal("2.5"))
    helene = trainees[0]
    mark(helene, [first, second])
    mark(helene, [third], present=False)
    response = coordinator_client.get(url("certificate", training, pk=helene.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attestation-" in response["Content-Disposition"]
    pdf = response.content
    assert pdf_pages(pdf, tmp_path) == 1
    text = pdf_text(pdf, tmp_path)
    assert "Attestation de présence" in text
    assert "Hélène Dupré" in text
    assert "Crèche Les Lucioles" in text
    assert "« Éveil musical : chanter avec les bébés »" in text
    assert "Département du Val-d’Oise" in text and "direction de la Culture" in text
    # 3.5 hours (computed from the slot) + 2.5 hours (set): 6 hours; not the third session.
    assert "Durée de formation effectivement suivie : 6 h." in text
    attended = text.split("Séances suivies")[1].split("Durée de formation")[0]
    assert f"{when(first)} 3 h 30" in attended
    assert f"{when(second)} 2 h 30" in attended
    assert when(third) not in attended
    assert "Médiathèque de l'Astrolabe" in text
    assert f"Délivrée le {timezone.localdate().day}" in text


def test_certificate_with_half_hours_is_written_the_french_way(training, trainees, tmp_path):
    first = training.sessions.first()
    mark(trainees[1], [first])
    registration = Registration.objects.get(pk=trainees[1].pk)
    assert documents.hours_attended(registration) == 3.5
    text = pdf_text(documents.certificate_pdf(registration), tmp_path)
    assert "effectivement suivie : 3 h 30." in text
    assert "Zoé Lefèvre" in text and "Multi-accueil Pêche-Mêle" in text


def test_certificate_of_a_long_training_fits_on_one_page(tmp_path):
    training = EventFactory(
        training=True,
        title="Formation : accueillir un artiste en crèche, de la rencontre au spectacle",
        venue="Salle des fêtes de Soisy-sous-Montmorency",
        address="8 avenue Jean-Jaurès",
        sessions=[
            (in_days(-30 + 5 * week, 14, 0), in_days(-30 + 5 * week, 17, 30)) for week in range(6)
        ],
    )
    registration = RegistrationFactory(
        event=training,
        person=member_of(user__first_name="Élodie", user__last_name="Fontaine"),
        organization_name="Service culturel de Deuil-la-Barre",
    )
    mark(registration, training.sessions.all())
    pdf = documents.certificate_pdf(Registration.objects.get(pk=registration.pk))
    assert pdf_pages(pdf, tmp_path) == 1
    text = pdf_text(pdf, tmp_path)
    assert "effectivement suivie : 21 h." in text and "Délivrée le" in text


def test_certificate_counts_only_sessions_that_have_begun(trainees, tmp_path):
    """A presence recorded ahead of time (before the rule, or by hand) is no presence."""
    helene = trainees[0]
    held = helene.event.sessions.first()
    future = Session.objects.create(
        event=helene.event, starts_at=in_days(28, 9), ends_at=in_days(28, 12)
    )
    mark(helene, [held, future])
    registration = Registration.objects.get(pk=helene.pk)
    assert documents.hours_attended(registration) == 3.5
    text = pdf_text(documents.certificate_pdf(registration), tmp_path)
    attended = text.split("Séances suivies")[1].split("Durée de formation")[0]
    assert when(held) in attended and when(future) not in attended
    assert "effectivement suivie : 3 h 30." in text


def test_no_certificate_from_presences_at_sessions_not_begun(client):
    training = EventFactory(training=True, sessions=[(in_days(20, 9), in_days(20, 12))])
    registration = RegistrationFactory(event=training)
    mark(registration, training.sessions.all())
    client.force_login(registration.person.user)
    assert client.get(url("my_certificate", training)).status_code == 404


def test_certificate_of_someone_who_attended_nothing(training, trainees, tmp_path):
    text = pdf_text(documents.certificate_pdf(trainees[0]), tmp_path)
    assert "Aucune présence enregistrée." in text
    assert "effectivement suivie : 0 h." in text


def test_certificate_of_a_waitlisted_person_is_not_found(coordinator_client, training, trainees):
    waiting = training.registrations.waitlisted().get()
    assert coordinator_client.get(url("certificate", training, pk=waiting.pk)).status_code == 404


# --- Certificates sent after the training ----------------------------------------------------


def test_certificates_sweep_sends_one_certificate_per_attending_trainee_once(
    training, trainees, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    first, second, _third = training.sessions.all()
    helene, zoe = trainees
    mark(helene, [first, second])
    mark(zoe, [first], present=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_sweep() == 1
    assert [mail.to for mail in mailoutbox] == [[helene.person.user.email]]
    mail = mailoutbox[0]
    assert "attestation de présence" in mail.subject
    filename, content, mimetype = mail.attachments[0]
    assert mimetype == "application/pdf"
    assert filename == f"attestation-{training.slug}.pdf"
    text = pdf_text(content, tmp_path)
    assert "Hélène Dupré" in text and "effectivement suivie : 6 h 30." in text
    assert url("my_certificate", training) in mail.body
    helene.refresh_from_db()
    assert helene.certificate_sent_at is not None

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_sweep() == 0
    assert mailoutbox == []
    assert OutboxMessage.objects.filter(template="participant_training_certificate").count() == 1


def test_certificates_wait_for_the_configured_delay(training, trainees):
    mark(trainees[0], training.sessions.all())
    policy = ReminderPolicy.current()
    policy.certificate_delay_hours = 24 * 8  # the training ended 7 days ago
    policy.save()
    assert services.certificates_sweep() == 0
    later = timezone.now() + timedelta(days=2)
    assert services.certificates_sweep(now=later) == 1


def test_no_certificate_for_a_meeting_or_a_cancelled_trainee(training, trainees):
    meeting = EventFactory(sessions=[(in_days(-3, 9), in_days(-3, 12))])
    mark(RegistrationFactory(event=meeting), meeting.sessions.all())
    mark(trainees[0], training.sessions.all())
    Registration.objects.filter(pk=trainees[0].pk).update(status=RegistrationStatus.CANCELLED)
    assert services.certificates_sweep() == 0
