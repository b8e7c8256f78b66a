"""Reminders before an event: J-7 and J-1 by default, each sent once, whatever the clock does.

The sweep takes `now`: these tests run it hour after hour over fixed dates (around the
changes of time in Paris too), the way beat does at minute 5 of every hour.
"""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.management import call_command
from event_factories import EventFactory, RegistrationFactory
from factories import CoordinatorFactory, UserFactory
from member_factories import PersonFactory

from consortium.core.models import OutboxMessage
from events.enums import EventStatus, RegistrationStatus
from events.models import ReminderPolicy
from events.services import reminders_sweep, session_save

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
START = datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)  # a Wednesday, far from any change of time

pytestmark = pytest.mark.django_db


def event_at(start: datetime, hours: float = 3, **fields):
    return EventFactory(sessions=[(start, start + timedelta(hours=hours))], **fields)


def register(event, *, language="fr", **fields):
    person = PersonFactory(user=UserFactory(language=language), **fields)
    return RegistrationFactory(event=event, person=person)


def hourly(first: datetime, last: datetime):
    """Every hour at minute 5 (UTC hours: a local wall clock repeats or skips one)."""
    now = first.astimezone(UTC).replace(minute=5, second=0, microsecond=0)
    while now <= last:
        yield now
        now += timedelta(hours=1)


def sweep_hourly(first: datetime, last: datetime) -> dict[datetime, int]:
    """Run the sweep every hour; return the sweeps that queued something."""
    queued = {}
    for now in hourly(first, last):
        count = reminders_sweep(now=now)
        if count:
            queued[now] = count
    return queued


def reminders_of(registration) -> list[str]:
    """The J-x of the reminders queued for a registration, in order."""
    rows = OutboxMessage.objects.filter(
        target=f"events.registration:{registration.pk}", template="participant_event_reminder"
    ).order_by("pk")
    return [row.kind.split(":")[1] for row in rows]


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Send what is queued, as the worker does after each commit (Celery is eager here)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_j7_and_j1_are_each_queued_once(sending, mailoutbox):
    event = event_at(START)
    alice, bruno = register(event), register(event)

    with sending():
        queued = sweep_hourly(START - timedelta(days=9), START + timedelta(hours=2))

    j7, j1 = START - timedelta(days=7), START - timedelta(days=1)
    assert queued == {j7 + timedelta(minutes=5): 2, j1 + timedelta(minutes=5): 2}
    assert reminders_of(alice) == reminders_of(bruno) == ["J-7", "J-1"]
    assert OutboxMessage.objects.count() == 4
    assert len(mailoutbox) == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [alice.person.user.email, bruno.person.user.email] * 2
    )


def test_two_sweeps_in_the_same_hour_queue_nothing_more(sending, mailoutbox):
    event = event_at(START)
    register(event)
    now = START - timedelta(hours=20)

    with sending():
        assert reminders_sweep(now=now) == 1
        assert reminders_sweep(now=now + timedelta(minutes=10)) == 0
        assert reminders_sweep(now=now) == 0

    assert OutboxMessage.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "start",
    [
        # Clocks go forward on Sunday 28 March 2027 (2 h -> 3 h) ...
        datetime(2027, 3, 29, 10, 0, tzinfo=PARIS),
        # ... and back on Sunday 25 October 2026 and 31 October 2027 (3 h -> 2 h).
        datetime(2026, 10, 26, 10, 0, tzinfo=PARIS),
        datetime(2027, 11, 1, 10, 0, tzinfo=PARIS),
    ],
    ids=["spring-2027", "autumn-2026", "autumn-2027"],
)
def test_a_sweep_across_the_change_of_time_sends_j1_once(start, sending, mailoutbox):
    event = event_at(start)
    registration = register(event)

    with sending():
        queued = sweep_hourly(start - timedelta(days=3), start + timedelta(hours=1))

    # 24 hours before, the first sweep at minute 5 after it.
    due = (start - timedelta(days=1)).astimezone(UTC) + timedelta(minutes=5)
    assert queued == {due: 1}
    assert reminders_of(registration) == ["J-1"]
    assert len(mailoutbox) == 1
    assert "demain" in mailoutbox[0].subject


def test_opted_out_cancelled_and_waitlisted_people_get_nothing(sending, mailoutbox):
    event = event_at(START, capacity=2)
    reminded = register(event)
    register(event, wants_reminders=False)
    cancelled = register(event)
    cancelled.status = RegistrationStatus.CANCELLED
    cancelled.save()
    waiting = register(event)
    waiting.status = RegistrationStatus.WAITLISTED
    waiting.waitlisted_at = START - timedelta(days=10)
    waiting.save()

    with sending():
        sweep_hourly(START - timedelta(days=8), START)

    assert {m.to[0] for m in mailoutbox} == {reminded.person.user.email}
    assert OutboxMessage.objects.count() == 2  # J-7 and J-1 of the one person


def test_a_moved_event_is_reminded_for_its_new_date_only(sending, mailoutbox):
    event = event_at(START)
    registration = register(event)
    session = event.sessions.get()

    with sending():
        assert reminders_sweep(now=START - timedelta(days=6, hours=20)) == 1  # J-7
        # Moved by two hours, the same day: nothing new to say.
        later = START + timedelta(hours=2)
        session_save(
            event=event,
            actor=CoordinatorFactory(),
            session=session,
            fields={"starts_at": later, "ends_at": later + timedelta(hours=3)},
        )
        assert reminders_sweep(now=START - timedelta(days=6, hours=19)) == 0
        # Moved to three days later: its J-7 and J-1 come again, for the new day.
        moved = START + timedelta(days=3)
        session_save(
            event=event,
            actor=CoordinatorFactory(),
            session=session,
            fields={"starts_at": moved, "ends_at": moved + timedelta(hours=3)},
        )
        queued = sweep_hourly(START - timedelta(days=6, hours=18), moved + timedelta(hours=1))

    assert queued == {
        moved - timedelta(days=7) + timedelta(minutes=5): 1,
        moved - timedelta(days=1) + timedelta(minutes=5): 1,
    }
    # Nothing at the old date's J-1 (START - 1 day): it is gone.
    assert reminders_of(registration) == ["J-7", "J-7", "J-1"]
    kinds = list(OutboxMessage.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "participant_event_reminder:J-7:2026-06-10",
        "participant_event_reminder:J-7:2026-06-13",
        "participant_event_reminder:J-1:2026-06-13",
    ]
    assert len(mailoutbox) == 3


def test_someone_registering_at_j3_gets_j1_only(sending, mailoutbox):
    event = event_at(START)
    early = register(event)

    with sending():
        sweep_hourly(START - timedelta(days=9), START - timedelta(days=3))
        late = register(event)
        sweep_hourly(START - timedelta(days=3) + timedelta(hours=1), START)

    assert reminders_of(early) == ["J-7", "J-1"]
    assert reminders_of(late) == ["J-1"]  # not a late "in 7 days"


def test_a_sweep_that_missed_some_hours_catches_up_within_the_day(sending, mailoutbox):
    event = event_at(START)
    registration = register(event)

    # The worker was down from J-1 until 6 hours before the start.
    with sending():
        assert reminders_sweep(now=START - timedelta(hours=6)) == 1

    assert reminders_of(registration) == ["J-1"]


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED])
def test_drafts_and_cancelled_events_get_no_reminder(status, sending, mailoutbox):
    event = event_at(START, status=status)
    register(event)

    with sending():
        assert sweep_hourly(START - timedelta(days=8), START) == {}

    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_the_reminder_says_when_and_where_and_links_to_the_event(sending, mailoutbox, settings):
    event = event_at(START, title="Chanter avec les bébés", venue="Médiathèque de l'Astrolabe")
    register(event)

    with sending():
        reminders_sweep(now=START - timedelta(hours=20))

    sent = mailoutbox[0]
    assert sent.subject == "Rappel : « Chanter avec les bébés », c'est demain"
    assert "J-1 : votre rencontre « Chanter avec les bébés » a lieu demain." in sent.body
    assert "mercredi 10 juin 2026, 10:00 – 13:00" in sent.body
    assert "Médiathèque de l'Astrolabe, Rue des Pas Perdus, Cergy" in sent.body
    event_url = f"{settings.SITE_URL}/agenda/{event.slug}/"
    assert event_url in sent.body
    assert f"{settings.SITE_URL}/espace/preferences/" in sent.body
    html = sent.alternatives[0].content
    assert f'href="{event_url}"' in html
    assert "Chanter avec les bébés" in html
    assert "l&#x27;Astrolabe" in html  # escaped in HTML, not in the text part


def test_j7_says_in_seven_days(sending, mailoutbox):
    event = event_at(START, title="Danse et tout-petits")
    register(event)

    with sending():
        reminders_sweep(now=START - timedelta(days=6, hours=23))

    sent = mailoutbox[0]
    assert sent.subject == "Rappel : « Danse et tout-petits » dans 7 jours"
    assert "J-7 : votre rencontre « Danse et tout-petits » a lieu dans 7 jours." in sent.body


def test_an_online_event_reminder_gives_the_private_link(sending, mailoutbox):
    event = event_at(START, online=True)
    register(event)

    with sending():
        reminders_sweep(now=START - timedelta(hours=20))

    assert "https://visio.exemple.fr/salle-secrete" in mailoutbox[0].body


def test_the_reminder_has_the_ics_attached(sending, mailoutbox):
    event = event_at(START)
    register(event)

    with sending():
        reminders_sweep(now=START - timedelta(hours=20))

    (ics,) = mailoutbox[0].attachments
    assert ics.filename == f"{event.slug}.ics"
    assert ics.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(ics.content)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == START
    assert str(vevent.decoded("dtstart").tzinfo) == "Europe/Paris"


def test_the_reminder_is_in_the_persons_language(sending, mailoutbox):
    event = event_at(START)
    register(event, language="en")
    register(event, language="fr")

    with sending():
        reminders_sweep(now=START - timedelta(hours=20))

    by_language = {m.to[0]: m for m in mailoutbox}
    english = OutboxMessage.objects.get(language="en")
    french = OutboxMessage.objects.get(language="fr")
    assert "Hello," in by_language[english.recipient_email].body
    assert "Wednesday 10 June 2026" in by_language[english.recipient_email].body
    assert "Bonjour," in by_language[french.recipient_email].body
    assert "mercredi 10 juin 2026" in by_language[french.recipient_email].body


def test_the_coordinators_offsets_are_followed(sending, mailoutbox):
    policy = ReminderPolicy.current()
    policy.offsets_days = [3]
    policy.save()
    event = event_at(START)
    registration = register(event)

    with sending():
        queued = sweep_hourly(START - timedelta(days=9), START)

    assert queued == {START - timedelta(days=3) + timedelta(minutes=5): 1}
    assert reminders_of(registration) == ["J-3"]
    assert "dans 3 jours" in mailoutbox[0].subject


def test_default_offsets_are_j7_and_j1():
    assert ReminderPolicy.current().offsets_days == [7, 1]


def test_send_due_reminders_runs_one_sweep(django_capture_on_commit_callbacks, mailoutbox):
    from django.utils import timezone

    soon = timezone.now() + timedelta(hours=20)
    event = event_at(soon)
    register(event)
    register(event)
    output = StringIO()

    call_command("send_due_reminders", stdout=output)
    assert "2 rappel(s) et 0 attestation(s) mis en file" in output.getvalue()
    assert OutboxMessage.objects.filter(template="participant_event_reminder").count() == 2

    again = StringIO()
    call_command("send_due_reminders", stdout=again)
    assert "0 rappel(s)" in again.getvalue()
    assert OutboxMessage.objects.count() == 2


def test_a_sweep_with_nothing_new_renders_nothing(sending, monkeypatch):
    """Those already reminded are skipped before rendering (not refused by the outbox after
    a render each: 15 to 21 s for a sweep at 1,000 due reminders), in a constant number of
    queries; those due are rendered once per language, not once per person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import consortium.core.outbox as outbox

    renders = []
    render_email = outbox.render_email
    monkeypatch.setattr(
        outbox, "render_email", lambda **kw: renders.append(kw) or render_email(**kw)
    )
    event = event_at(START)
    for _ in range(3):
        register(event)
    now = START - timedelta(hours=20)
    with sending():
        assert reminders_sweep(now=now) == 3
    assert len(renders) == 1

    with CaptureQueriesContext(connection) as few:
        assert reminders_sweep(now=now + timedelta(minutes=30)) == 0
    assert len(renders) == 1

    late = [register(event) for _ in range(20)]
    with sending():
        assert reminders_sweep(now=now + timedelta(minutes=40)) == 20
    assert reminders_of(late[0]) == ["J-1"]
    with CaptureQueriesContext(connection) as many:
        assert reminders_sweep(now=now + timedelta(minutes=50)) == 0
    assert len(renders) == 2
    assert len(many) == len(few)
