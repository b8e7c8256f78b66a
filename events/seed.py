"""Demo agenda: about 40 meetings, work sessions, trainings and festivals per `scale`.

Spread over the past and the next six months, in every EPCI, with registrations,
waitlists and attendance. Deterministic (a fixed random seed) and idempotent: events are
keyed by slug, and an event that exists already is left as it is. Rows are created
directly, in bulk, never through the services: the seed sends no e-mail.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from consortium.core.seed import of_place
from members.enums import AffiliationStatus, OrganizationStatus, PersonStatus
from members.models import (
    Affiliation,
    Commune,
    Epci,
    Need,
    Organization,
    Person,
    WorkingGroup,
)

from .enums import Audience, EventKind, EventStatus, RegistrationStatus, Visibility
from .models import Attendance, Event, Registration, ReminderPolicy, Session

DEMO_PARTNER = "partenaire@demo.consortium95.fr"
EVENTS_PER_SCALE = 40
DAYS_AROUND = 180

TITLES = {
    EventKind.MEETING: [
        "Rencontre professionnelle : l'éveil musical en crèche",
        "Café des partenaires du territoire",
        "Rencontre : les tout-petits au musée",
        "Rencontre : lire avec les bébés en PMI",
        "Rencontre des relais petite enfance et des bibliothèques",
        "Rencontre : accueillir les familles au spectacle",
    ],
    EventKind.WORK_SESSION: [
        "Temps de travail : fiche pratique « artiste en crèche »",
        "Atelier collaboratif : la malle de lecture partagée",
        "Temps de travail : carte des spectacles très jeune public",
        "Atelier collaboratif : associer les parents",
    ],
    EventKind.TRAINING: [
        "Formation : lire des albums aux tout-petits",
        "Formation : accueillir un artiste en crèche",
        "Formation : éveil musical de 0 à 3 ans",
        "Formation : danse et motricité du tout-petit",
        "Formation : le spectacle très jeune public",
    ],
    EventKind.FESTIVAL: [
        "Festival Premiers Pas",
        "Semaine de la petite enfance",
        "Journée Bébés lecteurs",
        "Les p'tits bouts à la médiathèque",
    ],
}
# The half-days of each training and the meetings of a work session, named by what is done
# there; an event has as many of its labels as it has sessions, in this order.
SESSION_LABELS = {
    "Formation : lire des albums aux tout-petits": [
        "Choisir les albums",
        "Lire à voix haute, avec le corps et la voix",
        "Installer un coin lecture et associer les parents",
        "Retour sur les lectures menées en structure",
    ],
    "Formation : accueillir un artiste en crèche": [
        "Pourquoi un artiste auprès des tout-petits",
        "Préparer la résidence avec l'équipe",
        "Observer les enfants pendant les ateliers",
        "Bilan et suites de la résidence",
    ],
    "Formation : éveil musical de 0 à 3 ans": [
        "La voix et les comptines",
        "Les instruments et l'écoute",
        "Construire une séance d'éveil musical",
        "Analyse de pratiques",
    ],
    "Formation : danse et motricité du tout-petit": [
        "Le mouvement libre du bébé",
        "Jeux dansés et espace",
        "Danser avec les parents",
        "Retour d'expériences",
    ],
    "Formation : le spectacle très jeune public": [
        "Découvrir les formes du spectacle pour les 0-3 ans",
        "Préparer la venue des enfants et des familles",
        "Assister à une représentation et en parler",
        "Construire une saison jeune public",
    ],
}
WORK_SESSION_LABELS = ["Lancement et répartition du travail", "Relecture et mise en commun"]
FESTIVAL_LABELS = ["Journée des lieux d'accueil", "Journée des familles"]
DESCRIPTIONS = {
    EventKind.MEETING: (
        "Une matinée pour se rencontrer entre professionnel·les de la culture et de la petite "
        "enfance, partager des expériences et repartir avec des idées concrètes.\n\n"
        "Accueil café dès 9 h. Témoignages, échanges en petits groupes, puis temps libre."
    ),
    EventKind.WORK_SESSION: (
        "Un temps de travail du groupe pour avancer ensemble sur ses productions.\n\n"
        "Apportez vos exemples et vos questions : nous repartirons avec un document commun."
    ),
    EventKind.TRAINING: (
        "Une formation conjointe, animée par des artistes et des professionnel·les de la petite "
        "enfance, en plusieurs demi-journées.\n\n"
        "Apports, mises en pratique et analyse de situations. Une attestation de présence est "
        "remise à la fin de la formation."
    ),
    EventKind.FESTIVAL: (
        "Spectacles, ateliers et lectures pour les tout-petits et leurs familles, avec les "
        "structures du territoire.\n\n"
        "Les professionnel·les du réseau sont invité·es à venir avec leurs groupes d'enfants."
    ),
}
# Rooms every town has; the network's own places come first (HOST_TYPES).
VENUES = ["Salle des fêtes", "Maison de la petite enfance", "Salle municipale"]
HOST_TYPES = ["mediatheque", "theatre", "conservatoire", "centre-social", "musee", "cinema"]
STREETS = ["rue de la République", "place de la Mairie", "avenue Jean-Jaurès", "rue Victor-Hugo"]
# Kind of the index-th event: trainings and meetings most, festivals now and then.
KIND_CYCLE = [
    EventKind.MEETING,
    EventKind.TRAINING,
    EventKind.WORK_SESSION,
    EventKind.MEETING,
    EventKind.TRAINING,
    EventKind.FESTIVAL,
    EventKind.WORK_SESSION,
    EventKind.TRAINING,
]


def seed(*, scale: int, log) -> None:
    """Create the demo agenda, `scale` times one year's volume."""
    ReminderPolicy.current()
    rng = random.Random(4)
    people = list(
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .exclude(user__email=DEMO_PARTNER)
        .order_by("pk")
    )
    created = _events(rng, count=EVENTS_PER_SCALE * scale)
    organization_names = _organization_names()
    _registrations(rng, created, people, organization_names)
    _demo_partner(organization_names)
    log(
        f"Agenda : {Event.objects.count()} rencontres, {Session.objects.count()} séances, "
        f"{Registration.objects.count()} inscriptions"
    )


# --- Events and their sessions ---------------------------------------------------------


def _communes_by_epci() -> list[list[Commune]]:
    """Per EPCI, the communes where active organisations are (the network's places)."""
    active = Commune.objects.filter(organizations__status=OrganizationStatus.ACTIVE).distinct()
    by_epci = {epci.pk: [] for epci in Epci.objects.order_by("siren")}
    for commune in active.order_by("name"):
        by_epci[commune.epci_id].append(commune)
    for epci_id, communes in by_epci.items():
        if not communes:  # no organisation there yet: its largest commune
            communes.append(Commune.objects.filter(epci_id=epci_id).order_by("-population")[0])
    return list(by_epci.values())


def _paris(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def _slots(rng, kind, day) -> list[tuple[datetime, datetime, Decimal | None]]:
    """The sessions of an event starting on `day`: (start, end, hours of training)."""
    if kind == EventKind.TRAINING:
        count = rng.randint(2, 4)
        afternoon = rng.random() < 0.4
        start, end = (time(14), time(17, 30)) if afternoon else (time(9), time(12, 30))
        step = rng.choice([1, 7])  # consecutive days or once a week
        return [
            (
                _paris(day + timedelta(days=i * step), start),
                _paris(day + timedelta(days=i * step), end),
                Decimal("3.5"),
            )
            for i in range(count)
        ]
    if kind == EventKind.WORK_SESSION:
        count = rng.randint(1, 2)
        return [
            (
                _paris(day + timedelta(days=14 * i), time(14)),
                _paris(day + timedelta(days=14 * i), time(16, 30)),
                None,
            )
            for i in range(count)
        ]
    if kind == EventKind.FESTIVAL:
        count = rng.randint(1, 2)
        return [
            (
                _paris(day + timedelta(days=i), time(10)),
                _paris(day + timedelta(days=i), time(18)),
                None,
            )
            for i in range(count)
        ]
    return [(_paris(day, time(9, 30)), _paris(day, time(12, 30)), None)]


def _venues() -> dict[int, list[str]]:
    """Per commune, the network's places that can host a meeting (its library, theatre…)."""
    venues = {}
    rows = Organization.objects.filter(
        status=OrganizationStatus.ACTIVE, type__slug__in=HOST_TYPES
    ).order_by("pk")
    for commune_id, name in rows.values_list("commune_id", "name"):
        venues.setdefault(commune_id, []).append(name)
    return venues


def _venue(rng, commune, venues) -> str:
    """A member's place in the commune when there is one, else a municipal room."""
    own = venues.get(commune.pk, [])
    return rng.choice(own) if own else f"{rng.choice(VENUES)} {of_place(commune.name)}"


def _event_row(rng, index, count, places, groups, today, venues) -> tuple[Event, list]:
    kind = KIND_CYCLE[index % len(KIND_CYCLE)]
    titles = TITLES[kind]
    title = titles[(index // len(KIND_CYCLE)) % len(titles)]
    offset = -DAYS_AROUND + (2 * DAYS_AROUND * index) // count + rng.randint(0, 3)
    day = today + timedelta(days=offset)
    if day.weekday() >= 5:  # the network meets on weekdays (festivals aside)
        day += timedelta(days=0 if kind == EventKind.FESTIVAL else 7 - day.weekday())
    slots = _slots(rng, kind, day)
    communes = places[index % len(places)]
    commune = communes[rng.randrange(len(communes))]
    online = index == 8  # one online meeting, upcoming on the default scale
    first_start = slots[0][0]
    event = Event(
        kind=kind,
        title=title,
        # Keyed by position, not date: a second run on another day adds nothing.
        slug=f"{slugify(title)}-{index + 1}",
        description=DESCRIPTIONS[kind],
        audience=rng.choice(Audience.values),
        visibility=Visibility.MEMBERS
        if kind == EventKind.WORK_SESSION or rng.random() < 0.25
        else Visibility.PUBLIC,
        status=_status(index, offset),
        is_online=online,
        online_url="https://visio.consortium95.fr/rencontre-en-ligne" if online else "",
        venue="" if online else _venue(rng, commune, venues),
        address="" if online else f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
        commune=None if online else commune,
        capacity=rng.choice([12, 15, 20, 24, 30, 40]),
        registration_opens_at=first_start - timedelta(days=90),
        registration_closes_at=first_start - timedelta(days=2)
        if kind == EventKind.TRAINING
        else None,
        group=rng.choice(groups) if groups and kind == EventKind.WORK_SESSION else None,
    )
    return event, slots


def _status(index: int, offset: int) -> str:
    if offset > 30 and index % 20 == 13:
        return EventStatus.DRAFT
    if offset > 10 and index % 20 == 17:
        return EventStatus.CANCELLED
    return EventStatus.PUBLISHED


def _events(rng, *, count) -> list[Event]:
    """Create the events not seeded yet; returns the new ones (with `slots` set)."""
    places = _communes_by_epci()
    groups = list(WorkingGroup.objects.filter(archived_at__isnull=True).order_by("pk"))
    today = timezone.localdate()
    venues = _venues()
    rows = [_event_row(rng, index, count, places, groups, today, venues) for index in range(count)]
    existing = set(
        Event.objects.filter(slug__in=[e.slug for e, _ in rows]).values_list("slug", flat=True)
    )
    new = [(event, slots) for event, slots in rows if event.slug not in existing]
    Event.objects.bulk_create([event for event, _ in new])
    Session.objects.bulk_create(
        Session(event=event, starts_at=start, ends_at=end, hours=hours, label=label)
        for event, slots in new
        for (start, end, hours), label in zip(slots, _labels(event, len(slots)), strict=True)
    )
    _link_needs(rng, [event for event, _ in new if event.kind == EventKind.TRAINING])
    return [event for event, _ in new]


def _labels(event, count) -> list[str]:
    """What each session of `event` is about; a single meeting needs no label."""
    if event.kind == EventKind.TRAINING:
        return SESSION_LABELS[event.title][:count]
    if count == 1:
        return [""]
    if event.kind == EventKind.WORK_SESSION:
        return WORK_SESSION_LABELS[:count]
    return FESTIVAL_LABELS[:count]


def _link_needs(rng, trainings) -> None:
    """Trainings answer a few needs of the network (two thirds of them, one or two needs)."""
    needs = list(Need.objects.filter(theme__slug__in=["formation", "lecture"]).order_by("pk"))
    if not needs:
        return
    through = Event.needs.through
    links = [
        through(event_id=event.pk, need_id=need.pk)
        for event in trainings
        if rng.random() < 0.66
        for need in rng.sample(needs, min(len(needs), rng.randint(1, 2)))
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)


# --- Registrations, waitlists and attendance -------------------------------------------


def _organization_names() -> dict[int, str]:
    rows = Affiliation.objects.filter(status=AffiliationStatus.ACTIVE).order_by(
        "-is_referent", "pk"
    )
    names = {}
    for person_id, name in rows.values_list("person_id", "organization__name"):
        names.setdefault(person_id, name)
    return names


def _registrations(rng, events, people, organization_names) -> None:
    if not people:
        return
    now = timezone.now()
    rows = []
    for event in events:
        if event.status == EventStatus.DRAFT:
            continue
        rows.extend(_registrations_of(rng, event, people, organization_names, now))
    Registration.objects.bulk_create(rows)
    _attendance(rng, [r for r in rows if r.status == RegistrationStatus.CONFIRMED], now)


def _registrations_of(rng, event, people, organization_names, now) -> list[Registration]:
    """A full event (one in five) gets a waitlist; others are filled from a third up."""
    full = rng.random() < 0.2
    confirmed = event.capacity if full else rng.randint(event.capacity // 3, event.capacity - 1)
    waiting = rng.randint(1, 5) if full else 0
    chosen = rng.sample(people, min(len(people), confirmed + waiting + 2))
    created_at = event.registration_opens_at + timedelta(days=1)
    rows = []
    for position, person in enumerate(chosen):
        if position < confirmed:
            status = RegistrationStatus.CONFIRMED
        elif position < confirmed + waiting:
            status = RegistrationStatus.WAITLISTED
        else:
            status = RegistrationStatus.CANCELLED
        moment = min(created_at + timedelta(hours=3 * position), now)
        rows.append(
            Registration(
                event=event,
                person=person,
                status=status,
                waitlisted_at=moment if status == RegistrationStatus.WAITLISTED else None,
                cancelled_at=moment if status == RegistrationStatus.CANCELLED else None,
                organization_name=organization_names.get(person.pk, ""),
                created_at=moment,
            )
        )
    return rows


def _attendance(rng, registrations, now) -> None:
    """Émargement of the past sessions: most people came."""
    sessions = {}
    for session in Session.objects.filter(
        event__in={r.event_id for r in registrations}, ends_at__lt=now
    ):
        sessions.setdefault(session.event_id, []).append(session)
    Attendance.objects.bulk_create(
        [
            Attendance(registration=r, session=s, present=rng.random() < 0.88, marked_at=s.ends_at)
            for r in registrations
            for s in sessions.get(r.event_id, [])
        ],
        ignore_conflicts=True,
    )


def _demo_partner(organization_names) -> None:
    """The demo partner is registered to an upcoming meeting and came to a past training."""
    person = Person.objects.filter(user__email=DEMO_PARTNER, status=PersonStatus.ACTIVE).first()
    if person is None:
        return
    now = timezone.now()
    published = (
        Event.objects.filter(status=EventStatus.PUBLISHED)
        .with_dates()
        .with_counts()
        .filter(confirmed_count__lt=F("capacity"))
    )
    upcoming = (
        published.filter(first_start__gt=now, visibility=Visibility.PUBLIC)
        .exclude(kind=EventKind.TRAINING)
        .order_by("first_start", "pk")
    )
    training = published.filter(kind=EventKind.TRAINING, last_end__lt=now).order_by(
        "-first_start", "pk"
    )
    for event in (upcoming.first(), training.first()):
        if event is None:
            continue
        registration, _ = Registration.objects.get_or_create(
            event=event,
            person=person,
            defaults={
                "status": RegistrationStatus.CONFIRMED,
                "organization_name": organization_names.get(person.pk, ""),
            },
        )
        past_sessions = event.sessions.filter(ends_at__lt=now)
        Attendance.objects.bulk_create(
            [
                Attendance(registration=registration, session=s, present=True, marked_at=s.ends_at)
                for s in past_sessions
            ],
            ignore_conflicts=True,
        )
