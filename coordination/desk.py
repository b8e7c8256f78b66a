"""What the coordinator has to do, read from every app through its querysets.

Each item of the "to do" list says how many things wait, shows the first few with their
age, and links to the page where they are handled (for the coordinator; observers read
the same figures without the links). An item disappears once nothing waits. Each item
costs one or two queries, whatever the amount of data.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consortium.core.enums import OutboxStatus
from consortium.core.french import french_order
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.security import private_security_actions
from evaluations import figures
from evaluations.models import Measurement
from evaluations.querysets import trainings_not_surveyed
from events.models import Event, Registration, ReminderPolicy, Session
from members.enums import AffiliationStatus
from members.models import Action, Affiliation, Commune, Epci, Need, Organization, Person
from members.querysets import affiliations_of_members_awaiting
from projects.models import Dossier, Opportunity, Practice

SHOWN = 5  # entries listed under each item; the page behind the link has them all
SOON_DAYS = 14
UNANSWERED_DAYS = 30
ATTENDANCE_DAYS = 60  # past sessions looked at for a missing émargement


@dataclass
class Entry:
    label: str
    url: str = ""
    detail: str = ""
    since: object = None  # a date or datetime: shown as an age ("il y a 3 jours")


@dataclass
class Task:
    key: str
    title: str
    count: int
    url: str = ""
    entries: list[Entry] = field(default_factory=list)


def waiting(now=None) -> list[Task]:
    """The items that wait, in the order a Monday morning takes them."""
    now = now or timezone.now()
    builders = (
        _people_waiting,
        _join_requests,
        _organizations_waiting,
        _practices_to_review,
        _measurements_to_validate,
        _needs,
        _late_actions,
        _events_soon,
        _attendance,
        _certificates,
        _surveys,
        _dossiers,
        _calls_closing,
        _failed_emails,
    )
    tasks = [build(now) for build in builders]
    return [task for task in tasks if task.count]


def _counted(rows, limit=SHOWN) -> tuple[int, list]:
    """The number of rows and the first `limit` of them (two queries, none when empty)."""
    first = list(rows[: limit + 1])
    if len(first) <= limit:
        return len(first), first
    return rows.count(), first[:limit]


def _people_waiting(now) -> Task:
    count, people = _counted(
        Person.objects.pending().select_related("user").order_by("created_at", "pk")
    )
    entries = [Entry(str(person), since=person.created_at) for person in people]
    return Task(
        "inscriptions", _("Inscriptions à valider"), count, reverse("members:validations"), entries
    )


def _join_requests(now) -> Task:
    count, requests = _counted(affiliations_of_members_awaiting())
    entries = [
        Entry(f"{request.person} → {request.organization.name}", since=request.created_at)
        for request in requests
    ]
    return Task(
        "rattachements",
        _("Demandes de rattachement à une structure"),
        count,
        reverse("members:validations"),
        entries,
    )


def _organizations_waiting(now) -> Task:
    rows = Organization.objects.pending_without_pending_person().order_by("created_at", "pk")
    count, organizations = _counted(rows)
    entries = [
        Entry(organization.name, since=organization.created_at) for organization in organizations
    ]
    return Task(
        "structures",
        _("Structures proposées à valider"),
        count,
        reverse("members:validations"),
        entries,
    )


def _practices_to_review(now) -> Task:
    count, practices = _counted(Practice.objects.awaiting_review().order_by("updated_at", "pk"))
    entries = [
        Entry(practice.title, practice.get_absolute_url(), since=practice.updated_at)
        for practice in practices
    ]
    return Task(
        "fiches",
        _("Fiches de bonnes pratiques à relire"),
        count,
        reverse("projects:practices_review"),
        entries,
    )


def _measurements_to_validate(now) -> Task:
    rows = (
        Measurement.objects.pending()
        .select_related("indicator__evaluation__project")
        .order_by("entered_at", "pk")
    )
    count, measurements = _counted(rows)
    entries = [
        Entry(
            f"{m.indicator.evaluation.project.title} : {m.indicator.label}",
            m.indicator.evaluation.get_absolute_url(),
            m.get_round_display(),
            since=m.entered_at,
        )
        for m in measurements
    ]
    return Task(
        "mesures",
        _("Mesures d'expérimentations à valider"),
        count,
        reverse("evaluations:experiments"),
        entries,
    )


def _needs(now) -> Task:
    rows = Need.objects.needing_attention(days=UNANSWERED_DAYS, now=now).select_related("commune")
    count, needs = _counted(rows)
    entries = [
        Entry(need.title, need.get_absolute_url(), need.get_status_display(), need.created_at)
        for need in needs
    ]
    return Task(
        "besoins",
        _("Besoins à trier ou sans réponse depuis 30 jours"),
        count,
        reverse("members:needs"),
        entries,
    )


def _late_actions(now) -> Task:
    rows = Action.objects.late(timezone.localdate(now)).select_related("group")
    count, actions = _counted(rows)
    entries = [
        Entry(action.title, action.group.get_absolute_url(), action.group.title, action.due_date)
        for action in actions
    ]
    return Task(
        "actions", _("Actions des groupes en retard"), count, reverse("members:groups"), entries
    )


def _events_soon(now) -> Task:
    rows = (
        Event.objects.published()
        .with_dates()
        .with_counts()
        .filter(first_start__gte=now, first_start__lte=now + timedelta(days=SOON_DAYS))
        .order_by("first_start", "pk")
    )
    count, events = _counted(rows)
    entries = [
        Entry(
            event.title,
            reverse("events:registrations", kwargs={"slug": event.slug}),
            _fill(event),
            event.first_start,
        )
        for event in events
    ]
    return Task(
        "rencontres",
        _("Rencontres des 14 prochains jours"),
        count,
        reverse("events:manage"),
        entries,
    )


def _fill(event) -> str:
    text = _("%(confirmed)s / %(capacity)s places") % {
        "confirmed": event.confirmed_count,
        "capacity": event.capacity,
    }
    if event.waitlist_count:
        text += " · " + str(_("%(count)s en liste d'attente") % {"count": event.waitlist_count})
    return text


def _attendance(now) -> Task:
    rows = Session.objects.attendance_unmarked(days=ATTENDANCE_DAYS, now=now).select_related(
        "event"
    )
    count, sessions = _counted(rows)
    entries = [
        Entry(
            session.event.title,
            reverse(
                "events:attendance", kwargs={"slug": session.event.slug, "session_pk": session.pk}
            ),
            session.label,
            session.starts_at,
        )
        for session in sessions
    ]
    return Task(
        "emargement", _("Séances passées sans émargement"), count, reverse("events:manage"), entries
    )


def _certificates(now) -> Task:
    delay = ReminderPolicy.current().certificate_delay_hours
    overdue = Registration.objects.certificates_overdue(now=now, delay_hours=delay)
    rows = (
        Event.objects.filter(pk__in=overdue.values("event"))
        .annotate(waiting=Count("registrations", filter=Q(registrations__in=overdue)))
        .order_by("pk")
    )
    count, events = _counted(rows)
    entries = [
        Entry(
            event.title,
            reverse("events:registrations", kwargs={"slug": event.slug}),
            ngettext("%(count)d attestation", "%(count)d attestations", event.waiting)
            % {"count": event.waiting},
        )
        for event in events
    ]
    title = _("Formations aux attestations non envoyées")
    return Task("attestations", title, count, reverse("events:manage"), entries)


def _surveys(now) -> Task:
    count, events = _counted(trainings_not_surveyed(now=now))
    entries = [
        Entry(
            event.title, reverse("events:edit", kwargs={"slug": event.slug}), since=event.last_end
        )
        for event in events
    ]
    title = _("Formations dont le questionnaire de satisfaction n'est pas parti")
    return Task("questionnaires", title, count, reverse("evaluations:surveys"), entries)


def _dossiers(now) -> Task:
    rows = Dossier.objects.due_within(days=SOON_DAYS, today=timezone.localdate(now)).select_related(
        "organization"
    )
    count, dossiers = _counted(rows)
    entries = [
        Entry(
            dossier.title,
            dossier.get_absolute_url(),
            dossier.organization.name,
            dossier.next_due_on,
        )
        for dossier in dossiers
    ]
    return Task(
        "dossiers",
        _("Dossiers : échéance dans 14 jours ou bilan à rendre"),
        count,
        reverse("projects:dossier_board"),
        entries,
    )


def _calls_closing(now) -> Task:
    rows = (
        Opportunity.objects.published()
        .closing_within(SOON_DAYS, timezone.localdate(now))
        .order_by("deadline", "pk")
    )
    count, calls = _counted(rows)
    entries = [
        Entry(call.title, call.get_absolute_url(), call.funder, call.deadline) for call in calls
    ]
    return Task(
        "appels",
        _("Appels à projets qui ferment dans 14 jours"),
        count,
        reverse("projects:opportunities"),
        entries,
    )


def _failed_emails(now) -> Task:
    rows = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-created_at", "-pk")
    count, messages = _counted(rows)
    entries = [
        Entry(message.subject, detail=message.last_error[:120], since=message.created_at)
        for message in messages
    ]
    return Task(
        "envois",
        _("E-mails en échec"),
        count,
        reverse("admin:core_outboxmessage_changelist"),
        entries,
    )


# --- Territory and recent activity --------------------------------------------------------

UNREACHED_SHOWN = 8


@dataclass
class Territory:
    epcis: list  # the EPCIs, alphabetical
    organizations: dict  # EPCI id: active member organisations
    members: dict  # EPCI id: active members (people) of those organisations
    events: dict  # EPCI id: published events with a session this year
    unreached: list  # the largest communes where no active organisation is


def territory(now=None) -> Territory:
    """Members and the year's events per EPCI (one grouped count each), and the largest
    communes not reached."""
    year = timezone.localdate(now).year
    organizations = Organization.objects.active()
    affiliations = Affiliation.objects.filter(
        status=AffiliationStatus.ACTIVE,
        person__in=Person.objects.active(),
        organization__in=organizations,
    )
    sessions = Session.objects.filter(starts_at__year=year)
    events = Event.objects.published().filter(pk__in=sessions.values("event"))
    unreached = Commune.objects.without_organization_among(organizations).select_related("epci")
    return Territory(
        epcis=list(Epci.objects.order_by(french_order("name"))),
        organizations=_per_epci(organizations, "commune__epci"),
        members=_per_epci(affiliations, "organization__commune__epci", "person"),
        events=_per_epci(events, "commune__epci"),
        unreached=list(unreached[:UNREACHED_SHOWN]),
    )


def _per_epci(rows, epci: str, counted: str = "pk") -> dict:
    """{EPCI id: number of distinct `counted`} in one grouped query."""
    grouped = rows.order_by().values(epci).annotate(total=Count(counted, distinct=True))
    return {row[epci]: row["total"] for row in grouped}


def key_figures(now=None) -> dict:
    """The year's key figures so far, with the activity report's definitions (the one
    place they live: evaluations.figures)."""
    period = figures.Period.current_year()
    return {
        "year": period.start.year,
        "members": figures.members(period),
        "events": figures.events(period),
        "hours": figures.training_hours(period),
        "needs": figures.needs(period),
        "dossiers": figures.dossiers(period),
        "satisfaction": figures.satisfaction(period),
    }


def recent_activity(limit: int = 12) -> list[AuditLogEntry]:
    """The latest entries of the audit log, who did what in the network: not who signed
    in or downloaded what (the data-protection officer's extract, consortium.core.security)."""
    entries = AuditLogEntry.objects.exclude(action__in=private_security_actions())
    return list(entries.select_related("actor").order_by("-created_at", "-pk")[:limit])


def action_labels() -> dict:
    """The words of every audit action, from the apps' enums."""
    from consortium.core.enums import AuditAction
    from evaluations.enums import (
        EvaluationsAuditAction,
        ExperimentsAuditAction,
        ReportsAuditAction,
    )
    from events.enums import EventsAuditAction
    from members.enums import MembersAuditAction
    from projects.enums import ProjectsAuditAction

    from .enums import CoordinationAuditAction

    labels = {}
    enums = (
        AuditAction,
        MembersAuditAction,
        EventsAuditAction,
        ProjectsAuditAction,
        EvaluationsAuditAction,
        ExperimentsAuditAction,
        ReportsAuditAction,
        CoordinationAuditAction,
    )
    for actions in enums:
        labels.update(actions.choices)
    return labels
