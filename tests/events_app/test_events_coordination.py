"""The coordination's events: list, form, sessions, registrations, émargement, reminders,
the admin, and who may do what."""

import csv
import datetime
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from event_factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    bulk_coordination_events,
    bulk_registrations,
    in_days,
)
from member_factories import NeedFactory, WorkingGroupFactory, member_of

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry, OutboxMessage
from events import documents, services
from events.enums import EventKind, EventStatus, RegistrationStatus
from events.models import Attendance, Event, Registration, ReminderPolicy, Session
from members.enums import NeedStatus

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


def url(name, event=None, **kwargs):
    if event is not None:
        kwargs["slug"] = event.slug
    return reverse(f"events:{name}", kwargs=kwargs)


def count_queries(client, path) -> int:
    client.get(path)  # warm the per-process caches (content types, sites) first
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context)


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def event(db):
    """A published meeting with 2 seats and one session in ten days."""
    return EventFactory(title="Lire avec les tout-petits", capacity=2)


@pytest.fixture
def training(db):
    return EventFactory(
        training=True,
        title="Éveil musical : chanter avec les bébés",
        sessions=[(in_days(20, 9), in_days(20, 12)), (in_days(21, 14), in_days(21, 17))],
    )


# --- Access ------------------------------------------------------------------------------

ROLES = ["anonymous", "pending", "partner", "referent", "other_member", "observer", "coordinator"]
OBSERVER_READS = {"manage", "registrations", "registrations_csv"}
POST_ONLY = {"publish", "duplicate", "registration_action"}


def login(client, request, role):
    users = {
        "anonymous": lambda: None,
        "pending": lambda: request.getfixturevalue("pending_person").user,
        "partner": lambda: request.getfixturevalue("member").user,
        "referent": lambda: request.getfixturevalue("referent").user,
        "other_member": lambda: request.getfixturevalue("other_member").user,
        "observer": lambda: request.getfixturevalue("observer"),
        "coordinator": lambda: request.getfixturevalue("coordinator"),
    }
    user = users[role]()
    if user is not None:
        client.force_login(user)


@pytest.fixture
def routes(training):
    registration = RegistrationFactory(event=training, organization_name="Crèche Les Lucioles")
    session = training.sessions.first()
    AttendanceFactory(registration=registration, session=session)
    return {
        "manage": url("manage"),
        "create": url("create"),
        "reminders": url("reminders"),
        "edit": url("edit", training),
        "sessions": url("sessions", training),
        "cancel": url("cancel", training),
        "registrations": url("registrations", training),
        "registrations_csv": url("registrations_csv", training),
        "attendance": url("attendance", training, session_pk=session.pk),
        "attendance_sheet": url("attendance_sheet", training),
        "certificate": url("certificate", training, pk=registration.pk),
        "publish": url("publish", training),
        "duplicate": url("duplicate", training),
        "registration_action": url(
            "registration_action", training, pk=registration.pk, action="annuler"
        ),
    }


ROUTE_NAMES = [
    "manage",
    "create",
    "reminders",
    "edit",
    "sessions",
    "cancel",
    "registrations",
    "registrations_csv",
    "attendance",
    "attendance_sheet",
    "certificate",
    "publish",
    "duplicate",
    "registration_action",
]


def expected_get_status(role, name) -> int:
    if role == "anonymous":
        return 302  # LoginRequiredMiddleware: to the login page first
    if role == "coordinator":
        return 405 if name in POST_ONLY else 200
    if role == "observer" and name in OBSERVER_READS:
        return 200
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_get_access_per_role(client, request, routes, role, name):
    login(client, request, role)
    response = client.get(routes[name])
    assert response.status_code == expected_get_status(role, name)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
@pytest.mark.parametrize(
    "name", ["create", "edit", "sessions", "cancel", "registrations", "attendance", "reminders"]
)
def test_nobody_but_the_coordinator_may_post(client, request, routes, training, role, name):
    login(client, request, role)
    before = Event.objects.get(pk=training.pk).updated_at
    response = client.post(routes[name], {"message": "x", "person": "1"})
    assert response.status_code == (302 if role == "anonymous" else 404)
    assert Event.objects.get(pk=training.pk).updated_at == before
    assert Registration.objects.filter(status=CANCELLED).count() == 0


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_routes_answer_404_to_others(client, request, routes, training, role, name):
    login(client, request, role)
    response = client.post(routes[name], {"shift_weeks": "1"})
    assert response.status_code == (302 if role == "anonymous" else 404)
    assert Event.objects.count() == 1
    assert Registration.objects.get().status == CONFIRMED


def test_unknown_event_session_or_registration_answers_404(coordinator_client, event, training):
    other_session = training.sessions.first()
    registration = RegistrationFactory(event=training)
    assert coordinator_client.get(url("edit", slug="nulle-part")).status_code == 404
    assert (
        coordinator_client.get(url("attendance", event, session_pk=other_session.pk)).status_code
        == 404
    )
    action = url("registration_action", event, pk=registration.pk, action="annuler")
    assert coordinator_client.post(action).status_code == 404
    bad_action = url("registration_action", training, pk=registration.pk, action="supprimer")
    assert coordinator_client.post(bad_action).status_code == 404
    assert coordinator_client.get(url("certificate", event, pk=registration.pk)).status_code == 404
    assert Registration.objects.get().status == CONFIRMED


def test_reserved_addresses_are_never_an_event_slug(coordinator):
    fields = {
        "kind": EventKind.MEETING,
        "title": "Nouvelle",
        "description": "x",
        "capacity": 5,
        "commune": EventFactory.build().commune,
        "registration_opens_at": timezone.now(),
    }
    created = services.event_create(actor=coordinator, fields=fields)
    assert created.slug not in {"nouvelle", "rappels"}
    assert reverse("events:edit", kwargs={"slug": created.slug}) != reverse("events:create")


# --- List of events ----------------------------------------------------------------------


def titles(response) -> list[str]:
    return [event.title for event in response.context["page_obj"]]


def test_list_shows_every_state_with_fill_rate_and_waitlist(coordinator_client, event):
    EventFactory(title="Brouillon de printemps", draft=True, sessions=0)
    EventFactory(title="Festival annulé", status=EventStatus.CANCELLED)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=WAITLISTED)
    response = coordinator_client.get(url("manage"))
    assert set(titles(response)) == {event.title, "Brouillon de printemps", "Festival annulé"}
    page = html(response)
    assert "1 / 2 places (50 %)" in page
    assert "1 personne" in page
    assert "dates à venir" in page
    for label in ("Brouillon", "Publiée", "Annulée"):
        assert label in page
    assert url("create") in page and url("reminders") in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "formation"}, {"Formation d'hiver"}),
        ({"status": "draft"}, {"Brouillon"}),
        ({"period": "passees"}, {"Rencontre passée"}),
        ({"period": "a-venir", "kind": "rencontre"}, {"Rencontre future"}),
        ({"q": "hiver"}, {"Formation d'hiver"}),
    ],
)
def test_list_filters(coordinator_client, params, expected):
    EventFactory(title="Formation d'hiver", training=True)
    EventFactory(title="Brouillon", draft=True, kind=EventKind.FESTIVAL)
    EventFactory(title="Rencontre passée", sessions=[(in_days(-10, 9), in_days(-10, 12))])
    EventFactory(title="Rencontre future")
    assert set(titles(coordinator_client.get(url("manage"), params))) == expected


def test_list_query_count_is_flat(coordinator_client):
    bulk_coordination_events(10, prefix="dix")
    few = count_queries(coordinator_client, url("manage"))
    bulk_coordination_events(190, prefix="cent")
    assert Event.objects.count() == 200
    assert count_queries(coordinator_client, url("manage")) == few


# --- Event form --------------------------------------------------------------------------


def event_data(**changes) -> dict:
    data = {
        "kind": "formation",
        "title": "Lire à voix haute aux bébés",
        "description": "Deux demi-journées pour lire avec les tout-petits.",
        "audience": "tous",
        "visibility": "public",
        "online_url": "",
        "venue": "Médiathèque de l'Astrolabe",
        "address": "Rue des Pas Perdus",
        "commune": "95127",
        "capacity": "12",
        "registration_opens_at": "2026-01-10T09:00",
        "registration_closes_at": "",
        "group": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_create_makes_a_draft_and_goes_to_its_sessions(coordinator_client, coordinator):
    need = NeedFactory(title="Former à la lecture")
    NeedFactory(title="Besoin clos", status=NeedStatus.CLOSED)
    group = WorkingGroupFactory()
    response = coordinator_client.post(url("create"), event_data(needs=[need.pk], group=group.pk))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("sessions", event)
    assert event.status == EventStatus.DRAFT
    assert event.kind == EventKind.TRAINING and event.group == group
    assert list(event.needs.all()) == [need]
    assert event.commune.insee_code == "95127"
    # datetime-local inputs are Paris time: 9 h in January is 8 h UTC.
    assert timezone.localtime(event.registration_opens_at).hour == 9
    assert event.registration_opens_at.astimezone(datetime.UTC).hour == 8
    assert AuditLogEntry.objects.filter(action="events.event_created").exists()


def test_create_form_offers_only_open_needs(coordinator_client):
    NeedFactory(title="Besoin ouvert")
    NeedFactory(title="Besoin clos", status=NeedStatus.CLOSED)
    page = html(coordinator_client.get(url("create")))
    assert "Besoin ouvert" in page and "Besoin clos" not in page


def test_online_event_needs_no_commune(coordinator_client):
    data = event_data(is_online="on", online_url="https://visio.exemple.fr/salle", commune="")
    assert coordinator_client.post(url("create"), data).status_code == 302
    event = Event.objects.get()
    assert event.is_online and event.commune is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"is_online": "on", "online_url": ""}, "Indiquez le lien de connexion"),
        ({"commune": ""}, "Indiquez la commune du lieu"),
        (
            {"registration_closes_at": "2026-01-09T09:00"},
            "La clôture des inscriptions doit venir après leur ouverture.",
        ),
        ({"capacity": "0"}, "Prévoyez au moins une place."),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"title": "Lire <b>fort</b>"}, "sans balise HTML"),
        ({"registration_opens_at": "demain"}, "Saisissez une date et une heure valides."),
        ({"commune": "75056"}, "pas dans la liste du Val-d&#x27;Oise"),
    ],
)
def test_create_refuses_bad_input_in_french_and_saves_nothing(coordinator_client, changes, error):
    response = coordinator_client.post(url("create"), event_data(**changes))
    assert response.status_code == 200
    assert error in html(response)
    assert 'role="alert"' in html(response)
    assert not Event.objects.exists()


def test_edit_saves_changes(coordinator_client, event):
    data = event_data(title="Lire avec les bébés", capacity="30", kind="rencontre")
    response = coordinator_client.post(url("edit", event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity, event.status) == (
        "Lire avec les bébés",
        30,
        EventStatus.PUBLISHED,
    )
    assert AuditLogEntry.objects.filter(action="events.event_updated").exists()


def test_edit_form_shows_the_saved_values(coordinator_client, event):
    page = html(coordinator_client.get(url("edit", event)))
    assert 'value="95127" selected' in page
    opens = timezone.localtime(event.registration_opens_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{opens}"' in page


def test_edit_refuses_bad_input_and_changes_nothing(coordinator_client, event):
    response = coordinator_client.post(
        url("edit", event), event_data(title="Nouveau titre", capacity="0")
    )
    assert response.status_code == 200
    assert "Prévoyez au moins une place." in html(response)
    assert "<h1>Lire avec les tout-petits</h1>" in html(response)
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Lire avec les tout-petits", 2)


# --- Publish, duplicate, cancel ----------------------------------------------------------


def test_publish_without_a_session_is_refused(coordinator_client):
    draft = EventFactory(draft=True, sessions=0)
    response = coordinator_client.post(url("publish", draft), follow=True)
    assert "Ajoutez au moins une séance avant de publier." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


def test_publish_a_draft_with_a_session(coordinator_client):
    draft = EventFactory(draft=True)
    response = coordinator_client.post(url("publish", draft))
    assert response["Location"] == url("edit", draft)
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED


def test_duplicate_copies_sessions_shifted_and_not_registrations(coordinator_client, training):
    need = NeedFactory()
    training.needs.add(need)
    Session.objects.filter(event=training).update(hours=Decimal("3.5"))
    RegistrationFactory.create_batch(2, event=training)
    response = coordinator_client.post(url("duplicate", training), {"shift_weeks": "2"})
    copy = Event.objects.exclude(pk=training.pk).get()
    assert response["Location"] == url("edit", copy)
    assert copy.status == EventStatus.DRAFT
    assert copy.title == f"{training.title} (copie)"
    assert copy.registrations.count() == 0
    assert list(copy.needs.all()) == [need]
    original = list(training.sessions.values_list("starts_at", "ends_at", "hours"))
    copied = list(copy.sessions.values_list("starts_at", "ends_at", "hours"))
    assert copied == [(s + timedelta(weeks=2), e + timedelta(weeks=2), h) for s, e, h in original]
    assert training.registrations.count() == 2


def test_duplicate_without_shift_keeps_the_dates(coordinator_client, event):
    coordinator_client.post(url("duplicate", event), {"shift_weeks": ""})
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.sessions.get().starts_at == event.sessions.get().starts_at


def test_duplicate_refuses_a_negative_shift(coordinator_client, event):
    response = coordinator_client.post(url("duplicate", event), {"shift_weeks": "-1"}, follow=True)
    assert any("positif" in message for message in messages_of(response))
    assert Event.objects.count() == 1


def test_cancel_needs_a_message_and_changes_nothing_without(coordinator_client, event):
    RegistrationFactory(event=event)
    response = coordinator_client.post(url("cancel", event), {"message": "  "})
    assert response.status_code == 400
    assert "Écrivez un message" in html(response)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert not OutboxMessage.objects.filter(template="participant_event_cancelled").exists()


def test_cancel_emails_everyone_registered_or_waiting(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed = RegistrationFactory.create_batch(2, event=event)
    waiting = RegistrationFactory(event=event, status=WAITLISTED)
    RegistrationFactory(event=event, status=CANCELLED)
    message = "La salle est inondée : nous vous proposerons une autre date très vite."
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url("cancel", event), {"message": message})
    assert response["Location"] == url("edit", event)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    rows = OutboxMessage.objects.filter(template="participant_event_cancelled")
    expected = {r.person.user.email for r in [*confirmed, waiting]}
    assert set(rows.values_list("recipient_email", flat=True)) == expected
    assert {address for mail in mailoutbox for address in mail.to} == expected
    assert all(message in mail.body for mail in mailoutbox)
    assert all("Annulation" in mail.subject for mail in mailoutbox)
    assert all(event.title in mail.alternatives[0][0] for mail in mailoutbox)
    by_address = {mail.to[0]: mail.body for mail in mailoutbox}
    assert "Vous étiez en liste d'attente" in by_address.pop(waiting.person.user.email)
    assert all("Votre inscription est annulée" in body for body in by_address.values())


def test_cancel_page_asks_for_the_message(coordinator_client, event):
    RegistrationFactory.create_batch(2, event=event)
    page = html(coordinator_client.get(url("cancel", event)))
    assert "2 personnes inscrites ou en liste d'attente" in page


def test_cancelling_twice_is_refused(coordinator_client, event):
    coordinator_client.post(url("cancel", event), {"message": "Annulée."})
    response = coordinator_client.post(url("cancel", event), {"message": "Encore."}, follow=True)
    assert "Cette rencontre est déjà annulée." in messages_of(response)
    assert AuditLogEntry.objects.filter(action="events.event_cancelled").count() == 1


# --- Sessions ----------------------------------------------------------------------------


def session_data(**changes) -> dict:
    data = {"starts_at": "2026-06-12T09:30", "ends_at": "2026-06-12T12:30", "label": "Matinée"}
    data.update(changes)
    return data


def test_add_a_session_to_a_training_with_hours(coordinator_client, training):
    response = coordinator_client.post(url("sessions", training), session_data(hours="2.5"))
    assert response["Location"] == url("sessions", training)
    session = training.sessions.get(label="Matinée")
    assert timezone.localtime(session.starts_at).hour == 9
    assert session.hours == Decimal("2.5")


def test_sessions_of_a_meeting_have_no_hours_field(coordinator_client, event):
    assert 'name="hours"' not in html(coordinator_client.get(url("sessions", event)))
    assert 'name="hours"' in html(
        coordinator_client.get(url("sessions", EventFactory(training=True)))
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"ends_at": "2026-06-12T09:00"}, "La fin de la séance doit venir après son début."),
        ({"ends_at": "2026-06-12T09:30"}, "La fin de la séance doit venir après son début."),
        ({"starts_at": ""}, "Ce champ est obligatoire."),
        ({"hours": "-1"}, "Indiquez un nombre d&#x27;heures positif"),
    ],
)
def test_session_form_refuses_bad_input(coordinator_client, training, changes, error):
    response = coordinator_client.post(url("sessions", training), session_data(**changes))
    assert response.status_code == 200
    assert error in html(response)
    assert training.sessions.count() == 2


def test_edit_a_session(coordinator_client, event):
    session = event.sessions.get()
    page = html(coordinator_client.get(url("sessions", event), {"seance": session.pk}))
    assert "Modifier la séance du" in page
    data = session_data(seance=session.pk, label="Nouvelle heure")
    coordinator_client.post(url("sessions", event), data)
    session.refresh_from_db()
    assert session.label == "Nouvelle heure"
    assert event.sessions.count() == 1


def test_delete_a_session_but_not_the_last_one(coordinator_client, training):
    first, second = training.sessions.all()
    coordinator_client.post(url("sessions", training), {"supprimer": first.pk})
    assert list(training.sessions.all()) == [second]
    response = coordinator_client.post(
        url("sessions", training), {"supprimer": second.pk}, follow=True
    )
    assert "Une rencontre garde au moins une séance." in messages_of(response)
    assert training.sessions.count() == 1


def test_a_session_of_another_event_cannot_be_touched(coordinator_client, event, training):
    other = training.sessions.first()
    assert coordinator_client.get(url("sessions", event), {"seance": other.pk}).status_code == 404
    assert (
        coordinator_client.post(url("sessions", event), {"supprimer": other.pk}).status_code == 404
    )
    assert training.sessions.count() == 2


# --- Registrations -----------------------------------------------------------------------


def test_registration_list_shows_confirmed_waitlist_in_order_and_cancelled(
    coordinator_client, event
):
    ada = member_of(phone="01 30 00 00 00")
    RegistrationFactory(event=event, person=ada, organization_name="Crèche Les Lucioles")
    late = RegistrationFactory(event=event, status=WAITLISTED, waitlisted_at=in_days(-1))
    early = RegistrationFactory(event=event, status=WAITLISTED, waitlisted_at=in_days(-2))
    gone = RegistrationFactory(event=event, status=CANCELLED, cancelled_at=timezone.now())
    response = coordinator_client.get(url("registrations", event))
    assert response.context["waitlist"] == [early, late]
    assert response.context["cancelled"] == [gone]
    page = html(response)
    assert "Crèche Les Lucioles" in page and "01 30 00 00 00" in page
    assert "1 / 2 places (50 %)" in page
    assert "2 personnes en liste d'attente." in page
    assert "<details>" in page


def test_observer_reads_the_list_without_actions(observer_client, event):
    RegistrationFactory(event=event)
    page = html(observer_client.get(url("registrations", event)))
    assert "Inscrire une personne" not in page
    assert "Annuler l'inscription" not in page
    # The list of events is theirs to read too (nav and breadcrumb), without actions.
    assert f'href="{url("manage")}"' in page
    listing = html(observer_client.get(url("manage")))
    assert "Nouvelle rencontre" not in listing and "lecture seule" in listing
    assert f'href="{url("edit", event)}"' not in listing
    assert f'href="{url("registrations", event)}"' in listing


def test_register_someone_outside_the_window(coordinator_client, coordinator, mailoutbox):
    closed = EventFactory(registration_opens_at=timezone.now() + timedelta(days=5))
    person = member_of()
    response = coordinator_client.post(url("registrations", closed), {"person": person.pk})
    assert response.status_code == 302
    registration = Registration.objects.get(event=closed, person=person)
    assert registration.status == CONFIRMED
    assert registration.registered_by == coordinator
    assert registration.organization_name == person.organizations.get().name


def test_register_someone_past_capacity_goes_to_the_waitlist(coordinator_client, event):
    RegistrationFactory.create_batch(2, event=event)
    person = member_of()
    response = coordinator_client.post(
        url("registrations", event), {"person": person.pk}, follow=True
    )
    assert Registration.objects.get(person=person).status == WAITLISTED
    assert any("liste d'attente" in message for message in messages_of(response))


def test_register_refuses_someone_already_registered_or_not_active(
    coordinator_client, event, pending_person
):
    registered = RegistrationFactory(event=event).person
    for person in (registered, pending_person):
        response = coordinator_client.post(url("registrations", event), {"person": person.pk})
        assert response.status_code == 400
        assert "ne peut pas être inscrite" in html(response)
    assert event.registrations.count() == 1


def test_registered_people_are_not_offered_again(coordinator_client, event):
    registered = RegistrationFactory(event=event).person
    form = coordinator_client.get(url("registrations", event)).context["form"]
    assert registered not in form.fields["person"].queryset


def action(client, registration, name, **data):
    path = url("registration_action", registration.event, pk=registration.pk, action=name)
    return client.post(path, data, follow=True)


def test_promote_past_capacity(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(2, event=event)
    waiting = RegistrationFactory(event=event, status=WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(coordinator_client, waiting, "promouvoir")
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert event.registrations.confirmed().count() == 3
    assert [mail.to for mail in mailoutbox] == [[waiting.person.user.email]]
    assert any("a une place" in message for message in messages_of(response))


def test_promote_refuses_someone_not_waiting(coordinator_client, event):
    confirmed = RegistrationFactory(event=event)
    response = action(coordinator_client, confirmed, "promouvoir")
    assert "Cette personne n'est pas en liste d'attente." in messages_of(response)


def test_cancel_a_registration_promotes_the_first_waiting(
    coordinator_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    seated = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    second = RegistrationFactory(event=event, status=WAITLISTED, waitlisted_at=in_days(-1))
    first = RegistrationFactory(event=event, status=WAITLISTED, waitlisted_at=in_days(-2))
    with django_capture_on_commit_callbacks(execute=True):
        action(coordinator_client, seated, "annuler")
    seated.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (seated.status, first.status, second.status) == (CANCELLED, CONFIRMED, WAITLISTED)
    assert [mail.to for mail in mailoutbox] == [[first.person.user.email]]


def test_move_to_another_event_of_the_same_kind(coordinator_client, training, coordinator):
    other = EventFactory(training=True, title="Éveil musical, deuxième session")
    EventFactory(title="Une rencontre, pas une formation")
    registration = RegistrationFactory(event=training)
    page = html(coordinator_client.get(url("registrations", training)))
    assert "Éveil musical, deuxième session" in page
    assert "Une rencontre, pas une formation" not in page
    response = action(coordinator_client, registration, "deplacer", to_event=other.pk)
    registration.refresh_from_db()
    assert registration.status == CANCELLED
    moved = Registration.objects.get(event=other, person=registration.person)
    assert moved.status == CONFIRMED and moved.registered_by == coordinator
    assert any("deuxième session" in message for message in messages_of(response))


def test_move_refuses_an_event_of_another_kind_or_none(coordinator_client, training):
    meeting = EventFactory()
    registration = RegistrationFactory(event=training)
    for data in ({"to_event": meeting.pk}, {}):
        response = action(coordinator_client, registration, "deplacer", **data)
        assert any("rencontre" in message for message in messages_of(response))
    registration.refresh_from_db()
    assert registration.status == CONFIRMED
    assert not meeting.registrations.exists()


def test_registration_list_query_count_is_flat(coordinator_client):
    event = EventFactory(capacity=5)
    EventFactory()  # somewhere to move people to
    bulk_registrations(event, 10, prefix="peu")
    few = count_queries(coordinator_client, url("registrations", event))
    bulk_registrations(event, 490, prefix="beaucoup")
    assert event.registrations.count() == 500
    assert count_queries(coordinator_client, url("registrations", event)) == few


# --- CSV export --------------------------------------------------------------------------


def test_csv_export(observer_client, training):
    first, second = training.sessions.all()
    ada = RegistrationFactory(
        event=training,
        person=member_of(user__first_name="Ada", user__last_name="Lovelace"),
        organization_name="Crèche Les Lucioles",
    )
    AttendanceFactory(registration=ada, session=first, present=True)
    AttendanceFactory(registration=ada, session=second, present=False)
    waiting = RegistrationFactory(event=training, status=WAITLISTED)
    response = observer_client.get(url("registrations_csv", training))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    header, *lines = rows
    assert header[:6] == [
        "Nom",
        "Structure",
        "E-mail",
        "État",
        "Position en liste d'attente",
        "Inscrit·e le",
    ]
    assert header[6].startswith("Présence le ") and len(header) == 8
    assert lines[0][:5] == [
        "Ada Lovelace",
        "Crèche Les Lucioles",
        ada.person.user.email,
        "Inscrit·e",
        "",
    ]
    assert lines[0][6:] == ["présent·e", "absent·e"]
    assert lines[1][3:5] == ["En liste d'attente", "1"]
    assert lines[1][2] == waiting.person.user.email


def test_csv_of_an_anonymised_registration(coordinator_client, event):
    RegistrationFactory(event=event, person=None, organization_name="Halte-garderie")
    content = coordinator_client.get(url("registrations_csv", event)).content.decode()
    assert "Compte supprimé;Halte-garderie;;Inscrit·e" in content


# --- Émargement --------------------------------------------------------------------------


@pytest.fixture
def held(db):
    """A published meeting with 2 seats and one session held three days ago."""
    return EventFactory(
        title="Lire avec les tout-petits",
        capacity=2,
        sessions=[(in_days(-3, 9, 30), in_days(-3, 12, 30))],
    )


@pytest.fixture
def held_training(db):
    """A two-session training that took place this week."""
    return EventFactory(
        training=True,
        title="Éveil musical : chanter avec les bébés",
        sessions=[(in_days(-3, 9), in_days(-3, 12)), (in_days(-2, 14), in_days(-2, 17))],
    )


def test_attendance_marks_everyone_in_one_post(coordinator_client, coordinator, held_training):
    training = held_training
    first, second = training.sessions.all()
    Session.objects.filter(pk=first.pk).update(hours=Decimal("2.5"))
    ada, bob, eve = RegistrationFactory.create_batch(3, event=training)
    RegistrationFactory(event=training, status=WAITLISTED)
    data = {f"presence-{ada.pk}": "present", f"presence-{bob.pk}": "absent"}
    response = coordinator_client.post(url("attendance", training, session_pk=first.pk), data)
    assert response["Location"] == url("attendance", training, session_pk=first.pk)
    marks = dict(Attendance.objects.values_list("registration_id", "present"))
    assert marks == {ada.pk: True, bob.pk: False}
    assert Attendance.objects.get(registration=ada).marked_by == coordinator
    coordinator_client.post(
        url("attendance", training, session_pk=second.pk), {f"presence-{ada.pk}": "present"}
    )
    ada.refresh_from_db()
    assert documents.hours_attended(ada) == 2.5 + 3.0
    page = html(coordinator_client.get(url("attendance", training, session_pk=first.pk)))
    assert "1 présent·e" in page and "1 absent·e" in page and "1 pas encore émargé·e" in page
    assert re.search(rf'name="presence-{ada.pk}" value="present"[^>]* checked', page)
    assert not re.search(rf'name="presence-{eve.pk}" value="[a-z]+"[^>]* checked', page)
    assert eve.person.user.get_full_name() in page


def test_attendance_can_be_corrected(coordinator_client, held):
    event = held
    session = event.sessions.get()
    registration = RegistrationFactory(event=event)
    path = url("attendance", event, session_pk=session.pk)
    coordinator_client.post(path, {f"presence-{registration.pk}": "present"})
    coordinator_client.post(path, {f"presence-{registration.pk}": "absent"})
    assert Attendance.objects.get().present is False


def test_attendance_refuses_a_bad_value_and_saves_nothing(coordinator_client, held):
    event = held
    session = event.sessions.get()
    ada, bob = RegistrationFactory.create_batch(2, event=event)
    data = {f"presence-{ada.pk}": "present", f"presence-{bob.pk}": "peut-etre"}
    response = coordinator_client.post(url("attendance", event, session_pk=session.pk), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html(response)
    assert not Attendance.objects.exists()


def test_attendance_page_lists_only_confirmed_people_and_offers_every_session(
    coordinator_client, held_training
):
    training = held_training
    first, second = training.sessions.all()
    confirmed = RegistrationFactory(event=training)
    waiting = RegistrationFactory(event=training, status=WAITLISTED)
    response = coordinator_client.get(url("attendance", training, session_pk=first.pk))
    assert [r for r, _field in response.context["form"].rows()] == [confirmed]
    page = html(response)
    assert url("attendance", training, session_pk=second.pk) in page
    assert waiting.person.user.email not in page


def test_attendance_query_count_is_flat(coordinator_client):
    event = EventFactory(capacity=600, sessions=[(in_days(-1, 9), in_days(-1, 12))])
    bulk_registrations(event, 10, prefix="peu")
    path = url("attendance", event, session_pk=event.sessions.get().pk)
    few = count_queries(coordinator_client, path)
    bulk_registrations(event, 490, prefix="beaucoup")
    assert count_queries(coordinator_client, path) == few


def test_attendance_of_a_session_not_begun_is_refused_by_the_service(coordinator, event):
    registration = RegistrationFactory(event=event)
    with pytest.raises(DomainError, match="pas encore commencé"):
        services.attendance_mark(
            session=event.sessions.get(), registration=registration, present=True, actor=coordinator
        )
    assert not Attendance.objects.exists()


def test_attendance_page_of_a_future_session_offers_no_form(coordinator_client, event):
    session = event.sessions.get()
    registration = RegistrationFactory(event=event)
    path = url("attendance", event, session_pk=session.pk)
    page = html(coordinator_client.get(path))
    assert "La séance n'a pas encore commencé" in page
    assert f'name="presence-{registration.pk}"' not in page
    # Nor does the list of sessions offer "Émarger" for it.
    assert ">Émarger<" not in html(coordinator_client.get(url("sessions", event)))

    response = coordinator_client.post(path, {f"presence-{registration.pk}": "present"})
    assert response.status_code == 200
    assert "l&#x27;émargement ouvre à son début" in html(response)
    assert not Attendance.objects.exists()


def test_attendance_opens_when_the_session_begins(coordinator_client, held):
    session = held.sessions.get()
    registration = RegistrationFactory(event=held)
    path = url("attendance", held, session_pk=session.pk)
    assert f'name="presence-{registration.pk}"' in html(coordinator_client.get(path))
    assert ">Émarger<" in html(coordinator_client.get(url("sessions", held)))


# --- Reminders ---------------------------------------------------------------------------


def test_reminder_policy_is_saved_sorted(coordinator_client, coordinator):
    response = coordinator_client.post(
        url("reminders"), {"offsets": "1, 14;3", "certificate_delay_hours": "6"}
    )
    assert response["Location"] == url("reminders")
    policy = ReminderPolicy.current()
    assert (policy.offsets_days, policy.certificate_delay_hours) == ([14, 3, 1], 6)
    assert AuditLogEntry.objects.filter(action="events.reminders_updated").exists()
    assert "J-14, J-3, J-1" in html(coordinator_client.get(url("reminders")))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"offsets": "7, 0"}, "entre 1 et 60 jours"),
        ({"offsets": "61"}, "entre 1 et 60 jours"),
        ({"offsets": "7, 1, 7"}, "apparaît deux fois"),
        ({"offsets": "1, 2, 3, 4, 5"}, "Quatre rappels au plus"),
        ({"offsets": "une semaine"}, "nombres entiers de jours"),
        ({"offsets": "-3"}, "nombres entiers de jours"),
        ({"offsets": " , "}, "Indiquez au moins un rappel"),
        ({"certificate_delay_hours": "-1"}, "ne peut pas être négatif"),
        ({"certificate_delay_hours": "1000"}, "ne peut pas dépasser 336 heures"),
    ],
)
def test_reminder_policy_refuses_bad_input(coordinator_client, data, error):
    ReminderPolicy.current()
    response = coordinator_client.post(
        url("reminders"), {"offsets": "7, 1", "certificate_delay_hours": "2", **data}
    )
    assert response.status_code == 200
    assert error in html(response)
    policy = ReminderPolicy.current()
    assert (policy.offsets_days, policy.certificate_delay_hours) == ([7, 1], 2)


# --- Admin -------------------------------------------------------------------------------

EVENTS_MODELS = list(apps.get_app_config("events").get_models())


@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda m: m.__name__)
def test_every_events_model_is_in_the_admin_with_search(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model.__name__} is not in the admin"
    assert model_admin.search_fields


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:events_{model._meta.model_name}_{action}", args=args)


def test_admin_pages_open_with_a_constant_query_count(coordinator_client):
    events = bulk_coordination_events(3, prefix="admin-peu")
    for event in events:
        RegistrationFactory(event=event, status=CANCELLED)
        AttendanceFactory(registration=event.registrations.confirmed().first())
    ReminderPolicy.current()
    few = {model: count_queries(coordinator_client, admin_url(model)) for model in EVENTS_MODELS}
    detail = count_queries(coordinator_client, admin_url(Event, "change", events[0].pk))
    more = bulk_coordination_events(30, prefix="admin-beaucoup")
    for event in more:
        AttendanceFactory(registration=event.registrations.confirmed().first())
    bulk_registrations(events[0], 30, prefix="admin-inscrit")
    for model in EVENTS_MODELS:
        assert count_queries(coordinator_client, admin_url(model)) == few[model], model
    assert count_queries(coordinator_client, admin_url(Event, "change", events[0].pk)) == detail
    registration = events[0].registrations.first()
    assert (
        coordinator_client.get(admin_url(Registration, "change", registration.pk)).status_code
        == 200
    )
    assert coordinator_client.get(admin_url(Event), {"q": "admin"}).status_code == 200


def test_admin_publish_action_uses_the_service(coordinator_client):
    ready = EventFactory(draft=True)
    empty = EventFactory(draft=True, sessions=0)
    coordinator_client.post(
        admin_url(Event),
        {"action": "publish", "_selected_action": [ready.pk, empty.pk]},
    )
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.status, empty.status) == (EventStatus.PUBLISHED, EventStatus.DRAFT)
