"""The coordinator's desk: each "to do" item appears when something waits, links to where
it is handled, disappears once handled; observers read it without the links."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import CoordinatorFactory
from member_factories import ActionFactory, NeedFactory, PersonFactory, WorkingGroupFactory
from project_factories import DossierFactory, OpportunityFactory, today_plus

from consortium.core.enums import OutboxStatus
from consortium.core.models import OutboxMessage
from coordination import desk
from events.models import Attendance
from members.enums import ActionStatus, NeedStatus, PersonStatus
from projects.models import DossierDeadline

DESK = reverse("coordination:dashboard")


def keys() -> set[str]:
    return {task.key for task in desk.waiting()}


@pytest.mark.django_db
def test_nothing_waits_on_an_empty_network():
    assert desk.waiting() == []


@pytest.mark.django_db
def test_people_waiting_then_validated():
    person = PersonFactory(status=PersonStatus.PENDING)
    [task] = [task for task in desk.waiting() if task.key == "inscriptions"]
    assert task.count == 1 and task.entries[0].label == str(person)
    assert task.url == reverse("members:validations")
    person.status = PersonStatus.ACTIVE
    person.save()
    assert "inscriptions" not in keys()


@pytest.mark.django_db
def test_needs_untriaged_or_unanswered_for_thirty_days():
    NeedFactory(status=NeedStatus.IN_PROGRESS)  # triaged, recent: nothing to do
    assert "besoins" not in keys()
    old = NeedFactory(status=NeedStatus.IN_PROGRESS)
    old.created_at = timezone.now() - timedelta(days=31)
    old.save()
    fresh = NeedFactory(status=NeedStatus.OPEN)
    [task] = [task for task in desk.waiting() if task.key == "besoins"]
    assert [entry.label for entry in task.entries] == [old.title, fresh.title]
    old.answer = "Une formation est prévue en mars."
    old.save()
    fresh.status = NeedStatus.CLOSED
    fresh.save()
    assert "besoins" not in keys()


@pytest.mark.django_db
def test_late_actions_across_groups():
    group = WorkingGroupFactory()
    ActionFactory(group=group, due_date=timezone.localdate() + timedelta(days=3))
    late = ActionFactory(group=group, due_date=timezone.localdate() - timedelta(days=2))
    ActionFactory(
        group=group, due_date=timezone.localdate() - timedelta(days=9), status=ActionStatus.DONE
    )
    [task] = [task for task in desk.waiting() if task.key == "actions"]
    assert task.count == 1 and task.entries[0].label == late.title
    assert task.entries[0].url == group.get_absolute_url()


@pytest.mark.django_db
def test_events_soon_show_their_fill_rate():
    event = EventFactory(capacity=2, sessions=[(in_days(3), in_days(3, 12))])
    EventFactory(sessions=[(in_days(20), in_days(20, 12))])  # later than 14 days
    RegistrationFactory(event=event)
    [task] = [task for task in desk.waiting() if task.key == "rencontres"]
    assert task.count == 1 and task.entries[0].detail == "1 / 2 places"


@pytest.mark.django_db
def test_a_past_session_without_attendance_until_it_is_marked():
    event = EventFactory(sessions=[(in_days(-2), in_days(-2, 12))])
    registration = RegistrationFactory(event=event)
    [task] = [task for task in desk.waiting() if task.key == "emargement"]
    session = event.sessions.get()
    assert task.entries[0].url == reverse(
        "events:attendance", kwargs={"slug": event.slug, "session_pk": session.pk}
    )
    Attendance.objects.create(registration=registration, session=session, present=True)
    assert "emargement" not in keys()


@pytest.mark.django_db
def test_dossiers_due_soon_and_calls_closing_soon():
    dossier = DossierFactory(status="depose")
    DossierDeadline.objects.create(dossier=dossier, kind="depot", due_on=today_plus(5))
    DossierFactory(status="bilan")  # a report to hand in, no date
    DossierFactory(status="clos")
    OpportunityFactory(deadline=today_plus(10))
    OpportunityFactory(deadline=today_plus(40))
    tasks = {task.key: task for task in desk.waiting()}
    assert tasks["dossiers"].count == 2 and tasks["dossiers"].entries[0].label == dossier.title
    assert tasks["appels"].count == 1


@pytest.mark.django_db
def test_failed_emails():
    OutboxMessage.objects.create(
        kind="essai",
        recipient_email="a@example.org",
        subject="Rappel",
        body_text="x",
        status=OutboxStatus.FAILED,
        last_error="SMTPRecipientsRefused",
    )
    [task] = [task for task in desk.waiting() if task.key == "envois"]
    assert task.entries[0].label == "Rappel"


@pytest.mark.django_db
def test_more_than_five_waiting_are_counted_and_five_listed():
    for _ in range(7):
        PersonFactory(status=PersonStatus.PENDING)
    [task] = [task for task in desk.waiting() if task.key == "inscriptions"]
    assert task.count == 7 and len(task.entries) == 5


def test_the_coordinator_gets_links_the_observer_reads_only(coordinator_client, client, db):
    PersonFactory(status=PersonStatus.PENDING)
    page = coordinator_client.get(DESK).content.decode()
    assert "Inscriptions à valider" in page and reverse("members:validations") in page
    from factories import ObserverFactory

    client.force_login(ObserverFactory())
    observed = client.get(DESK).content.decode()
    assert "Inscriptions à valider" in observed
    assert reverse("members:validations") not in observed
    assert "lecture seule" in observed


def test_a_section_alone_for_the_refresh(coordinator_client):
    response = coordinator_client.get(DESK, {"section": "a-faire"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="a-faire"' in html and "<html" not in html
    assert coordinator_client.get(DESK, {"section": "nope"}).status_code == 404


def test_the_recent_activity_names_actions_in_words(coordinator_client, coordinator):
    from consortium.core.services import audit_log_record
    from members.enums import MembersAuditAction

    audit_log_record(actor=coordinator, action=MembersAuditAction.PERSON_VALIDATED)
    page = coordinator_client.get(DESK, {"section": "activite"}).content.decode()
    assert "Membre validé" in page


def test_the_query_count_is_flat(coordinator_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(DESK).status_code == 200
        return len(captured)

    PersonFactory(status=PersonStatus.PENDING)
    NeedFactory(status=NeedStatus.OPEN)
    few = count()
    for _ in range(8):
        PersonFactory(status=PersonStatus.PENDING)
        NeedFactory(status=NeedStatus.OPEN)
        event = EventFactory(sessions=[(in_days(-1), in_days(-1, 12))])
        RegistrationFactory(event=event)
    assert count() <= few + 4  # the items that now appear cost their count query, no more
    assert count() == count()


def test_the_coordinator_lands_on_the_desk_after_signing_in(client, db):
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    coordinator = CoordinatorFactory()
    request = RequestFactory().get("/")
    request.user = coordinator
    assert get_adapter(request).get_login_redirect_url(request) == DESK
    request.user = PersonFactory().user
    assert get_adapter(request).get_login_redirect_url(request) == reverse("members:space")


@pytest.mark.django_db
def test_the_territory_counts_members_and_this_years_events_per_epci():
    from member_factories import AffiliationFactory, OrganizationFactory, commune, member_of

    cergy = commune("95127")
    organization = OrganizationFactory(commune=cergy)
    person = member_of(organization)
    second = OrganizationFactory(commune=cergy)
    AffiliationFactory(person=person, organization=second)  # the same person, counted once
    EventFactory(commune=cergy, sessions=[(in_days(-3), in_days(-3, 12))])
    EventFactory(commune=cergy, draft=True, sessions=[(in_days(5), in_days(5, 12))])
    territory = desk.territory()
    epci = cergy.epci_id
    assert territory.organizations[epci] == 2
    assert territory.members[epci] == 1
    assert territory.events[epci] == 1
    assert cergy not in territory.unreached
    assert len(territory.unreached) == desk.UNREACHED_SHOWN
    populations = [commune.population for commune in territory.unreached]
    assert populations == sorted(populations, reverse=True)


def test_the_territory_section_draws_its_charts(coordinator_client):
    page = coordinator_client.get(DESK, {"section": "territoire"}).content.decode()
    assert "Structures membres par intercommunalité" in page
    assert page.count('class="bar-chart"') == 3


def test_every_audit_action_of_every_app_has_its_words():
    import importlib

    from django.conf import settings

    labels = desk.action_labels()
    for app in settings.PROJECT_APPS:
        try:
            enums = importlib.import_module(f"{app}.enums")
        except ModuleNotFoundError:
            continue
        for name, value in vars(enums).items():
            if name.endswith("AuditAction"):
                assert set(value.values) <= labels.keys(), f"{app}.enums.{name}"


@pytest.mark.django_db
def test_certificates_not_sent_after_the_training_ended():
    training = EventFactory(training=True, sessions=[(in_days(-3), in_days(-3, 12))])
    present = RegistrationFactory(event=training)
    absent = RegistrationFactory(event=training)
    session = training.sessions.get()
    Attendance.objects.create(registration=present, session=session, present=True)
    Attendance.objects.create(registration=absent, session=session, present=False)
    [task] = [task for task in desk.waiting() if task.key == "attestations"]
    assert task.count == 1 and task.entries[0].detail == "1 attestation"
    present.certificate_sent_at = timezone.now()
    present.save()
    assert "attestations" not in keys()


@pytest.mark.django_db
def test_a_training_still_running_is_not_overdue():
    training = EventFactory(
        training=True, sessions=[(in_days(-3), in_days(-3, 12)), (in_days(2), in_days(2, 12))]
    )
    registration = RegistrationFactory(event=training)
    session = training.sessions.order_by("starts_at").first()
    Attendance.objects.create(registration=registration, session=session, present=True)
    assert "attestations" not in keys()


def test_the_years_key_figures_are_the_reports(coordinator_client):
    from member_factories import OrganizationFactory, member_of

    from evaluations import figures

    member_of(OrganizationFactory())
    expected = figures.members(figures.Period.current_year())
    page = coordinator_client.get(DESK).content.decode()
    assert f"Chiffres clés de {timezone.localdate().year}" in page
    assert f"<dt>Structures membres</dt><dd>{expected['organizations']} " in page
    assert f"<dt>Membres actifs</dt><dd>{expected['people']} " in page
    assert reverse("evaluations:reports") in page


@pytest.mark.django_db
def test_trainings_whose_survey_invited_nobody():
    from evaluation_factories import satisfaction_survey

    from evaluations.models import Invitation

    training = EventFactory(training=True, sessions=[(in_days(-3), in_days(-3, 12))])
    registration = RegistrationFactory(event=training)
    Attendance.objects.create(
        registration=registration, session=training.sessions.get(), present=True
    )
    EventFactory(training=True, sessions=[(in_days(-3), in_days(-3, 12))])  # nobody present
    [task] = [task for task in desk.waiting() if task.key == "questionnaires"]
    assert task.count == 1 and task.entries[0].label == training.title
    survey = satisfaction_survey(training)
    Invitation.objects.create(survey=survey, person=registration.person)
    assert "questionnaires" not in keys()
