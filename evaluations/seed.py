"""Demo surveys: the satisfaction survey of every past training, with its invitations and
plausible anonymous answers (about two people present in three answer).

Deterministic (a fixed random seed), idempotent (a training whose survey already has
invitations is left as it is) and scale-aware (it follows the trainings the events seed
made). Rows are created directly, in bulk: the seed sends no e-mail.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from events.enums import EventKind, EventStatus

from . import defaults
from .enums import QuestionKind, SurveyKind
from .models import Answer, Invitation, Question, Response, Survey, new_token, token_digest
from .services import attendees

ANSWER_RATE = 0.65
# Satisfaction leans positive, as it does in real training evaluations.
SCALE_WEIGHTS = (2, 4, 14, 40, 40)
DURATION_WEIGHTS = (22, 70, 8)
LIKED = [
    "Les temps de pratique avec l'artiste, très concrets.",
    "Les échanges entre professionnel·les de la culture et de la petite enfance.",
    "Les exemples de comptines et d'albums à reprendre dès demain en crèche.",
    "La bienveillance de l'intervenante et le rythme de la journée.",
    "Découvrir des structures du territoire avec qui travailler.",
    "Les vidéos d'ateliers menés en relais petite enfance.",
]
IMPROVE = [
    "Un peu plus de temps pour la pratique, un peu moins de théorie.",
    "Une bibliographie à emporter serait utile.",
    "Prévoir une deuxième journée pour approfondir l'accueil des parents.",
    "Une formation sur la danse avec les bébés, s'il vous plaît.",
    "Le lieu était difficile d'accès sans voiture.",
]


def seed_surveys(*, scale: int, log) -> None:
    rng = random.Random(11)
    now = timezone.now()
    surveyed = 0
    for event in _past_trainings(now):
        survey = _survey(event)
        if survey.invitations.exists():
            continue
        survey.closes_at = event.last_end + timedelta(days=31)
        survey.save(update_fields=["closes_at", "updated_at"])
        _answers(rng, survey, list(attendees(event)), now)
        surveyed += 1
    log(f"evaluations: {surveyed} questionnaires de satisfaction remplis")


def _past_trainings(now):
    from events.models import Event

    return (
        Event.objects.filter(kind=EventKind.TRAINING, status=EventStatus.PUBLISHED)
        .with_dates()
        .filter(last_end__lt=now - timedelta(days=1))
        .order_by("pk")
    )


def _survey(event) -> Survey:
    survey = Survey.objects.filter(event=event, kind=SurveyKind.SATISFACTION).first()
    if survey is not None:
        return survey
    survey = Survey.objects.create(
        kind=SurveyKind.SATISFACTION,
        title=defaults.SATISFACTION_TITLE.format(title=event.title)[:200],
        introduction=defaults.SATISFACTION_INTRODUCTION,
        event=event,
    )
    Question.objects.bulk_create(
        Question(
            survey=survey,
            position=position,
            kind=spec["kind"],
            label=spec["label"],
            help_text=spec.get("help_text", ""),
            required=spec["required"],
            choices=spec.get("choices", []),
        )
        for position, spec in enumerate(defaults.SATISFACTION_QUESTIONS, start=1)
    )
    return survey


def _answers(rng, survey, people, now) -> None:
    questions = list(survey.questions.all())
    invitations, responses, plans = [], [], []
    day = min(
        timezone.localdate(survey.event.last_end) + timedelta(days=2), timezone.localdate(now)
    )
    for person in people:
        answered = rng.random() < ANSWER_RATE
        invitations.append(
            Invitation(
                survey=survey,
                person=person,
                token_hash=token_digest(new_token()),
                completed=answered,
                created_at=survey.event.last_end + timedelta(hours=17),
            )
        )
        if answered:
            responses.append(Response(survey=survey, submitted_on=day))
            plans.append(_values(rng, questions))
    Invitation.objects.bulk_create(invitations)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        answer
        for response, values in zip(responses, plans, strict=True)
        for answer in _rows(response, values)
    )


def _values(rng, questions) -> list[tuple[Question, object]]:
    mood = rng.choices(range(1, 6), weights=SCALE_WEIGHTS)[0]
    values = []
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            values.append((question, max(1, min(5, mood + rng.choice((-1, 0, 0, 0, 1))))))
        elif question.kind == QuestionKind.SINGLE:
            values.append((question, rng.choices(question.choices, weights=DURATION_WEIGHTS)[0]))
        elif question.kind == QuestionKind.MULTIPLE:
            values.append((question, rng.sample(question.choices, rng.randint(0, 3))))
        elif question.kind == QuestionKind.LONG_TEXT and rng.random() < 0.4:
            pool = LIKED if question.position < len(questions) else IMPROVE
            values.append((question, rng.choice(pool)))
    return values


def _rows(response, values):
    for question, value in values:
        if question.kind == QuestionKind.MULTIPLE:
            yield from (Answer(response=response, question=question, choice=c) for c in value)
        elif question.kind == QuestionKind.SINGLE:
            yield Answer(response=response, question=question, choice=value)
        elif question.kind == QuestionKind.SCALE:
            yield Answer(response=response, question=question, number=Decimal(value))
        else:
            yield Answer(response=response, question=question, text=value)


# --- One activity report (issue 11, item 6) -------------------------------------------------


def seed_report(*, log) -> None:
    """The activity report of the current year, generated once, synchronously.

    seed_demo runs each app's seed in a transaction: the report row is made there, and
    rendered once that transaction has committed (transaction.on_commit), outside any
    write transaction, as the task does. Run again, the seed leaves a ready report alone
    and renders one left requested.
    """
    from django.db import transaction

    from consortium.core.models import User

    from .enums import ReportStatus
    from .figures import Period
    from .models import ActivityReport
    from .reports import report_generate

    period = Period.current_year()
    existing = (
        ActivityReport.objects.filter(period_start=period.start, period_end=period.end)
        .order_by("-pk")
        .first()
    )
    if existing is not None and existing.status == ReportStatus.READY:
        return
    # One still "requested" (its rendering did not run: the seed's transaction rolled back
    # in a test, or the process stopped) is rendered now rather than asked for again.
    report = (
        existing if existing is not None and existing.status == ReportStatus.REQUESTED else None
    )
    report = report or ActivityReport.objects.create(
        period_start=period.start,
        period_end=period.end,
        requested_by=User.objects.filter(email="coordination@demo.consortium95.fr").first(),
    )

    def generate():
        done = report_generate(report_id=report.pk)
        log(f"evaluations: rapport d'activité {period.start.year} ({done.get_status_display()})")

    transaction.on_commit(generate)


def seed(*, scale: int, log) -> None:
    """The evaluations of the demo: surveys and their answers, the experiments'
    evaluations and model sheets (evaluations.seed_experiments), then one report."""
    from .seed_experiments import seed as experiments_seed

    seed_surveys(scale=scale, log=log)
    experiments_seed(scale=scale, log=log)
    seed_report(log=log)
