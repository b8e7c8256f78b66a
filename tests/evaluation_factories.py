"""Factories and helpers of the evaluations app: surveys, personal links, responses."""

from datetime import timedelta

import factory
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory, in_days
from member_factories import PersonFactory
from project_factories import ProjectFactory

from evaluations import defaults
from evaluations.enums import QuestionKind, SurveyKind
from evaluations.models import Invitation, Question, Survey, new_token, token_digest
from evaluations.services import invitation_submit

# The required answers of the default satisfaction survey, by question label.
FULL_ANSWERS = {
    spec["label"]: (5 if spec["kind"] == QuestionKind.SCALE else "Adaptée")
    for spec in defaults.SATISFACTION_QUESTIONS
    if spec["required"]
}


def past_training(*, days_ago: float = 2, **fields):
    """A published training whose only session ended `days_ago` days ago (16:30); it has
    its default satisfaction survey (created when the training was saved)."""
    start = in_days(-days_ago, 9, 30)
    return EventFactory(training=True, sessions=[(start, start + timedelta(hours=7))], **fields)


def satisfaction_survey(event=None) -> Survey:
    event = event or past_training()
    return Survey.objects.get(event=event, kind=SurveyKind.SATISFACTION)


def attendee(event, *, present: bool = True, **person_fields):
    """A person registered (confirmed) at `event`, marked present (or absent) at its first
    session."""
    registration = RegistrationFactory(event=event, person=PersonFactory(**person_fields))
    AttendanceFactory(registration=registration, present=present)
    return registration.person


class ExperimentSurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    kind = SurveyKind.BEFORE
    title = factory.Sequence(lambda n: f"Questionnaire avant expérimentation {n}")
    project = factory.SubFactory(
        ProjectFactory, is_experiment=True, hypothesis="Lire tôt aide le lien parent-enfant."
    )


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(ExperimentSurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.SCALE
    label = factory.Sequence(lambda n: f"Question {n}")
    required = True


def invitation_for(survey: Survey, person=None) -> tuple[Invitation, str]:
    """A personal link to `survey` (for a new person by default): the row and its token."""
    token = new_token()
    invitation = Invitation.objects.create(
        survey=survey, person=person or PersonFactory(), token_hash=token_digest(token)
    )
    return invitation, token


def respond(survey: Survey, answers: dict) -> None:
    """One submitted response; `answers`: {question: value} (labels or Question objects)."""
    questions = {q.label: q for q in survey.questions.all()}
    values = {}
    for key, value in answers.items():
        question = key if isinstance(key, Question) else questions[key]
        values[question.pk] = value
    invitation, _token = invitation_for(survey)
    invitation_submit(invitation=invitation, answers=values)


# --- Evaluation of experiments ----------------------------------------------------------------


def experiment(*, partner=None, **fields):
    """An experiment (its evaluation and default grid come with it), with `partner` (an
    Organization) as its lead partner."""
    from project_factories import ProjectPartnerFactory

    from projects.enums import PartnerRole

    project = ProjectFactory(
        is_experiment=True, hypothesis="Chanter avec les bébés renforce le lien.", **fields
    )
    if partner is not None:
        ProjectPartnerFactory(project=project, organization=partner, role=PartnerRole.LEAD)
    return project.evaluation


def measured(
    evaluation,
    *,
    actor,
    coordinator,
    rounds=("initial", "mi-parcours", "final"),
    validate=True,
    base=10,
):
    """Enter (and validate) a value for every numeric indicator and the observations, at
    each round."""
    from evaluations import services_experiments as services

    for step, round_ in enumerate(rounds):
        values = {}
        for indicator in evaluation.indicators.all():
            if indicator.kind == "texte":
                values[indicator.pk] = f"Observations {round_}"
            elif indicator.kind == "echelle":
                values[indicator.pk] = str(min(5, 3 + step))
            else:
                values[indicator.pk] = str(base + 5 * step)
        saved = services.measurements_record(
            actor=actor, evaluation=evaluation, round=round_, values=values
        )
        if validate:
            for measurement in saved:
                services.measurement_transition(
                    actor=coordinator, measurement=measurement, name="valider"
                )
    return evaluation
