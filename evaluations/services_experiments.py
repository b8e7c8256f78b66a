"""Writes of the evaluation of experiments and of model sheets.

An experiment's evaluation is created with the default grid (evaluations.grid) when the
experiment is saved; the coordinator extends the grid and sets targets; the experiment's
partners enter measurements at each round; the coordinator validates or refuses them
(MEASUREMENT_TRANSITIONS, with history). From an evaluated experiment the coordinator
drafts a model sheet, edits it (each edit is a new version) and publishes it as the one
good practice linked to the experiment (created the first time, updated afterwards).
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.services import audit_log_record
from consortium.core.workflows import workflow_apply
from members.enums import Sector
from projects.enums import BudgetRange, PartnerRole, PracticeStatus, ProjectsAuditAction
from projects.models import Practice, Project
from projects.services import practices as practice_services
from projects.workflows import PRACTICE_TRANSITIONS

from . import sheets
from .enums import ExperimentsAuditAction, IndicatorKind, MeasurementRound, MeasurementStatus
from .grid import DEFAULT_INDICATORS
from .models import (
    SHEET_TEXT_FIELDS,
    ExperimentEvaluation,
    Indicator,
    Measurement,
    ModelSheet,
    ModelSheetVersion,
)
from .rules import can_enter_measurements, can_manage_experiments
from .workflows import MEASUREMENT_TRANSITIONS

MAX_VALUE = Decimal("99999999")


def _require_coordinator(actor: User | None) -> None:
    if not can_manage_experiments(actor):
        raise PermissionRefused(_("Seule la coordination peut faire cela."))


# --- Evaluations and their grid ------------------------------------------------------------


@transaction.atomic
def experiment_evaluation_ensure(
    *, project: Project, actor: User | None = None
) -> ExperimentEvaluation:
    """An experiment's evaluation with the default grid, created if it has none yet."""
    if not project.is_experiment:
        raise DomainError(_("Seule une expérimentation a une évaluation."))
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one creator at a time
    evaluation = ExperimentEvaluation.objects.filter(project=project).first()
    if evaluation is not None:
        return evaluation
    evaluation = ExperimentEvaluation.objects.create(project=project)
    # The grid's labels are stored in French, whatever language the page was in.
    with translation.override(settings.LANGUAGE_CODE):
        Indicator.objects.bulk_create(
            Indicator(
                evaluation=evaluation,
                code=spec["code"],
                position=position,
                label=str(spec["label"]),
                kind=spec["kind"],
                unit=str(spec["unit"]),
            )
            for position, spec in enumerate(DEFAULT_INDICATORS, start=1)
        )
    audit_log_record(
        actor=actor, action=ExperimentsAuditAction.EVALUATION_CREATED, target=evaluation
    )
    return evaluation


INDICATOR_FIELDS = frozenset({"label", "kind", "unit", "target"})


@transaction.atomic
def indicator_save(
    *,
    actor: User,
    evaluation: ExperimentEvaluation,
    fields: dict,
    indicator: Indicator | None = None,
) -> Indicator:
    """The coordinator adds an indicator at the end of the grid, or changes one (its kind
    only while nothing was measured: values keep their meaning)."""
    _require_coordinator(actor)
    if set(fields) - INDICATOR_FIELDS:
        raise DomainError(_("Ces informations ne se modifient pas ici."))
    evaluation = ExperimentEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if indicator is None:
        last = evaluation.indicators.aggregate(last=Max("position"))["last"] or 0
        indicator = Indicator(evaluation=evaluation, position=last + 1)
    elif indicator.evaluation_id != evaluation.pk:
        raise DomainError(_("Cet indicateur n'appartient pas à cette évaluation."))
    elif "kind" in fields and fields["kind"] != indicator.kind and indicator.measurements.exists():
        raise ValidationError(
            {"kind": _("Des mesures sont saisies : le type de l'indicateur ne change plus.")}
        )
    for name, value in fields.items():
        setattr(indicator, name, value)
    if indicator.kind == IndicatorKind.TEXT:
        indicator.target = None
    scale_target = indicator.kind == IndicatorKind.SCALE and indicator.target is not None
    if scale_target and not Decimal(1) <= indicator.target <= Decimal(5):
        raise ValidationError({"target": _("Sur une échelle, l'objectif va de 1 à 5.")})
    if indicator.target is not None and indicator.target < 0:
        raise ValidationError({"target": _("L'objectif ne peut pas être négatif.")})
    if (
        evaluation.indicators.filter(label__iexact=indicator.label.strip())
        .exclude(pk=indicator.pk)
        .exists()
    ):
        raise ValidationError({"label": _("La grille a déjà un indicateur de ce nom.")})
    indicator.label = indicator.label.strip()
    indicator.full_clean(exclude=["evaluation"], validate_constraints=False)
    indicator.save()
    audit_log_record(actor=actor, action=ExperimentsAuditAction.INDICATOR_SAVED, target=evaluation)
    return indicator


# --- Measurements ---------------------------------------------------------------------------


def checked_value(indicator: Indicator, raw) -> tuple[Decimal | None, str]:
    """(value, text) of an entry for `indicator`, checked, or raise ValidationError."""
    if indicator.kind == IndicatorKind.TEXT:
        text = str(raw or "").strip()
        if len(text) > 4000:
            raise ValidationError(_("Les observations comptent au plus 4 000 caractères."))
        return None, text
    try:
        value = Decimal(str(raw).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, TypeError):
        raise ValidationError(_("Saisissez un nombre, par exemple 12 ou 3,5.")) from None
    if not value.is_finite():
        raise ValidationError(_("Saisissez un nombre, par exemple 12 ou 3,5."))
    if indicator.kind == IndicatorKind.SCALE:
        if not Decimal(1) <= value <= Decimal(5):
            raise ValidationError(_("Sur cette échelle, la valeur va de 1 à 5."))
    elif value < 0 or value > MAX_VALUE:
        raise ValidationError(_("Saisissez un nombre positif (au plus 99 999 999)."))
    if indicator.kind == IndicatorKind.COUNT and value != value.to_integral_value():
        raise ValidationError(_("Un nombre de personnes ou de séances est entier."))
    if value.as_tuple().exponent < -2:
        raise ValidationError(_("Deux décimales au plus."))
    return value, ""


@transaction.atomic
def measurements_record(
    *, actor: User, evaluation: ExperimentEvaluation, round: str, values: dict
) -> list[Measurement]:
    """A partner of the experiment enters the values of one round: `values` maps an
    indicator's pk to what was typed (blank: nothing for this indicator). Validated
    measurements do not change; a refused one is entered again. All or nothing: the
    first bad value raises ValidationError (keyed by indicator pk) and nothing is saved."""
    project = evaluation.project
    if not can_enter_measurements(actor, project):
        raise PermissionRefused(
            _("Seuls les partenaires de l'expérimentation saisissent ses mesures.")
        )
    if round not in MeasurementRound.values:
        raise DomainError(_("Cette étape de mesure n'existe pas."))
    ExperimentEvaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
    indicators = {i.pk: i for i in evaluation.indicators.all()}
    existing = {
        m.indicator_id: m
        for m in Measurement.objects.select_for_update().filter(
            indicator__evaluation=evaluation, round=round
        )
    }
    errors, plans = {}, []
    for key, raw in values.items():
        indicator = indicators.get(int(key))
        if indicator is None:
            raise DomainError(_("Cet indicateur n'appartient pas à cette évaluation."))
        if raw is None or str(raw).strip() == "":
            continue
        measurement = existing.get(indicator.pk)
        if measurement is not None and measurement.status == MeasurementStatus.VALIDATED:
            continue  # shown read-only; a stale form does not change it
        try:
            value, text = checked_value(indicator, raw)
        except ValidationError as error:
            errors[str(indicator.pk)] = error.messages
            continue
        plans.append((indicator, measurement, value, text))
    if errors:
        raise ValidationError(errors)
    saved, now = [], timezone.now()
    for indicator, measurement, value, text in plans:
        if measurement is None:
            measurement = Measurement.objects.create(
                indicator=indicator,
                round=round,
                value=value,
                text=text,
                entered_by=actor,
                entered_at=now,
            )
            measurement.transitions.create(
                from_status="", to_status=MeasurementStatus.ENTERED, actor=actor
            )
        elif measurement.value == value and measurement.text == text:
            continue
        else:
            workflow_apply(
                transitions=MEASUREMENT_TRANSITIONS,
                obj=measurement,
                name="ressaisir",
                actor=actor,
                history=measurement.transitions,
                audit_action=ExperimentsAuditAction.MEASUREMENT_ENTERED,
                audit_target=evaluation,
                extra={"value": value, "text": text, "entered_by": actor, "entered_at": now},
            )
        saved.append(measurement)
    if saved:
        audit_log_record(
            actor=actor,
            action=ExperimentsAuditAction.MEASUREMENT_ENTERED,
            target=evaluation,
            data={"round": round, "count": len(saved)},
        )
    return saved


@transaction.atomic
def measurement_transition(
    *, actor: User, measurement: Measurement, name: str, comment: str = ""
) -> None:
    """The coordinator validates a measurement, or refuses it with a reason."""
    if name not in ("valider", "refuser"):
        raise DomainError(_("Cette étape n'existe pas."))
    workflow_apply(
        transitions=MEASUREMENT_TRANSITIONS,
        obj=measurement,
        name=name,
        actor=actor,
        comment=comment,
        history=measurement.transitions,
        audit_action=ExperimentsAuditAction.MEASUREMENT_TRANSITION,
    )


# --- Model sheets ---------------------------------------------------------------------------


def is_evaluated(evaluation: ExperimentEvaluation) -> bool:
    """An experiment is evaluated once a final measurement is validated."""
    return Measurement.objects.filter(
        indicator__evaluation=evaluation,
        round=MeasurementRound.FINAL,
        status=MeasurementStatus.VALIDATED,
    ).exists()


def _new_version(sheet: ModelSheet, *, actor, fields: dict) -> ModelSheetVersion:
    last = sheet.versions.aggregate(last=Max("number"))["last"] or 0
    version = ModelSheetVersion(sheet=sheet, number=last + 1, created_by=actor, **fields)
    version.full_clean(exclude=["sheet"], validate_constraints=False)
    version.save()
    return version


@transaction.atomic
def model_sheet_create(*, actor: User, evaluation: ExperimentEvaluation) -> ModelSheet:
    """From an evaluated experiment, draft its model sheet (version 1) from the
    experiment's description, its partners and the evaluation's validated figures."""
    _require_coordinator(actor)
    project = Project.objects.select_for_update().get(pk=evaluation.project_id)
    if ModelSheet.objects.filter(project=project).exists():
        raise DomainError(_("Cette expérimentation a déjà sa fiche de modélisation."))
    if not is_evaluated(evaluation):
        raise DomainError(
            _(
                "L'expérimentation n'est pas encore évaluée : il faut au moins une mesure "
                "du bilan final validée."
            )
        )
    sheet = ModelSheet.objects.create(project=project)
    _new_version(sheet, actor=actor, fields=sheets.draft_fields(evaluation))
    audit_log_record(actor=actor, action=ExperimentsAuditAction.SHEET_DRAFTED, target=sheet)
    return sheet


SHEET_FIELDS = frozenset({"title", "summary", *SHEET_TEXT_FIELDS})


@transaction.atomic
def model_sheet_update(*, actor: User, sheet: ModelSheet, fields: dict) -> ModelSheetVersion:
    """The coordinator edits the sheet: a new version (the previous ones are kept); an
    edit that changes nothing adds none."""
    _require_coordinator(actor)
    if set(fields) - SHEET_FIELDS:
        raise DomainError(_("Ces informations ne se modifient pas ici."))
    sheet = ModelSheet.objects.select_for_update().get(pk=sheet.pk)
    current = sheet.versions.first()
    merged = {name: getattr(current, name) for name in SHEET_FIELDS} | fields
    if all(getattr(current, name) == merged[name] for name in SHEET_FIELDS):
        return current
    version = _new_version(sheet, actor=actor, fields=merged)
    ModelSheet.objects.filter(pk=sheet.pk).update(updated_at=timezone.now())
    audit_log_record(
        actor=actor,
        action=ExperimentsAuditAction.SHEET_UPDATED,
        target=sheet,
        data={"version": version.number},
    )
    return version


def _budget_range(budget: int | None) -> str:
    if budget is None:
        return ""
    if budget == 0:
        return BudgetRange.NONE
    for limit, value in (
        (2000, BudgetRange.SMALL),
        (10000, BudgetRange.MEDIUM),
        (50000, BudgetRange.LARGE),
    ):
        if budget < limit:
            return value
    return BudgetRange.VERY_LARGE


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs (escaped): the practice's rich text fields."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>{}</p>".format(escape(block).replace("\n", "<br>")) for block in blocks if block
    )


def _practice_fields(sheet: ModelSheet, version: ModelSheetVersion) -> dict:
    project = sheet.project
    partnerships = project.partnerships.select_related("organization").order_by("pk")
    lead = partnerships.filter(role=PartnerRole.LEAD).first() or partnerships.first()
    organization = lead.organization if lead else None
    lessons = ""
    if version.figures.strip():
        lessons += "<h3>{}</h3>{}".format(
            escape(_("Résultats de l'évaluation")), _paragraphs(version.figures)
        )
    if version.pitfalls.strip():
        lessons += "<h3>{}</h3>{}".format(
            escape(_("Écueils à éviter")), _paragraphs(version.pitfalls)
        )
    what = _paragraphs(version.steps)
    if version.resources.strip():
        what += "<h3>{}</h3>{}".format(escape(_("Moyens")), _paragraphs(version.resources))
    return {
        "title": version.title,
        "summary": version.summary,
        "context": _paragraphs(version.objectives),
        "what_was_done": what,
        "partners": version.partners,
        "duration": version.duration,
        "budget_range": _budget_range(version.budget),
        "replication": _paragraphs(version.conditions),
        "lessons": lessons,
        "project": project,
        "organization": organization,
        "sector": organization.sector if organization else Sector.CULTURE,
    }


def _m2m(project: Project) -> dict:
    return {
        "communes": list(project.communes.all()),
        "age_groups": list(project.age_groups.all()),
        "disciplines": list(project.disciplines.all()),
        "themes": list(project.themes.all()),
    }


@transaction.atomic
def model_sheet_publish(*, actor: User, sheet: ModelSheet) -> Practice:
    """Publish the sheet's latest version as the experiment's good practice: create it
    the first time, update it afterwards (one practice per experiment), and publish it
    again if it was withdrawn. The sheet remembers which version the practice shows."""
    _require_coordinator(actor)
    sheet = ModelSheet.objects.select_for_update().select_related("project").get(pk=sheet.pk)
    version = sheet.versions.first()
    fields = _practice_fields(sheet, version)
    practice = sheet.practice
    if practice is None:
        # The one practice of the experiment, even one written by hand before the sheet.
        practice = Practice.objects.filter(project=sheet.project).order_by("pk").first()
        if practice is not None and hasattr(practice, "model_sheet"):
            practice = None
    if practice is None:
        practice = practice_services.practice_create(
            actor=actor, person=None, fields=fields, m2m=_m2m(sheet.project), images=()
        )
    else:
        fields.pop("sector", None)
        practice = practice_services.practice_update(
            practice=practice, actor=actor, fields=fields, m2m=_m2m(sheet.project), images=()
        )
    if practice.status in (PracticeStatus.DRAFT, PracticeStatus.CHANGES_REQUESTED):
        # The coordination writes the sheet: its proposal is a formality, told to nobody.
        workflow_apply(
            transitions=PRACTICE_TRANSITIONS,
            obj=practice,
            name="proposer",
            actor=actor,
            history=practice.transitions,
            audit_action=ProjectsAuditAction.PRACTICE_TRANSITION,
        )
    if practice.status != PracticeStatus.PUBLISHED:
        practice_services.practice_transition(practice=practice, name="publier", actor=actor)
    now = timezone.now()
    ModelSheet.objects.filter(pk=sheet.pk).update(
        practice=practice, published_version=version.number, published_at=now, updated_at=now
    )
    sheet.practice, sheet.published_version, sheet.published_at = practice, version.number, now
    audit_log_record(
        actor=actor,
        action=ExperimentsAuditAction.SHEET_PUBLISHED,
        target=sheet,
        data={"version": version.number, "practice": practice.pk},
    )
    return practice
