"""Two people taking the last seat at the same moment: PostgreSQL, two real transactions.

Each thread has its own connection and opens its transaction before the barrier, so both
are inside when they race. A pause is slipped into the registration, after it counted
the seats and before it saves: without the lock on the event, both would count one free
seat and both would get it.
"""

import time

import pytest
from django.db import connection, transaction
from event_factories import EventFactory, RegistrationFactory
from member_factories import PersonFactory
from service_checks import require
from transactional import restore_reference_data, run_together

from events import services
from events.enums import RegistrationStatus
from events.models import Event, Registration

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _register(event, person):
    return services.registration_create(event=event, person=person, actor=person.user)


def _leave(registration):
    return services.registration_cancel(registration=registration, actor=registration.person.user)


@pytest.fixture(autouse=True)
def _postgresql(published_nowhere):
    require(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "set DATABASE_URL to a PostgreSQL database (SQLite serialises writers anyway)",
    )
    restore_reference_data()


@pytest.fixture
def published_nowhere(monkeypatch):
    # The confirmation e-mails are queued, not sent: this is about seats.
    from consortium.core import tasks

    monkeypatch.setattr(tasks.outbox_send, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def slow_seat_count(monkeypatch):
    """Widen the race: a pause between counting the seats and saving the registration."""
    organization_name = services._organization_name

    def slowly(person):
        time.sleep(0.5)
        return organization_name(person)

    monkeypatch.setattr(services, "_organization_name", slowly)


def in_transaction(function, *, after: float = 0):
    """Open a transaction (a first query starts it), then call `function` `after` seconds
    later: inside their transactions, the threads go in the order the test wants."""

    def run():
        with transaction.atomic():
            Event.objects.count()
            time.sleep(after)
            return function()

    return run


# Which of the two goes first; the other starts 0.2 s later, while the first is in its pause
# (or, for the cancellation, long done).
ORDERS = pytest.mark.parametrize(
    ("cancel_after", "register_after"), [(0.2, 0), (0, 0.2)], ids=["register-first", "cancel-first"]
)


def test_two_people_registering_for_the_last_seat_get_one_seat_and_one_waitlist(
    slow_seat_count,
):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)  # one seat left
    alice, bruno = PersonFactory(), PersonFactory()

    results = run_together(
        in_transaction(lambda: _register(event, alice).status),
        in_transaction(lambda: _register(event, bruno).status),
    )

    assert sorted(results) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert event.registrations.confirmed().count() == 2
    waiting = event.registrations.waitlisted().get()
    assert waiting.person in (alice, bruno)
    assert waiting.waitlisted_at is not None


@ORDERS
def test_a_cancellation_racing_with_a_registration_gives_the_freed_seat(
    slow_seat_count, cancel_after, register_after
):
    event = EventFactory(capacity=1)
    leaving = RegistrationFactory(event=event)
    newcomer = PersonFactory()

    run_together(
        in_transaction(
            lambda: _leave(leaving),
            after=cancel_after,
        ),
        in_transaction(
            lambda: _register(event, newcomer),
            after=register_after,
        ),
    )

    # Whoever locked the event first, the newcomer ends up with the seat: straight away
    # (the cancellation came first) or promoted from the waitlist. Never a free seat with
    # someone waiting, never two people on one seat.
    assert Registration.objects.get(pk=leaving.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(event=event, person=newcomer).status == (
        RegistrationStatus.CONFIRMED
    )
    assert event.registrations.confirmed().count() == 1
    assert not event.registrations.waitlisted().exists()


@ORDERS
def test_a_cancellation_racing_with_a_registration_serves_the_waitlist_first(
    slow_seat_count, cancel_after, register_after
):
    event = EventFactory(capacity=1)
    leaving = RegistrationFactory(event=event)
    first_in_line = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    newcomer = PersonFactory()

    run_together(
        in_transaction(
            lambda: _leave(leaving),
            after=cancel_after,
        ),
        in_transaction(
            lambda: _register(event, newcomer),
            after=register_after,
        ),
    )

    assert event.registrations.confirmed().get().pk == first_in_line.pk
    newcomer_status = Registration.objects.get(event=event, person=newcomer).status
    assert newcomer_status == RegistrationStatus.WAITLISTED


def test_many_people_racing_for_few_seats_never_overbook():
    event = EventFactory(capacity=3)
    people = [PersonFactory() for _ in range(8)]

    def register(person):
        return in_transaction(lambda: _register(event, person))

    run_together(*(register(person) for person in people))

    assert event.registrations.confirmed().count() == 3
    assert event.registrations.waitlisted().count() == 5
    positions = list(event.registrations.waitlisted().values_list("waitlisted_at", flat=True))
    assert positions == sorted(positions)
