"""Results of a survey: counts, averages and distributions per question, free answers.

A fixed number of queries whatever the number of questions and responses: the figures
are GROUP BY queries; free answers are read in one query.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q

from consortium.core.crosstab import _percent

from .enums import QuestionKind
from .models import Answer, Invitation, Question, Survey

SCALE_VALUES = (1, 2, 3, 4, 5)


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    average: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    distribution: list[dict] = field(default_factory=list)  # bar_chart rows
    texts: list[str] = field(default_factory=list)

    def share(self, total: int) -> int | None:
        return round(100 * self.respondents / total) if total else None


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    invited: int
    completed: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> int | None:
        """Percentage of the people invited who answered (None when nobody was)."""
        return round(100 * self.completed / self.invited) if self.invited else None

    @property
    def scale_results(self) -> list[QuestionResult]:
        return [r for r in self.questions if r.question.kind == QuestionKind.SCALE]


def _bars(counts: dict, labels: list) -> list[dict]:
    largest = max(counts.values(), default=0)
    total = sum(counts.values())
    return [
        {
            "object": label,
            "total": counts.get(key, 0),
            "percent": _percent(counts.get(key, 0), largest),
            "share": round(100 * counts.get(key, 0) / total) if total else 0,
        }
        for key, label in labels
    ]


def survey_results(survey: Survey, *, with_texts: bool = True) -> SurveyResults:
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(question__survey=survey).order_by()
    per_question = {
        row["question"]: row
        for row in answers.values("question").annotate(
            respondents=Count("response", distinct=True),
            average=Avg("number"),
            minimum=Min("number"),
            maximum=Max("number"),
        )
    }
    counted = {}
    for row in (
        answers.filter(question__kind__in=[QuestionKind.SCALE, *QuestionKind.with_choices()])
        .values("question", "choice", "number")
        .annotate(total=Count("pk"))
    ):
        key = row["choice"] or (int(row["number"]) if row["number"] is not None else None)
        counted.setdefault(row["question"], {})[key] = row["total"]
    texts = {}
    if with_texts:
        for question_id, text in (
            answers.filter(question__kind__in=QuestionKind.free_text())
            .exclude(text="")
            .order_by("question", "pk")
            .values_list("question", "text")
        ):
            texts.setdefault(question_id, []).append(text)
    figures = Invitation.objects.filter(survey=survey).aggregate(
        invited=Count("pk"), completed=Count("pk", filter=Q(completed=True))
    )
    results = []
    for question in questions:
        row = per_question.get(question.pk, {})
        result = QuestionResult(
            question=question,
            respondents=row.get("respondents", 0),
            texts=texts.get(question.pk, []),
        )
        if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            result.average = _rounded(row.get("average"))
            result.minimum = _rounded(row.get("minimum"))
            result.maximum = _rounded(row.get("maximum"))
        if question.kind == QuestionKind.SCALE:
            result.distribution = _bars(
                counted.get(question.pk, {}), [(v, str(v)) for v in SCALE_VALUES]
            )
        elif question.has_choices:
            result.distribution = _bars(
                counted.get(question.pk, {}), [(c, c) for c in question.choices]
            )
        results.append(result)
    return SurveyResults(
        survey=survey,
        responses=survey.responses.count(),
        invited=figures["invited"],
        completed=figures["completed"],
        questions=results,
    )


def _rounded(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"))
