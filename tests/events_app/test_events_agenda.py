"""The agenda: list and filters, event pages, registration by members, « mes inscriptions »."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from event_factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    bulk_events,
    in_days,
)
from member_factories import PersonFactory, commune, member_of

from consortium.core.enums import OutboxStatus
from consortium.core.models import OutboxMessage
from events.enums import Audience, EventKind, EventStatus, RegistrationStatus
from events.models import CalendarFeed, Registration
from members.enums import PersonStatus

pytestmark = pytest.mark.django_db

AGENDA = reverse("events:agenda")
MINE = reverse("events:my_registrations")
LOGIN = reverse("account_login")
SPACE = reverse("members:space")


def titles(response) -> list[str]:
    return [event.title for event in response.context["page_obj"]]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def html_of(response) -> str:
    """The page's text with entities decoded (Django escapes ' in variables, not in
    translations); non-breaking spaces (« 9 h 30 ») as plain ones."""
    return unescape(response.content.decode()).replace("\xa0", " ")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def paris(year, month, day, hour, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def register_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def unregister_url(event):
    return reverse("events:unregister", kwargs={"slug": event.slug})


def certificate_url(event):
    return reverse("events:my_certificate", kwargs={"slug": event.slug})


# --- The list: what each visitor sees ------------------------------------------------------


@pytest.fixture
def three_events(db):
    """A public event, a members-only one and a draft (all upcoming)."""
    return (
        EventFactory(title="Rencontre publique"),
        EventFactory(title="Rencontre des membres", members_only=True),
        EventFactory(title="Rencontre en préparation", draft=True),
    )


def test_the_public_sees_public_events_only(client, three_events):
    response = client.get(AGENDA)
    assert response.status_code == 200
    assert titles(response) == ["Rencontre publique"]
    html = html_of(response)
    assert "Rencontre des membres" not in html
    assert reverse("events:agenda_ics") in html
    assert MINE not in html


@pytest.mark.parametrize("who", ["partner", "pending_person"])
def test_newcomers_and_pending_partners_see_the_public_agenda(client, three_events, who, request):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert titles(client.get(AGENDA)) == ["Rencontre publique"]


def test_members_see_members_only_events_but_not_drafts(client, three_events, member):
    client.force_login(member.user)
    response = client.get(AGENDA)
    assert set(titles(response)) == {"Rencontre publique", "Rencontre des membres"}
    html = html_of(response)
    assert "réservée aux membres" in html
    assert MINE in html


def test_the_coordination_also_sees_drafts(coordinator_client, three_events):
    response = coordinator_client.get(AGENDA)
    assert set(titles(response)) == {e.title for e in three_events}
    assert "brouillon" in html_of(response)


def test_card_gives_date_place_audience_and_seats(client):
    EventFactory(
        title="Lire aux bébés",
        sessions=[(paris(2036, 12, 9, 9, 30), paris(2036, 12, 9, 12, 30))],
        capacity=12,
        audience=Audience.CULTURE,
    )
    RegistrationFactory.create_batch(
        2, event__title="ignored", event__sessions=[(in_days(3), in_days(3, 12))]
    )
    html = html_of(client.get(AGENDA))
    assert "mardi 9 décembre 2036, 9 h 30 – 12 h 30" in html
    assert "Cergy" in html
    assert "Acteurs culturels" in html
    assert "12 places restantes" in html


def test_card_of_a_multi_session_training(client):
    EventFactory(
        training=True,
        sessions=[
            (paris(2036, 12, 1, 9), paris(2036, 12, 1, 12, 30)),
            (paris(2036, 12, 8, 9), paris(2036, 12, 8, 12, 30)),
            (paris(2036, 12, 15, 14), paris(2036, 12, 15, 17, 30)),
        ],
    )
    html = html_of(client.get(AGENDA))
    assert "3 séances, du lundi 1er décembre 2036 au lundi 15 décembre 2036" in html


def test_card_says_full_online_and_closed(client):
    full = EventFactory(title="Complète", capacity=1)
    RegistrationFactory(event=full)
    EventFactory(title="En visio", online=True)
    EventFactory(title="Fermée", registration_closes_at=timezone.now() - timedelta(days=1))
    html = html_of(client.get(AGENDA))
    assert "complet, liste d'attente" in html
    assert "En ligne" in html
    assert "inscriptions closes" in html


def test_a_member_sees_her_own_registrations_on_the_cards(client, member):
    RegistrationFactory(event__title="Où je vais", person=member)
    client.force_login(member.user)
    assert "vous êtes inscrit·e" in html_of(client.get(AGENDA))


# --- Filters ---------------------------------------------------------------------------


def test_filter_by_kind(client):
    EventFactory(title="Une formation", training=True)
    EventFactory(title="Une rencontre")
    assert titles(client.get(AGENDA, {"kind": EventKind.TRAINING})) == ["Une formation"]


def test_filter_by_audience_keeps_events_for_everyone(client):
    EventFactory(title="Culture", audience=Audience.CULTURE)
    EventFactory(title="Petite enfance", audience=Audience.EARLY_CHILDHOOD)
    EventFactory(title="Tous", audience=Audience.BOTH)
    assert set(titles(client.get(AGENDA, {"audience": Audience.CULTURE}))) == {"Culture", "Tous"}
    assert titles(client.get(AGENDA, {"audience": Audience.BOTH})) == ["Tous"]


def test_filter_by_epci(client):
    cergy = EventFactory(title="À Cergy")
    EventFactory(title="À Argenteuil", commune=commune("95018"))
    EventFactory(title="En ligne", online=True)
    response = client.get(AGENDA, {"epci": cergy.commune.epci_id})
    assert titles(response) == ["À Cergy"]


def _months_ahead(count: int) -> tuple[int, int]:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + count
    return index // 12, index % 12 + 1


def test_filter_by_month_uses_paris_time_across_the_month_boundary(client):
    year, month = _months_ahead(2)
    start = paris(year, month, 1, 0, 30)  # 00:30 in Paris is still the previous day in UTC
    assert start.astimezone(UTC).month != month
    EventFactory(title="Premier jour", sessions=[(start, start + timedelta(hours=2))])
    eve = start - timedelta(hours=1)  # 23:30 the day before, Paris time
    EventFactory(title="Veille", sessions=[(eve, eve + timedelta(minutes=20))])

    assert titles(client.get(AGENDA, {"month": f"{year:04d}-{month:02d}"})) == ["Premier jour"]
    before_year, before_month = _months_ahead(1)
    response = client.get(AGENDA, {"month": f"{before_year:04d}-{before_month:02d}"})
    assert titles(response) == ["Veille"]


def test_month_select_offers_the_next_twelve_months(client):
    choices = [
        value for value, _ in client.get(AGENDA).context["filter"].form["month"].field.choices
    ]
    year, month = _months_ahead(0)
    assert choices[1] == f"{year:04d}-{month:02d}"
    assert len(choices) == 13  # the empty choice and twelve months


def test_a_bad_month_is_refused_and_changes_nothing(client):
    EventFactory(title="Toujours là")
    response = client.get(AGENDA, {"month": "2026-13"})
    assert response.status_code == 200
    assert titles(response) == ["Toujours là"]
    assert response.context["filter"].form.errors["month"]


def test_text_search(client):
    EventFactory(title="Éveil musical", description="Chansons et comptines.")
    EventFactory(title="Lecture", description="Albums pour les bébés.")
    assert titles(client.get(AGENDA, {"q": "comptines"})) == ["Éveil musical"]
    assert titles(client.get(AGENDA, {"q": "lecture bébés"})) == ["Lecture"]
    response = client.get(AGENDA, {"q": "introuvable"})
    assert "Aucune rencontre ne correspond" in html_of(response)


def test_pagination_by_twenty_soonest_first(client):
    bulk_events(25, registrations=1)
    first = client.get(AGENDA)
    assert len(titles(first)) == 20
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(titles(client.get(AGENDA, {"page": 2}))) == 5
    starts = [event.first_start for event in first.context["page_obj"]]
    assert starts == sorted(starts)


def test_past_events_have_their_own_list_most_recent_first(client):
    EventFactory(title="À venir")
    EventFactory(title="Il y a un mois", sessions=[(in_days(-30), in_days(-30, 12))])
    EventFactory(title="La semaine dernière", sessions=[(in_days(-7), in_days(-7, 12))])
    assert titles(client.get(AGENDA)) == ["À venir"]
    response = client.get(AGENDA, {"periode": "passees"})
    assert titles(response) == ["La semaine dernière", "Il y a un mois"]
    assert "Rencontres passées" in html_of(response)


def test_an_event_that_started_but_is_not_over_is_still_upcoming(client):
    EventFactory(
        title="En cours", sessions=[(in_days(-1), in_days(-1, 12)), (in_days(2), in_days(2, 12))]
    )
    assert titles(client.get(AGENDA)) == ["En cours"]


def test_agenda_query_count_does_not_grow_with_events(client, member):
    client.force_login(member.user)
    bulk_events(10, prefix="peu")
    few = count_queries(client, AGENDA)
    bulk_events(190, prefix="beaucoup")
    assert count_queries(client, AGENDA) == few


# --- The event page ----------------------------------------------------------------------


def test_event_page_for_the_public(client):
    event = EventFactory(
        title="Rencontre <b>musicale</b>",
        description="Première ligne.\nDeuxième <script>alert(1)</script>",
        sessions=[(paris(2036, 12, 9, 9, 30), paris(2036, 12, 9, 12, 30))],
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Première ligne.<br>Deuxième &lt;script&gt;" in html
    assert "<script>alert" not in html
    assert "mardi 9 décembre 2036, 9 h 30 – 12 h 30" in html_of(response)
    assert "Rue des Pas Perdus" in html
    assert "Connectez-vous pour vous inscrire" in html
    assert f"{LOGIN}?next=/agenda/{event.slug}/" in html
    assert '<meta property="og:title" content="Rencontre &lt;b&gt;musicale&lt;/b&gt;">' in html
    assert f'<meta property="og:url" content="http://testserver/agenda/{event.slug}/">' in html
    assert 'property="og:description"' in html
    assert reverse("events:event_ics", kwargs={"slug": event.slug}) in html


def test_event_page_shows_group_and_needs_to_members_only(client, member):
    from member_factories import NeedFactory, WorkingGroupFactory

    group = WorkingGroupFactory(title="Lire avec les tout-petits")
    event = EventFactory(training=True, group=group)
    event.needs.add(NeedFactory(title="Former à la lecture à voix haute"))
    assert "Former à la lecture" not in html_of(client.get(event.get_absolute_url()))
    client.force_login(member.user)
    html = html_of(client.get(event.get_absolute_url()))
    assert "Former à la lecture à voix haute" in html
    assert group.get_absolute_url() in html


def test_training_page_lists_sessions_with_hours(client):
    event = EventFactory(training=True, sessions=0)
    from event_factories import SessionFactory

    SessionFactory(event=event, label="Jour 1", hours=3.5)
    html = html_of(client.get(event.get_absolute_url()))
    assert "Jour 1" in html
    assert "3 h 30 de formation" in html


@pytest.mark.parametrize(
    ("who", "members_only", "draft"),
    [
        ("anonymous", 404, 404),
        ("partner", 404, 404),
        ("pending_person", 404, 404),
        ("member", 200, 404),
        ("other_member", 200, 404),
        ("observer", 200, 200),
        ("coordinator", 200, 200),
    ],
)
def test_event_pages_by_role(client, request, who, members_only, draft):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
    public = EventFactory()
    reserved = EventFactory(members_only=True)
    unpublished = EventFactory(draft=True)
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(reserved.get_absolute_url()).status_code == members_only
    assert client.get(unpublished.get_absolute_url()).status_code == draft
    for event, expected in ((reserved, members_only), (unpublished, draft)):
        ics = reverse("events:event_ics", kwargs={"slug": event.slug})
        assert client.get(ics).status_code == expected


def test_unknown_event_is_404(client):
    assert client.get(reverse("events:event", kwargs={"slug": "inconnue"})).status_code == 404


@pytest.mark.parametrize(
    ("who", "text"),
    [
        ("partner", "Présentez-vous et rattachez-vous à votre structure"),
        ("pending_person", "Votre adhésion est en cours d'examen"),
        ("observer", "permet de consulter l'agenda, pas de s'inscrire"),
        ("coordinator", "gérez les inscriptions depuis l'espace de coordination"),
    ],
)
def test_registration_box_explains_who_cannot_register(client, request, who, text):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    html = html_of(client.get(EventFactory().get_absolute_url()))
    assert text in html
    assert "M'inscrire" not in html


def test_event_page_query_count_does_not_grow_with_sessions_and_registrations(client, member):
    client.force_login(member.user)
    few = EventFactory(sessions=[(in_days(d), in_days(d, 12)) for d in (5, 6)])
    many = EventFactory(sessions=[(in_days(d), in_days(d, 12)) for d in range(5, 25)])
    for event, count in ((few, 2), (many, 30)):
        for person in PersonFactory.create_batch(count):
            RegistrationFactory(event=event, person=person)
        event.needs.set([])
    RegistrationFactory(event=few, person=member)
    RegistrationFactory(event=many, person=member)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


# --- Registration --------------------------------------------------------------------------


def test_register_confirms_and_queues_the_confirmation_with_the_ics(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Rencontre éveil")
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event))

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(event=event, person=member)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "vous êtes inscrit·e" in messages_of(response)[0]
    message = OutboxMessage.objects.get(template="participant_registration_confirmed")
    assert message.recipient_email == member.user.email
    assert message.attachments[0]["mimetype"] == "text/calendar"
    assert message.status == OutboxStatus.SENT
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert "Rencontre éveil" in email.subject
    assert email.attachments[0][0] == f"{event.slug}.ics"
    assert "BEGIN:VCALENDAR" in email.attachments[0][1]
    assert "Rencontre éveil" in email.alternatives[0][0]

    page = html_of(client.get(event.get_absolute_url()))
    assert "Vous êtes inscrit·e à cette rencontre." in page
    assert "Me désinscrire" in page


def test_a_full_event_puts_people_on_the_waitlist_with_their_position(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    for _ in range(2):
        RegistrationFactory(
            event=event, status=RegistrationStatus.WAITLISTED, waitlisted_at=timezone.now()
        )
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event))

    registration = Registration.objects.get(event=event, person=member)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "3e sur la liste d'attente" in messages_of(response)[0]
    assert "Votre position : 3." in mailoutbox[0].body
    assert mailoutbox[0].attachments == []
    page = html_of(client.get(event.get_absolute_url()))
    assert "Vous êtes 3e sur la liste d'attente" in page
    assert "Quitter la liste d'attente" in page


def test_cancelling_promotes_the_first_waitlisted_and_tells_them(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, person=member)
    first = RegistrationFactory(
        event=event,
        status=RegistrationStatus.WAITLISTED,
        waitlisted_at=timezone.now() - timedelta(hours=2),
    )
    second = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unregister_url(event))

    assert response.status_code == 302
    assert "Votre inscription est annulée" in messages_of(response)[0]
    assert (
        Registration.objects.get(event=event, person=member).status == RegistrationStatus.CANCELLED
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITLISTED
    assert [email.to for email in mailoutbox] == [[first.person.user.email]]
    assert "Une place s'est libérée" in mailoutbox[0].subject
    assert OutboxMessage.objects.filter(template="participant_registration_promoted").count() == 1


def test_a_cancelled_person_may_register_again(client, member):
    event = EventFactory()
    RegistrationFactory(event=event, person=member, status=RegistrationStatus.CANCELLED)
    client.force_login(member.user)
    client.post(register_url(event))
    assert (
        Registration.objects.get(event=event, person=member).status == RegistrationStatus.CONFIRMED
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"registration_closes_at": timezone.now() - timedelta(hours=1)},
        {"registration_opens_at": timezone.now() + timedelta(days=2)},
        {"status": EventStatus.CANCELLED},
    ],
    ids=["closed", "not-open-yet", "cancelled"],
)
def test_registration_outside_its_window_is_refused_and_creates_nothing(
    client, member, fields, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(**fields)
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event))

    assert response.status_code == 302
    assert "ne sont pas ouvertes" in messages_of(response)[0]
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_registration_closes_when_the_event_starts(client, member):
    started = timezone.now() - timedelta(hours=1)
    event = EventFactory(sessions=[(started, started + timedelta(days=1))])
    client.force_login(member.user)
    response = client.post(register_url(event))
    assert "ne sont pas ouvertes" in messages_of(response)[0]
    assert not Registration.objects.exists()


def test_double_registration_is_refused(client, member):
    event = EventFactory()
    RegistrationFactory(event=event, person=member)
    client.force_login(member.user)
    response = client.post(register_url(event))
    assert "déjà inscrit·e" in messages_of(response)[0]
    assert Registration.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_unregistering_without_a_registration_is_404(client, member):
    client.force_login(member.user)
    assert client.post(unregister_url(EventFactory())).status_code == 404


def test_a_member_cannot_register_to_a_draft(client, member):
    client.force_login(member.user)
    assert client.post(register_url(EventFactory(draft=True))).status_code == 404
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", LOGIN),
        ("partner", SPACE),
        ("pending_person", SPACE),
        ("observer", 404),
        ("coordinator", 404),
        ("member", "event"),
        ("other_member", "event"),
    ],
)
def test_register_access_by_role(client, request, who, expected):
    event = EventFactory()
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
    response = client.post(register_url(event))
    if expected == 404:
        assert response.status_code == 404
    else:
        target = event.get_absolute_url() if expected == "event" else expected
        assert response.status_code == 302
        assert response["Location"].startswith(target)
    assert Registration.objects.filter(event=event).exists() == (expected == "event")


@pytest.mark.parametrize("url_name", ["events:register", "events:unregister"])
def test_registration_actions_are_post_only(client, member, url_name):
    client.force_login(member.user)
    event = EventFactory()
    assert client.get(reverse(url_name, kwargs={"slug": event.slug})).status_code == 405


# --- The online link -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "sees_link"),
    [
        ("anonymous", None, False),
        ("member", None, False),
        ("member", RegistrationStatus.WAITLISTED, False),
        ("member", RegistrationStatus.CANCELLED, False),
        ("member", RegistrationStatus.CONFIRMED, True),
        ("other_member", None, False),
        ("observer", None, False),
        ("coordinator", None, True),
    ],
)
def test_online_link_only_for_confirmed_registrants_and_the_coordination(
    client, request, who, status, sees_link
):
    event = EventFactory(online=True)
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
        if status:
            RegistrationFactory(event=event, person=user, status=status)
    html = html_of(client.get(event.get_absolute_url()))
    assert ("visio.exemple.fr/salle-secrete" in html) == sees_link
    if not sees_link:
        assert "Le lien de connexion est envoyé aux personnes inscrites." in html


# --- Certificates ----------------------------------------------------------------------------


@pytest.fixture
def attended_training(member):
    training = EventFactory(
        training=True, title="Formation lecture", sessions=[(in_days(-9), in_days(-9, 12, 30))]
    )
    AttendanceFactory(registration__event=training, registration__person=member)
    return training


def test_trainee_downloads_her_certificate(client, member, attended_training):
    client.force_login(member.user)
    page = html_of(client.get(attended_training.get_absolute_url()))
    assert certificate_url(attended_training) in page

    response = client.get(certificate_url(attended_training))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_member", "observer", "coordinator"])
def test_nobody_else_downloads_it_here(client, request, attended_training, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(certificate_url(attended_training)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "partner", "pending_person"])
def test_certificate_redirects_non_members(client, request, attended_training, who):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
    response = client.get(certificate_url(attended_training))
    assert response.status_code == 302


def test_no_certificate_without_presence(client, member):
    training = EventFactory(training=True, sessions=[(in_days(-9), in_days(-9, 12))])
    AttendanceFactory(registration__event=training, registration__person=member, present=False)
    client.force_login(member.user)
    assert client.get(certificate_url(training)).status_code == 404
    assert certificate_url(training) not in html_of(client.get(training.get_absolute_url()))


def test_no_certificate_for_a_meeting(client, member):
    meeting = EventFactory(sessions=[(in_days(-9), in_days(-9, 12))])
    AttendanceFactory(registration__event=meeting, registration__person=member)
    client.force_login(member.user)
    assert client.get(certificate_url(meeting)).status_code == 404


def test_no_certificate_for_a_cancelled_registration(client, member, attended_training):
    Registration.objects.filter(person=member).update(status=RegistrationStatus.CANCELLED)
    client.force_login(member.user)
    assert client.get(certificate_url(attended_training)).status_code == 404


# --- « Mes inscriptions » --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", LOGIN),
        ("partner", SPACE),
        ("pending_person", SPACE),
        ("member", 200),
        ("other_member", 200),
        ("observer", 200),
        ("coordinator", 200),
    ],
)
def test_my_registrations_access_by_role(client, request, who, expected):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
    response = client.get(MINE)
    if expected == 200:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(expected)


def test_staff_without_a_profile_get_an_explanation(coordinator_client):
    response = coordinator_client.get(MINE)
    assert "n'a pas de profil de participant·e" in html_of(response)
    assert not CalendarFeed.objects.exists()


def test_my_registrations_lists_upcoming_and_past_with_positions(client, member, attended_training):
    upcoming = RegistrationFactory(person=member, event__title="Rencontre à venir")
    full = EventFactory(title="Complète", capacity=1)
    RegistrationFactory(event=full)
    RegistrationFactory(
        event=full,
        status=RegistrationStatus.WAITLISTED,
        waitlisted_at=timezone.now() - timedelta(1),
    )
    RegistrationFactory(event=full, person=member, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(person=member, event__title="Annulée", status=RegistrationStatus.CANCELLED)
    RegistrationFactory(person=member_of(), event__title="Pas la mienne")
    client.force_login(member.user)

    response = client.get(MINE)
    html = html_of(response)
    assert [r.event.title for r in response.context["upcoming"]] == [
        upcoming.event.title,
        "Complète",
    ]
    assert "liste d'attente, position 2" in html
    assert [r.event.title for r in response.context["page_obj"]] == ["Formation lecture"]
    assert certificate_url(attended_training) in html
    assert "Annulée" not in html
    assert "Pas la mienne" not in html
    assert unregister_url(upcoming.event) in html


def test_my_registrations_creates_the_personal_feed_once(client, member):
    client.force_login(member.user)
    client.get(MINE)
    client.get(MINE)
    feed = CalendarFeed.objects.get(person=member)
    html = html_of(client.get(MINE))
    url = reverse("events:personal_ics", kwargs={"token": feed.token})
    assert f"http://testserver{url}" in html
    assert f"webcal://testserver{url}" in html
    assert "Outlook" in html and "Google Agenda" in html and "Apple" in html


def test_regenerating_the_feed_address_retires_the_old_one(client, member):
    client.force_login(member.user)
    client.get(MINE)
    old = CalendarFeed.objects.get(person=member).token
    response = client.post(MINE, {"action": "regenerate"})
    assert response.status_code == 302
    new = CalendarFeed.objects.get(person=member).token
    assert new != old
    assert "nouvelle adresse" in messages_of(response)[0]
    assert client.get(reverse("events:personal_ics", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("events:personal_ics", kwargs={"token": new})).status_code == 200


def test_a_bad_post_changes_nothing(client, member):
    client.force_login(member.user)
    client.get(MINE)
    old = CalendarFeed.objects.get(person=member).token
    client.post(MINE, {"action": "autre-chose"})
    assert CalendarFeed.objects.get(person=member).token == old


def test_unregistering_from_my_registrations_comes_back_there(client, member):
    registration = RegistrationFactory(person=member)
    client.force_login(member.user)
    response = client.post(unregister_url(registration.event), {"from": "my_registrations"})
    assert response["Location"] == MINE


def test_my_registrations_query_count_is_flat(client, member):
    def add(count):
        for _ in range(count):
            RegistrationFactory(person=member)
            AttendanceFactory(
                registration__person=member,
                registration__event__training=True,
                registration__event__sessions=[(in_days(-4), in_days(-4, 12))],
            )

    client.force_login(member.user)
    add(2)
    client.get(MINE)  # the first visit creates the personal feed
    few = count_queries(client, MINE)
    add(15)
    assert count_queries(client, MINE) == few


def test_an_inactive_member_loses_access(client, member):
    member.status = PersonStatus.REFUSED
    member.save()
    client.force_login(member.user)
    assert client.get(MINE).status_code == 302


# --- Demo data -------------------------------------------------------------------------------


def test_seed_builds_a_varied_agenda_once_and_sends_nothing(mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    from events.enums import Visibility
    from events.models import Attendance, Event, ReminderPolicy
    from members.models import Epci

    call_command("seed_demo", stdout=StringIO())
    counts = (Event.objects.count(), Registration.objects.count(), Attendance.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        Event.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
    ) == counts

    events = Event.objects.with_dates()
    assert 35 <= counts[0] <= 45
    assert set(events.values_list("kind", flat=True)) == set(EventKind.values)
    assert set(events.values_list("visibility", flat=True)) == set(Visibility.values)
    epcis = set(events.exclude(commune=None).values_list("commune__epci", flat=True))
    assert epcis == set(Epci.objects.values_list("pk", flat=True))
    assert events.filter(is_online=True).exists()
    assert events.upcoming().exists() and events.past().exists()
    assert Registration.objects.waitlisted().exists()
    assert events.filter(group__isnull=False).exists()
    assert events.filter(kind=EventKind.TRAINING, needs__isnull=False).exists()
    present = Attendance.objects.filter(present=True).count()
    assert present > 0.7 * Attendance.objects.count()
    assert not Attendance.objects.filter(session__ends_at__gt=timezone.now()).exists()
    for event in events.with_counts():
        assert event.confirmed_count <= event.capacity
        assert 12 <= event.capacity <= 40
        assert 1 <= event.sessions.count() <= 4

    partner = Registration.objects.filter(person__user__email="partenaire@demo.consortium95.fr")
    past_training = (
        partner.with_event_dates()
        .with_presence()
        .get(event__kind=EventKind.TRAINING, last_end__lt=timezone.now())
    )
    assert past_training.attended
    assert partner.with_event_dates().filter(first_start__gt=timezone.now()).exists()
    assert ReminderPolicy.current().offsets_days == [7, 1]
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []
