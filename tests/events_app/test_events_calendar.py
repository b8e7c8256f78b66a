"""iCalendar files: the public feed, one event's file and the personal feed of a member."""

from datetime import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from event_factories import EventFactory, RegistrationFactory, bulk_events, in_days
from icalendar import Calendar

from events.enums import EventStatus, RegistrationStatus
from events.models import CalendarFeed
from members.enums import PersonStatus

pytestmark = pytest.mark.django_db

PUBLIC_FEED = reverse("events:agenda_ics")
SECRET_LINK = "visio.exemple.fr/salle-secrete"


def paris(year, month, day, hour, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def event_ics(event):
    return reverse("events:event_ics", kwargs={"slug": event.slug})


def personal_ics(token):
    return reverse("events:personal_ics", kwargs={"token": token})


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def summaries(calendar: Calendar) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in vevents(calendar)}


def feed_of(person) -> CalendarFeed:
    return CalendarFeed.objects.create(person=person)


# --- What a file contains -------------------------------------------------------------------


def test_event_file_has_paris_times_with_their_timezone_and_an_alarm(client):
    event = EventFactory(
        title="Rencontre d'hiver",
        sessions=[
            (paris(2036, 12, 9, 9, 30), paris(2036, 12, 9, 12, 30)),
            (paris(2037, 7, 1, 14), paris(2037, 7, 1, 17)),  # summer time
        ],
    )
    response = client.get(event_ics(event))
    calendar = parse(response)

    assert response["Content-Disposition"] == f'inline; filename="{event.slug}.ics"'
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    winter, summer = vevents(calendar)
    for vevent in (winter, summer):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert vevent.walk("VALARM"), "each session carries a reminder"
        assert str(vevent["SUMMARY"]) == "Rencontre d'hiver"
    assert winter.decoded("DTSTART").replace(tzinfo=None) == datetime(2036, 12, 9, 9, 30)
    assert winter.decoded("DTEND").replace(tzinfo=None) == datetime(2036, 12, 9, 12, 30)
    assert summer.decoded("DTSTART").replace(tzinfo=None) == datetime(2037, 7, 1, 14)
    assert summer.decoded("DTSTART") == paris(2037, 7, 1, 14)
    assert b"TZID=Europe/Paris:20361209T093000" in response.content
    assert str(winter["LOCATION"]).endswith("Cergy")
    assert str(winter["URL"]).endswith(event.get_absolute_url())


def test_uids_are_stable_between_two_downloads(client):
    event = EventFactory(sessions=[(in_days(5), in_days(5, 12)), (in_days(6), in_days(6, 12))])
    first = [str(v["UID"]) for v in vevents(parse(client.get(event_ics(event))))]
    second = [str(v["UID"]) for v in vevents(parse(client.get(event_ics(event))))]
    assert first == second
    assert len(set(first)) == 2
    public = [str(v["UID"]) for v in vevents(parse(client.get(PUBLIC_FEED)))]
    assert sorted(public) == sorted(first)


def test_a_cancelled_event_is_marked_cancelled(client, member):
    event = EventFactory(status=EventStatus.CANCELLED)
    (vevent,) = vevents(parse(client.get(event_ics(event))))
    assert str(vevent["STATUS"]) == "CANCELLED"


# --- The online link ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "private"),
    [
        (None, False),
        (RegistrationStatus.WAITLISTED, False),
        (RegistrationStatus.CANCELLED, False),
        (RegistrationStatus.CONFIRMED, True),
    ],
)
def test_event_file_has_the_online_link_only_for_a_confirmed_registrant(
    client, member, status, private
):
    event = EventFactory(online=True)
    if status:
        RegistrationFactory(event=event, person=member, status=status)
    client.force_login(member.user)
    response = client.get(event_ics(event))
    (vevent,) = vevents(parse(response))
    assert (SECRET_LINK in str(vevent["LOCATION"])) == private
    if not private:
        assert str(vevent["LOCATION"]) == "En ligne"
    assert (response.get("Cache-Control") == "private, no-store") == private


def test_anonymous_event_file_has_no_online_link(client):
    event = EventFactory(online=True)
    assert SECRET_LINK.encode() not in client.get(event_ics(event)).content


# --- The public feed ------------------------------------------------------------------------


def test_public_feed_has_upcoming_public_events_only(client, member):
    EventFactory(title="Publique")
    EventFactory(title="Annulée", status=EventStatus.CANCELLED)
    EventFactory(title="Réservée", members_only=True)
    EventFactory(title="Brouillon", draft=True)
    EventFactory(title="Passée", sessions=[(in_days(-3), in_days(-3, 12))])
    EventFactory(title="En ligne", online=True)
    client.force_login(member.user)  # a member gets the same public feed
    response = client.get(PUBLIC_FEED)
    calendar = parse(response)
    assert summaries(calendar) == {"Publique", "Annulée", "En ligne"}
    assert SECRET_LINK.encode() not in response.content
    assert response["Content-Disposition"] == 'inline; filename="agenda-consortium-95.ics"'


def test_public_feed_query_count_does_not_grow_with_events(client):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            parse(client.get(PUBLIC_FEED))
        return len(context)

    bulk_events(10, prefix="peu")
    few = count()
    bulk_events(190, prefix="beaucoup")
    assert count() == few


def test_public_feed_is_built_once_per_change_and_answers_304_to_a_poll(client):
    EventFactory(title="Avant")
    first = client.get(PUBLIC_FEED)
    assert summaries(parse(first)) == {"Avant"}
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert "max-age" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as cached:
        again = client.get(PUBLIC_FEED)
    assert again.content == first.content
    assert len(cached) == 1, "a cached feed costs one aggregate query"

    poll = client.get(PUBLIC_FEED, headers={"if-none-match": etag})
    assert poll.status_code == 304
    assert poll.content == b""


@pytest.mark.parametrize("change", ["cancel", "edit", "session", "new"])
def test_a_change_shows_in_the_cached_feed_at_once(client, coordinator, change):
    from events import services

    event = EventFactory(title="Rencontre de printemps")
    etag = client.get(PUBLIC_FEED)["ETag"]
    if change == "cancel":
        services.event_cancel(event=event, actor=coordinator, message="Salle indisponible.")
    elif change == "edit":
        services.event_update(event=event, actor=coordinator, fields={"title": "Renommée"})
    elif change == "session":
        session = event.sessions.first()
        services.session_save(
            event=event,
            actor=coordinator,
            session=session,
            fields={"starts_at": in_days(20), "ends_at": in_days(20, 12)},
        )
    else:
        EventFactory(title="Nouvelle")
    response = client.get(PUBLIC_FEED, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    calendar = parse(response)
    if change == "cancel":
        assert str(vevents(calendar)[0]["STATUS"]) == "CANCELLED"
    elif change == "edit":
        assert summaries(calendar) == {"Renommée"}
    elif change == "session":
        assert vevents(calendar)[0].decoded("DTSTART") == in_days(20)
    else:
        assert summaries(calendar) == {"Rencontre de printemps", "Nouvelle"}


def test_the_feed_in_english_is_not_the_cached_french_one(client):
    EventFactory(title="Rencontre")
    french = client.get(PUBLIC_FEED)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(PUBLIC_FEED)
    assert french["ETag"] != english["ETag"]
    assert parse(english)["X-WR-CALNAME"] != parse(french)["X-WR-CALNAME"]


def test_event_file_query_count_does_not_grow_with_sessions(client, member):
    client.force_login(member.user)
    few = EventFactory(sessions=[(in_days(d), in_days(d, 12)) for d in (3, 4)])
    many = EventFactory(sessions=[(in_days(d), in_days(d, 12)) for d in range(3, 33)])

    def count(event) -> int:
        with CaptureQueriesContext(connection) as context:
            parse(client.get(event_ics(event)))
        return len(context)

    assert count(few) == count(many)


# --- The personal feed ----------------------------------------------------------------------


def test_personal_feed_has_only_the_persons_confirmed_registrations(client, member, other_member):
    RegistrationFactory(person=member, event__title="Ma rencontre", event__online=True)
    RegistrationFactory(
        person=member,
        event__title="Réservée aux membres",
        event__members_only=True,
    )
    RegistrationFactory(
        person=member,
        event__title="En attente",
        status=RegistrationStatus.WAITLISTED,
    )
    RegistrationFactory(
        person=member, event__title="Désinscrite", status=RegistrationStatus.CANCELLED
    )
    RegistrationFactory(person=other_member, event__title="Pas la mienne")
    RegistrationFactory(person=member, event__title="Brouillon", event__draft=True)
    RegistrationFactory(
        person=member,
        event__title="Le mois dernier",
        event__sessions=[(in_days(-30), in_days(-30, 12))],
    )
    feed = feed_of(member)

    response = client.get(personal_ics(feed.token))  # no login: calendar apps have none
    calendar = parse(response)
    assert summaries(calendar) == {"Ma rencontre", "Réservée aux membres", "Le mois dernier"}
    assert SECRET_LINK.encode() in response.content
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_personal_feed_with_a_bad_token_is_404(client, member):
    feed_of(member)
    assert client.get(personal_ics("pas-le-bon-jeton")).status_code == 404


def test_personal_feed_stops_when_the_person_is_no_longer_active(client, member):
    feed = feed_of(member)
    member.status = PersonStatus.REFUSED
    member.save()
    assert client.get(personal_ics(feed.token)).status_code == 404


def test_personal_feed_query_count_does_not_grow_with_registrations(client, member):
    feed = feed_of(member)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            parse(client.get(personal_ics(feed.token)))
        return len(context)

    RegistrationFactory(person=member)
    few = count()
    for days in range(5, 25):
        RegistrationFactory(
            person=member,
            event__sessions=[
                (in_days(days), in_days(days, 12)),
                (in_days(days + 1), in_days(days + 1, 12)),
            ],
        )
    assert count() == few


@pytest.mark.parametrize("who", ["anonymous", "partner", "pending_person", "member", "observer"])
def test_feeds_are_open_to_everyone_with_the_address(client, request, member, who):
    feed = feed_of(member)
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))
    assert client.get(PUBLIC_FEED).status_code == 200
    assert client.get(personal_ics(feed.token)).status_code == 200
    assert client.get(event_ics(EventFactory())).status_code == 200


def test_the_registration_e_mail_invitation_parses(client, member, mailoutbox):
    from consortium.core.models import OutboxMessage

    event = EventFactory(online=True, sessions=[(in_days(3), in_days(3, 12))])
    client.force_login(member.user)
    client.post(reverse("events:register", kwargs={"slug": event.slug}))
    (attachment,) = OutboxMessage.objects.get().attachments
    calendar = Calendar.from_ical(attachment["content"])
    (vevent,) = vevents(calendar)
    assert SECRET_LINK in str(vevent["LOCATION"])
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
