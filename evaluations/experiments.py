"""Reads of an experiment's evaluation: its grid with the measurements of each round and
the progress against targets. A fixed number of queries whatever the number of
indicators and measurements (three: the indicators, the measurements with who entered
them, the reasons of refusals)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .enums import MeasurementRound, MeasurementStatus
from .models import ExperimentEvaluation, Indicator, Measurement, MeasurementTransition

ROUNDS = tuple(MeasurementRound)


@dataclass
class IndicatorProgress:
    indicator: Indicator
    cells: list  # one per round: the Measurement or None
    baseline: Decimal | None = None  # the validated baseline value
    latest: Decimal | None = None  # the latest validated value
    chart: dict = field(default_factory=dict)  # _evolution_chart.html

    @property
    def reached(self) -> int | None:
        """Percentage of the target reached by the latest validated value."""
        target = self.indicator.target
        if not target or self.latest is None:
            return None
        return round(100 * self.latest / target)


@dataclass
class EvaluationProgress:
    evaluation: ExperimentEvaluation
    indicators: list[IndicatorProgress]

    @property
    def numeric(self) -> list[IndicatorProgress]:
        return [p for p in self.indicators if p.indicator.is_numeric]

    @property
    def texts(self) -> list[IndicatorProgress]:
        return [p for p in self.indicators if not p.indicator.is_numeric]

    @property
    def pending(self) -> list[Measurement]:
        return [
            cell
            for p in self.indicators
            for cell in p.cells
            if cell is not None and cell.status == MeasurementStatus.ENTERED
        ]

    @property
    def targets_chart(self) -> list[dict]:
        """One bar per indicator with a target: the share of it reached (bars capped)."""
        rows = [p for p in self.numeric if p.reached is not None]
        return [
            {"object": p.indicator.label, "total": f"{p.reached} %", "percent": min(p.reached, 100)}
            for p in rows
        ]


def _number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}".replace(".", ",")


def evaluation_progress(evaluation: ExperimentEvaluation) -> EvaluationProgress:
    indicators = list(evaluation.indicators.all())
    measurements = Measurement.objects.filter(indicator__evaluation=evaluation).select_related(
        "entered_by"
    )
    by_key = {(m.indicator_id, m.round): m for m in measurements}
    # Why a measurement was refused: the comment of its latest refusal (one query).
    refusals = MeasurementTransition.objects.filter(
        measurement__indicator__evaluation=evaluation, to_status=MeasurementStatus.REFUSED
    ).order_by("created_at", "pk")
    reasons = dict(refusals.values_list("measurement_id", "comment"))
    for measurement in by_key.values():
        measurement.refusal = (
            reasons.get(measurement.pk, "")
            if measurement.status == MeasurementStatus.REFUSED
            else ""
        )
    progress = []
    for indicator in indicators:
        cells = [by_key.get((indicator.pk, round_)) for round_ in ROUNDS]
        validated = [
            c.value
            for c in cells
            if c is not None and c.status == MeasurementStatus.VALIDATED and c.value is not None
        ]
        baseline_cell = cells[0]
        item = IndicatorProgress(
            indicator=indicator,
            cells=cells,
            baseline=baseline_cell.value
            if baseline_cell is not None and baseline_cell.status == MeasurementStatus.VALIDATED
            else None,
            latest=validated[-1] if validated else None,
        )
        if indicator.is_numeric:
            item.chart = _chart(indicator, cells)
        progress.append(item)
    return EvaluationProgress(evaluation=evaluation, indicators=progress)


def _chart(indicator: Indicator, cells) -> dict:
    """The evolution chart of one indicator: a bar per round (validated values), the
    target as a line; `rows` say the same in text."""
    values = [
        (
            round_.label,
            c.value if c is not None and c.status == MeasurementStatus.VALIDATED else None,
        )
        for round_, c in zip(ROUNDS, cells, strict=True)
    ]
    target = indicator.target
    largest = max([v for _label, v in values if v is not None] + [target or 0], default=0)

    def height(value) -> float:
        return round(float(90 * value / largest), 1) if value and largest else 0

    bars = [
        {"x": 14 + 38 * index, "height": height(value), "y": 100 - height(value)}
        for index, (_label, value) in enumerate(values)
    ]
    rows = [{"object": label, "total": _number(value)} for label, value in values]
    rows.append({"object": _("Objectif"), "total": _number(target)})
    return {
        "bars": bars,
        "target_y": 100 - height(target) if target else None,
        "rows": rows,
    }
