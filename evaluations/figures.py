"""The network's key figures for a period: the one place their definitions live.

The activity report (evaluations.reports), its XLSX and, later, the coordinator's desk
("key figures of the year", issue 12) call these functions, so that a figure means the
same thing everywhere. One function per group of figures, each taking a `Period`; each
returns plain data (numbers, strings, lists and dicts: JSON-serialisable), which is what
a report keeps as its snapshot. Every function costs a fixed number of aggregate queries,
whatever the volume.

Definitions (a period is a range of days, both ends included, in Europe/Paris):
- members: the organisations active today that had joined by the end of the period, by
  sector and by EPCI; people active today with an active affiliation to one of them; new
  members: those of them created during the period.
- events: published events with at least one session starting in the period, by kind;
  participants: confirmed registrations marked present at one of those sessions at least.
- training hours: the hours of the training sessions held in the period (the set hours,
  else the session's length: the certificate's rule), and trainee-hours (the same per
  presence).
- working groups: groups not archived before the period began; their actions created in
  the period, by status.
- needs: expressed in the period (merged ones aside), answered in the period (closed with
  an answer), and the trainings of the period linked to the needs they answer.
- opportunities: published in the period, by kind.
- dossiers: created in the period (the dossier board's year), by status; amounts
  requested and granted by funder.
- experiments: projects marked as experiments that overlap the period (no dates: always).
- practices: sheets published in the period, by sector.
- satisfaction: answers received in the period to the events' satisfaction surveys.
- territory: per EPCI, communes reached (an active member organisation there, as on the
  desk and the coverage page), organisations and the period's events; the largest
  communes not reached.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.french import french_order
from events.enums import EventKind, RegistrationStatus
from events.models import Attendance, Event, Session
from members.enums import AffiliationStatus, NeedStatus, Sector
from members.models import (
    Action,
    Affiliation,
    Commune,
    Epci,
    Need,
    Organization,
    Person,
    WorkingGroup,
)
from projects.enums import DossierStatus, OpportunityKind
from projects.models import Dossier, Opportunity, Practice, Project

UNREACHED_SHOWN = 10


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def current_year(cls) -> "Period":
        return cls.year(timezone.localdate().year)

    @property
    def since(self) -> datetime:
        """The first instant of the period (aware)."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first instant after the period (aware, excluded)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def instants(self, field: str) -> Q:
        """`field` (a datetime) within the period."""
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})

    def days(self, field: str) -> Q:
        """`field` (a date) within the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})


def _rows(counts: dict, choices) -> list[dict]:
    """[{key, label, total}] in the order of `choices`, zeros included."""
    return [
        {"key": key, "label": str(label), "total": counts.get(key, 0)} for key, label in choices
    ]


def _number(value) -> float | int:
    """Decimals and floats as JSON numbers, whole ones as ints."""
    value = float(value or 0)
    return int(value) if value.is_integer() else round(value, 2)


def _maybe(value) -> float | int | None:
    return None if value is None else _number(value)


# --- Members ---------------------------------------------------------------------------


def member_organizations(period: Period):
    return Organization.objects.active().filter(created_at__lt=period.until)


def members(period: Period) -> dict:
    organizations = member_organizations(period)
    by_sector = Counter()
    by_epci = Counter()
    for row in organizations.count_by_epci_and_sector():
        by_sector[row["sector"]] += row["total"]
        by_epci[row["epci_id"]] += row["total"]
    people = Person.objects.active().filter(
        Exists(
            Affiliation.objects.filter(
                person=OuterRef("pk"),
                status=AffiliationStatus.ACTIVE,
                organization__in=organizations,
            )
        ),
        created_at__lt=period.until,
    )
    counts = people.aggregate(
        total=Count("pk"), new=Count("pk", filter=period.instants("created_at"))
    )
    epcis = Epci.objects.order_by(french_order("name"))
    return {
        "organizations": sum(by_sector.values()),
        "new_organizations": organizations.filter(period.instants("created_at")).count(),
        "people": counts["total"],
        "new_people": counts["new"],
        "by_sector": _rows(by_sector, Sector.choices),
        "by_epci": [{"key": e.pk, "label": e.name, "total": by_epci.get(e.pk, 0)} for e in epcis],
    }


# --- Events, participants, training hours ------------------------------------------------


def period_sessions(period: Period):
    return Session.objects.filter(period.instants("starts_at"), event__in=Event.objects.published())


def period_events(period: Period):
    return Event.objects.published().filter(pk__in=period_sessions(period).values("event"))


def _presences(period: Period):
    return Attendance.objects.filter(
        present=True,
        session__in=period_sessions(period),
        registration__status=RegistrationStatus.CONFIRMED,
    )


def events(period: Period) -> dict:
    per_kind = dict(
        period_events(period).order_by().values_list("kind").annotate(total=Count("pk"))
    )
    participants = dict(
        _presences(period)
        .order_by()
        .values_list("session__event__kind")
        .annotate(total=Count("registration", distinct=True))
    )
    rows = [
        {
            "key": key,
            "label": str(label),
            "events": per_kind.get(key, 0),
            "participants": participants.get(key, 0),
        }
        for key, label in EventKind.choices
    ]
    return {
        "events": sum(per_kind.values()),
        "participants": sum(participants.values()),
        "by_kind": rows,
    }


def training_hours(period: Period) -> dict:
    """Hours delivered (each training session once) and trainee-hours (per presence)."""
    sessions = period_sessions(period).filter(event__kind=EventKind.TRAINING)
    presences = dict(
        _presences(period)
        .filter(session__event__kind=EventKind.TRAINING)
        .order_by()
        .values_list("session")
        .annotate(total=Count("pk"))
    )
    delivered = trainee_hours = 0.0
    count = 0
    for session in sessions.only("pk", "starts_at", "ends_at", "hours"):
        hours = float(session.duration_hours)
        delivered += hours
        trainee_hours += hours * presences.get(session.pk, 0)
        count += 1
    return {
        "sessions": count,
        "trainings": period_events(period).filter(kind=EventKind.TRAINING).count(),
        "hours": _number(delivered),
        "trainee_hours": _number(trainee_hours),
    }


# --- Working groups and needs --------------------------------------------------------------


def working_groups(period: Period) -> dict:
    from members.enums import ActionStatus, GroupMembershipStatus

    groups = list(
        WorkingGroup.objects.filter(
            Q(archived_at__isnull=True) | Q(archived_at__gte=period.since),
            created_at__lt=period.until,
        )
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__status=GroupMembershipStatus.MEMBER),
                distinct=True,
            )
        )
        .order_by(french_order("title"))
    )
    actions = Action.objects.filter(period.instants("created_at"), group__in=groups)
    per_group = {}
    for group_id, status, total in (
        actions.order_by().values_list("group", "status").annotate(total=Count("pk"))
    ):
        per_group.setdefault(group_id, Counter())[status] = total
    statuses = Counter()
    for counts in per_group.values():
        statuses.update(counts)
    return {
        "groups": len(groups),
        "actions": sum(statuses.values()),
        "actions_by_status": _rows(statuses, ActionStatus.choices),
        "rows": [
            {
                "title": group.title,
                "members": group.member_count,
                "actions": sum(per_group.get(group.pk, Counter()).values()),
                "done": per_group.get(group.pk, Counter()).get(ActionStatus.DONE, 0),
            }
            for group in groups
        ],
    }


def needs(period: Period) -> dict:
    expressed = Need.objects.listed().filter(period.instants("created_at"))
    answered = Need.objects.filter(period.instants("closed_at"), status=NeedStatus.CLOSED).exclude(
        answer=""
    )
    trainings = (
        period_events(period)
        .filter(kind=EventKind.TRAINING)
        .annotate(need_count=Count("needs", distinct=True))
        .filter(need_count__gt=0)
        .order_by(french_order("title"))
    )
    rows = [{"title": event.title, "needs": event.need_count} for event in trainings]
    return {
        "expressed": expressed.count(),
        "answered": answered.count(),
        "by_sector": _rows(
            dict(expressed.order_by().values_list("sector").annotate(total=Count("pk"))),
            Sector.choices,
        ),
        "trainings": rows,
        "needs_answered_by_trainings": Need.objects.filter(events__in=trainings).distinct().count(),
    }


# --- Funding: opportunities and dossiers ---------------------------------------------------


def opportunities(period: Period) -> dict:
    published = Opportunity.objects.published().filter(period.instants("published_at"))
    per_kind = dict(published.order_by().values_list("kind").annotate(total=Count("pk")))
    return {
        "published": sum(per_kind.values()),
        "by_kind": _rows(per_kind, OpportunityKind.choices),
    }


def dossiers(period: Period) -> dict:
    created = Dossier.objects.filter(period.instants("created_at"))
    per_status = created.count_by_status()
    funders = (
        created.order_by()
        .values("funder")
        .annotate(
            dossiers=Count("pk"), requested=Sum("amount_requested"), granted=Sum("amount_granted")
        )
        .order_by(french_order("funder"))
    )
    rows = [
        {
            "funder": row["funder"] or _("Financeur non précisé"),
            "dossiers": row["dossiers"],
            "requested": row["requested"] or 0,
            "granted": row["granted"] or 0,
        }
        for row in funders
    ]
    return {
        "dossiers": sum(per_status.values()),
        "by_status": _rows(per_status, DossierStatus.choices),
        "by_funder": rows,
        "requested": sum(row["requested"] for row in rows),
        "granted": sum(row["granted"] for row in rows),
    }


# --- Experiments, practices, satisfaction ---------------------------------------------------


def experiment_indicators(project: Project, period: Period) -> list[dict]:
    """An experiment's numeric indicators against their targets: one dict per indicator,
    {"label", "unit", "target", "value", "baseline"} (numbers or None), from its validated
    measurements (evaluations.experiments: the latest validated round is the value).

    The evaluation's state when the report is made: measurements are rounds of the
    experiment (baseline, midterm, final), not dated events of the period.
    """
    from .experiments import evaluation_progress
    from .models import ExperimentEvaluation

    evaluation = ExperimentEvaluation.objects.filter(project=project).first()
    if evaluation is None:
        return []
    return [
        {
            "label": item.indicator.label,
            "unit": item.indicator.unit,
            "target": _maybe(item.indicator.target),
            "value": _maybe(item.latest),
            "baseline": _maybe(item.baseline),
        }
        for item in evaluation_progress(evaluation).numeric
    ]


def period_experiments(period: Period):
    return (
        Project.objects.experiments()
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=period.end))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .order_by(french_order("title"))
    )


def experiments(period: Period) -> dict:
    from .models import Survey

    projects = list(
        period_experiments(period)
        .select_related("working_group")
        .prefetch_related("partnerships__organization")
    )
    group_ids = [p.working_group_id for p in projects if p.working_group_id]
    events_by_group = {}
    for event in period_events(period).filter(group__in=group_ids).order_by(french_order("title")):
        events_by_group.setdefault(event.group_id, []).append(event.title)
    surveys = {}
    for survey in Survey.objects.filter(project__in=projects).annotate(
        response_count=Count("responses")
    ):
        surveys.setdefault(survey.project_id, []).append(
            {
                "title": survey.title,
                "kind": survey.get_kind_display(),
                "responses": survey.response_count,
            }
        )
    rows = []
    for project in projects:
        partners = sorted(
            (
                {"name": p.organization.name, "role": p.get_role_display()}
                for p in project.partnerships.all()
            ),
            key=lambda partner: partner["name"],
        )
        rows.append(
            {
                "title": project.title,
                "status": project.get_status_display(),
                "hypothesis": project.hypothesis,
                "summary": project.summary,
                "starts_on": project.starts_on.isoformat() if project.starts_on else None,
                "ends_on": project.ends_on.isoformat() if project.ends_on else None,
                "working_group": project.working_group.title if project.working_group else "",
                "partners": partners,
                "events": events_by_group.get(project.working_group_id, []),
                "surveys": surveys.get(project.pk, []),
                "indicators": experiment_indicators(project, period),
            }
        )
    return {"experiments": len(rows), "rows": rows}


def practices(period: Period) -> dict:
    published = Practice.objects.published().filter(period.instants("published_at"))
    per_sector = dict(published.order_by().values_list("sector").annotate(total=Count("pk")))
    return {"published": sum(per_sector.values()), "by_sector": _rows(per_sector, Sector.choices)}


def satisfaction(period: Period) -> dict:
    from .enums import QuestionKind, SurveyKind
    from .models import Answer, Response

    responses = Response.objects.filter(
        period.days("submitted_on"), survey__kind=SurveyKind.SATISFACTION
    )
    scale = Answer.objects.filter(
        response__in=responses, question__kind=QuestionKind.SCALE, number__isnull=False
    )
    figures = scale.aggregate(average=Avg("number"), ratings=Count("pk"))
    distribution = dict(scale.order_by().values_list("number").annotate(total=Count("pk")))
    distribution = {int(value): total for value, total in distribution.items()}
    ratings = figures["ratings"]
    satisfied = distribution.get(4, 0) + distribution.get(5, 0)
    return {
        "responses": responses.count(),
        "surveys": responses.order_by().values("survey").distinct().count(),
        "ratings": ratings,
        "average": round(float(figures["average"]), 1) if figures["average"] is not None else None,
        "satisfied_percent": round(100 * satisfied / ratings) if ratings else None,
        "distribution": [
            {"key": v, "label": str(v), "total": distribution.get(v, 0)} for v in range(1, 6)
        ],
    }


# --- Territory -------------------------------------------------------------------------------


def territory(period: Period) -> dict:
    organizations = member_organizations(period)
    reached = set(organizations.order_by().values_list("commune_id", flat=True).distinct())
    communes = dict(Commune.objects.order_by().values_list("epci").annotate(total=Count("pk")))
    reached_per_epci = Counter(
        epci for pk, epci in Commune.objects.filter(pk__in=reached).values_list("pk", "epci")
    )
    orgs = dict(organizations.order_by().values_list("commune__epci").annotate(total=Count("pk")))
    events_ = dict(
        period_events(period).order_by().values_list("commune__epci").annotate(total=Count("pk"))
    )
    rows = []
    for epci in Epci.objects.order_by(french_order("name")):
        total = communes.get(epci.pk, 0)
        hit = reached_per_epci.get(epci.pk, 0)
        rows.append(
            {
                "epci": epci.name,
                "communes": total,
                "reached": hit,
                "percent": round(100 * hit / total) if total else 0,
                "organizations": orgs.get(epci.pk, 0),
                "events": events_.get(epci.pk, 0),
            }
        )
    unreached = (Commune.objects.without_organization_among(organizations).select_related("epci"))[
        :UNREACHED_SHOWN
    ]
    return {
        "communes": sum(communes.values()),
        "reached": len(reached),
        "rows": rows,
        "unreached": [
            {"name": c.name, "population": c.population, "epci": c.epci.name if c.epci_id else ""}
            for c in unreached
        ],
    }


# --- All of them --------------------------------------------------------------------------

GROUPS = (
    ("members", members),
    ("events", events),
    ("training", training_hours),
    ("groups", working_groups),
    ("needs", needs),
    ("opportunities", opportunities),
    ("dossiers", dossiers),
    ("experiments", experiments),
    ("practices", practices),
    ("satisfaction", satisfaction),
    ("territory", territory),
)


def key_figures(period: Period) -> dict:
    """Every group of figures for `period`, by name (the report's snapshot)."""
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        **{name: build(period) for name, build in GROUPS},
    }
