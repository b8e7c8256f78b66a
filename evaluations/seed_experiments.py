"""Demo evaluations of the seeded experiments, and two model sheets (one published as a
good practice).

Every experiment gets its evaluation with targets; one that has started gets its three
rounds (baseline, midterm, final) entered by a member of its lead partner: validated
for a finished experiment, the final round still awaiting validation for a running one
(so that the coordinator's desk has some to validate); a planned experiment only its
baseline. Deterministic (a fixed random seed), idempotent (an evaluation that has
measurements is left as it is) and scale-aware (it follows the experiments the projects
seed made). Rows are created in bulk; the seed sends no e-mail.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from consortium.core.models import User
from members.enums import AffiliationStatus
from members.models import Person
from projects.enums import PartnerRole, PracticeStatus, ProjectStatus
from projects.models import Practice, Project

from . import services_experiments as services
from .enums import IndicatorKind, MeasurementRound, MeasurementStatus
from .models import ExperimentEvaluation, Indicator, Measurement, MeasurementTransition, ModelSheet

COORDINATION = "coordination@demo.consortium95.fr"
SHEETS = 2
# (lowest, highest) target of each indicator of the default grid.
TARGETS = {
    "enfants-0-1": (8, 25),
    "enfants-1-3": (15, 45),
    "enfants-3-6": (10, 40),
    "parents": (20, 60),
    "professionnels": (5, 15),
    "seances": (8, 24),
    "heures": (16, 60),
    "structures": (2, 6),
}
# Share of the target reached at each round, before a little noise.
SHARES = {
    MeasurementRound.BASELINE: 0.3,
    MeasurementRound.MIDTERM: 0.65,
    MeasurementRound.FINAL: 0.95,
}
SCALE_STEPS = {
    MeasurementRound.BASELINE: Decimal("2.8"),
    MeasurementRound.MIDTERM: Decimal("3.5"),
    MeasurementRound.FINAL: Decimal("4.1"),
}
OBSERVATIONS = {
    MeasurementRound.BASELINE: [
        "Les parents restent souvent en retrait, assis au bord du tapis.",
        "Les équipes hésitent à chanter devant les familles.",
    ],
    MeasurementRound.MIDTERM: [
        "Des parents reprennent les comptines à la maison et les chantent à l'accueil.",
        "Les professionnel·les proposent d'elles-mêmes des temps de lecture.",
    ],
    MeasurementRound.FINAL: [
        "Les parents s'installent avec leur enfant et participent sans qu'on les y invite.",
        "Deux crèches ont inscrit l'atelier dans leur projet d'établissement.",
    ],
}


def seed(*, scale: int, log) -> None:
    rng = random.Random(12)  # noqa: S311 (demo values, not secrets)
    coordinator = User.objects.filter(email=COORDINATION).first()
    now = timezone.now()
    today = timezone.localdate()
    measured = 0
    for project in Project.objects.filter(is_experiment=True).order_by("pk"):
        evaluation = services.experiment_evaluation_ensure(project=project)
        if Measurement.objects.filter(indicator__evaluation=evaluation).exists():
            continue
        _measure(rng, evaluation, project, coordinator, now, today)
        measured += 1
    sheets = _sheets(coordinator)
    log(f"evaluations: {measured} expérimentations mesurées, {sheets} fiches de modélisation")


def _partner_user(project):
    partnerships = project.partnerships.order_by("pk")
    lead = partnerships.filter(role=PartnerRole.LEAD).first() or partnerships.first()
    if lead is None:
        return None
    person = (
        Person.objects.filter(
            affiliations__organization=lead.organization_id,
            affiliations__status=AffiliationStatus.ACTIVE,
            user__is_active=True,
        )
        .order_by("pk")
        .select_related("user")
        .first()
    )
    return person.user if person else None


def _rounds(project, today) -> list[str]:
    if project.starts_on is None or project.starts_on > today:
        return [MeasurementRound.BASELINE]
    return list(MeasurementRound)


def _measure(rng, evaluation, project, coordinator, now, today) -> None:
    indicators = list(evaluation.indicators.all())
    for indicator in indicators:
        if indicator.code in TARGETS:
            low, high = TARGETS[indicator.code]
            indicator.target = Decimal(rng.randint(low, high))
        elif indicator.kind == IndicatorKind.SCALE:
            indicator.target = Decimal("4.5") if indicator.code == "satisfaction" else Decimal(4)
    Indicator.objects.bulk_update(indicators, ["target"])
    user = _partner_user(project)
    rounds = _rounds(project, today)
    # A finished experiment, or one already shown as a good practice, is evaluated.
    finished = project.status in (ProjectStatus.FINISHED, ProjectStatus.ABANDONED) or (
        Practice.objects.filter(project=project, status=PracticeStatus.PUBLISHED).exists()
    )
    rows, steps = [], []
    start = min(now, timezone.make_aware(datetime.combine(project.starts_on or today, time(10))))
    for number, round_ in enumerate(rounds):
        when = min(now - timedelta(days=len(rounds) - number), start + timedelta(days=120 * number))
        validated = finished or round_ != MeasurementRound.FINAL
        for indicator in indicators:
            value, text = _value(rng, indicator, round_)
            rows.append(
                Measurement(
                    indicator=indicator,
                    round=round_,
                    value=value,
                    text=text,
                    status=MeasurementStatus.VALIDATED if validated else MeasurementStatus.ENTERED,
                    entered_by=user,
                    entered_at=when,
                )
            )
            steps.append((when, validated))
    Measurement.objects.bulk_create(rows)
    history = []
    for measurement, (when, validated) in zip(rows, steps, strict=True):
        history.append(
            MeasurementTransition(
                measurement=measurement,
                from_status="",
                to_status=MeasurementStatus.ENTERED,
                actor=user,
                created_at=when,
            )
        )
        if validated:
            history.append(
                MeasurementTransition(
                    measurement=measurement,
                    from_status=MeasurementStatus.ENTERED,
                    to_status=MeasurementStatus.VALIDATED,
                    actor=coordinator,
                    created_at=when + timedelta(days=3),
                )
            )
    MeasurementTransition.objects.bulk_create(history)


def _value(rng, indicator, round_) -> tuple[Decimal | None, str]:
    if indicator.kind == IndicatorKind.TEXT:
        return None, rng.choice(OBSERVATIONS[round_])
    if indicator.kind == IndicatorKind.SCALE:
        noise = Decimal(rng.choice((-2, -1, 0, 1, 2))) / 10
        return max(Decimal(1), min(Decimal(5), SCALE_STEPS[round_] + noise)), ""
    target = indicator.target or Decimal(10)
    share = SHARES[round_] + rng.uniform(-0.1, 0.15)
    value = Decimal(round(float(target) * share))
    if indicator.kind == IndicatorKind.HOURS and rng.random() < 0.5:
        value += Decimal("0.5")
    return value, ""


def _sheets(coordinator) -> int:
    """Two model sheets of evaluated experiments; one published as a practice: preferably
    an experiment that already has its published practice, which the sheet then updates
    (one practice per experiment), so that the catalogue keeps its volumes."""
    if coordinator is None:
        return 0
    existing = ModelSheet.objects.count()
    published = Practice.objects.filter(
        project=OuterRef("project"), status=PracticeStatus.PUBLISHED
    )
    evaluations = (
        ExperimentEvaluation.objects.filter(
            project__model_sheet__isnull=True,
            indicators__measurements__round=MeasurementRound.FINAL,
            indicators__measurements__status=MeasurementStatus.VALIDATED,
        )
        .distinct()
        .annotate(has_practice=Exists(published))
        .select_related("project")
        .order_by("-has_practice", "project__pk")
    )
    for evaluation in evaluations[: max(0, SHEETS - existing)]:
        sheet = services.model_sheet_create(actor=coordinator, evaluation=evaluation)
        services.model_sheet_update(actor=coordinator, sheet=sheet, fields=SHEET_TEXTS)
        if not ModelSheet.objects.filter(practice__isnull=False).exists():
            services.model_sheet_publish(actor=coordinator, sheet=sheet)
    return ModelSheet.objects.count()


SHEET_TEXTS = {
    "resources": "Une artiste intervenante (musicienne), un coin lecture, des instruments "
    "adaptés aux tout-petits, le temps de réunion des équipes.",
    "conditions": "Un binôme entre une structure culturelle et un lieu d'accueil de la petite "
    "enfance, des séances régulières sur au moins six mois, les parents invités dès la "
    "première séance.",
    "pitfalls": "Des séances trop espacées : le lien se perd. Des groupes trop grands : "
    "au-delà de huit enfants, les parents n'osent plus participer.",
}
