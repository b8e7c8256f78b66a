"""factory_boy factories of the events app: events, sessions, registrations, attendance.

Shared by every events test module: append your own factories at the end.
"""

from datetime import timedelta

import factory
from django.utils import timezone
from member_factories import PersonFactory, commune

from events.enums import (
    Audience,
    EventKind,
    EventStatus,
    RegistrationStatus,
    Visibility,
)
from events.models import Attendance, Event, Registration, Session


def in_days(days: float, hour: int = 9, minute: int = 30):
    """An aware datetime `days` from today, at `hour`:`minute` Paris time."""
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    """A published public meeting in Cergy, 20 seats, open for registration, with one
    session in ten days (9 h 30 – 12 h 30). `sessions=0` creates none, `sessions=[(start,
    end), ...]` creates those."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.MEETING
    title = factory.Sequence(lambda n: f"Rencontre du réseau {n}")
    slug = factory.Sequence(lambda n: f"rencontre-du-reseau-{n}")
    description = "Une matinée pour partager nos pratiques d'éveil artistique."
    audience = Audience.BOTH
    visibility = Visibility.PUBLIC
    status = EventStatus.PUBLISHED
    venue = "Médiathèque de l'Astrolabe"
    address = "Rue des Pas Perdus"
    commune = factory.LazyFunction(commune)
    capacity = 20
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))

    class Params:
        online = factory.Trait(
            is_online=True,
            online_url="https://visio.exemple.fr/salle-secrete",
            commune=None,
            venue="",
            address="",
        )
        members_only = factory.Trait(visibility=Visibility.MEMBERS)
        draft = factory.Trait(status=EventStatus.DRAFT)
        training = factory.Trait(kind=EventKind.TRAINING)

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create or extracted == 0:
            return
        slots = extracted or [(in_days(10, 9, 30), in_days(10, 12, 30))]
        for starts_at, ends_at in slots:
            Session.objects.create(event=self, starts_at=starts_at, ends_at=ends_at)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory, sessions=0)
    starts_at = factory.LazyFunction(lambda: in_days(10, 14, 0))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=3))


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration (use status=WAITLISTED with waitlisted_at for the list)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = RegistrationStatus.CONFIRMED
    waitlisted_at = factory.LazyAttribute(
        lambda r: timezone.now() if r.status == RegistrationStatus.WAITLISTED else None
    )


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    session = factory.LazyAttribute(lambda a: a.registration.event.sessions.first())
    present = True


# --- Bulk builders for the coordination's query-count tests (added by the coordination) ---


def bulk_coordination_events(count: int, *, prefix: str = "lot") -> list[Event]:
    """`count` events of every kind and state, each with two sessions and two registrations
    (one confirmed, one waitlisted), in a constant number of queries."""
    from member_factories import bulk_people

    kinds, statuses = list(EventKind), list(EventStatus)
    place = commune()
    events = Event.objects.bulk_create(
        Event(
            kind=kinds[i % len(kinds)],
            title=f"Rencontre {prefix} {i}",
            slug=f"rencontre-{prefix}-{i}",
            description="Une rencontre du réseau.",
            status=statuses[i % len(statuses)],
            commune=place,
            capacity=10,
            registration_opens_at=timezone.now() - timedelta(days=30),
        )
        for i in range(count)
    )
    Session.objects.bulk_create(
        Session(event=event, starts_at=in_days(day, 9), ends_at=in_days(day, 12))
        for i, event in enumerate(events)
        for day in (i % 40 - 20, i % 40 - 19)
    )
    people = bulk_people(2 * count, prefix=f"{prefix}-inscrit")
    Registration.objects.bulk_create(
        Registration(
            event=events[i // 2],
            person=person,
            status=RegistrationStatus.CONFIRMED if i % 2 else RegistrationStatus.WAITLISTED,
            waitlisted_at=None if i % 2 else timezone.now(),
            organization_name="Crèche Les Petits Pas",
        )
        for i, person in enumerate(people)
    )
    return events


def bulk_registrations(event: Event, count: int, *, prefix: str = "participant") -> list:
    """`count` registrations to `event`: confirmed up to its capacity, then waitlisted,
    and every fifth one cancelled; each confirmed one marked at the first session."""
    from member_factories import bulk_people

    people = bulk_people(count, prefix=prefix)
    now = timezone.now()

    def status(i):
        if i % 5 == 4:
            return RegistrationStatus.CANCELLED
        return RegistrationStatus.CONFIRMED if i < event.capacity else RegistrationStatus.WAITLISTED

    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            person=person,
            status=status(i),
            waitlisted_at=now + timedelta(seconds=i) if i >= event.capacity else None,
            cancelled_at=now if status(i) == RegistrationStatus.CANCELLED else None,
            organization_name=f"Structure {i}",
        )
        for i, person in enumerate(people)
    )
    session = event.sessions.first()
    Attendance.objects.bulk_create(
        Attendance(registration=registration, session=session, present=i % 2 == 0)
        for i, registration in enumerate(registrations)
        if registration.status == RegistrationStatus.CONFIRMED
    )
    return registrations


# --- Bulk builders for the agenda's query-count tests (added by the agenda) ------------


def bulk_events(count: int, *, prefix: str = "bulk", registrations: int = 3, **fields) -> list:
    """`count` published public events, two future sessions each and `registrations`
    confirmed people each (plus one waitlisted), in a handful of queries."""
    from member_factories import bulk_people

    defaults = {
        "kind": EventKind.MEETING,
        "description": "Une rencontre du réseau.",
        "audience": Audience.BOTH,
        "visibility": Visibility.PUBLIC,
        "status": EventStatus.PUBLISHED,
        "commune": commune(),
        "venue": "Salle des fêtes",
        "capacity": registrations,
        "registration_opens_at": timezone.now() - timedelta(days=30),
    }
    events = Event.objects.bulk_create(
        Event(title=f"{prefix.title()} {i}", slug=f"{prefix}-{i}", **{**defaults, **fields})
        for i in range(count)
    )
    Session.objects.bulk_create(
        Session(event=event, starts_at=in_days(10 + day, 9, 30), ends_at=in_days(10 + day, 12, 30))
        for event in events
        for day in (0, 7)
    )
    people = bulk_people(registrations + 1, prefix=f"{prefix}-inscrit")
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            person=person,
            status=RegistrationStatus.CONFIRMED
            if i < registrations
            else RegistrationStatus.WAITLISTED,
            waitlisted_at=None if i < registrations else now,
        )
        for event in events
        for i, person in enumerate(people)
    )
    return events
