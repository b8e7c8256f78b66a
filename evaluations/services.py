"""Writes of the evaluations app: surveys and their questions, invitations, answers."""

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.outbox import outbox_enqueue
from consortium.core.services import audit_log_record
from events.enums import EventKind, EventStatus, RegistrationStatus
from events.models import Event
from members.models import Person
from projects.models import Project

from . import defaults
from .enums import EvaluationsAuditAction, QuestionKind, SurveyKind
from .models import Answer, Invitation, Question, Response, Survey, new_token, token_digest
from .rules import can_answer, can_manage_surveys, questions_editable

INVITATION_TEMPLATE = "participant_survey_invitation"
SCALE = range(1, 6)


def _require_manager(actor: User | None) -> None:
    if not can_manage_surveys(actor):
        raise PermissionRefused(_("Seule la coordination gère les questionnaires."))


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


# --- Surveys ---------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor: User,
    kind: str,
    title: str,
    event: Event | None = None,
    project: Project | None = None,
    introduction: str = "",
    closes_at: datetime | None = None,
    default_questions: bool = False,
) -> Survey:
    """The coordinator creates a survey: satisfaction for an event, before / after for an
    experiment; `default_questions`: start from the default satisfaction questions."""
    _require_manager(actor)
    return _create(
        actor=actor,
        kind=kind,
        title=title,
        event=event,
        project=project,
        introduction=introduction,
        closes_at=closes_at,
        default_questions=default_questions,
    )


def _create(*, actor, kind, title, event, project, introduction, closes_at, default_questions):
    if kind == SurveyKind.SATISFACTION:
        if event is None or project is not None:
            raise DomainError(_("Un questionnaire de satisfaction porte sur une rencontre."))
        if Survey.objects.filter(event=event, kind=kind).exists():
            raise DomainError(_("Cette rencontre a déjà son questionnaire de satisfaction."))
    else:
        if project is None or event is not None or not project.is_experiment:
            raise DomainError(_("Un questionnaire avant / après porte sur une expérimentation."))
        if Survey.objects.filter(project=project, kind=kind).exists():
            raise DomainError(_("Cette expérimentation a déjà ce questionnaire."))
    survey = Survey(
        kind=kind,
        title=title,
        event=event,
        project=project,
        introduction=introduction,
        closes_at=closes_at,
        created_by=actor,
    )
    survey.full_clean(validate_constraints=False)
    survey.save()
    if default_questions:
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
    audit_log_record(actor=actor, action=EvaluationsAuditAction.SURVEY_CREATED, target=survey)
    return survey


@transaction.atomic
def satisfaction_survey_ensure(*, event: Event, actor: User | None = None) -> Survey:
    """A training's satisfaction survey, created with the default questions if it has none
    yet (when the training is saved, and again by the invitation sweep)."""
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one creator at a time
    survey = Survey.objects.filter(event=event, kind=SurveyKind.SATISFACTION).first()
    if survey is not None:
        return survey
    return _create(
        actor=actor,
        kind=SurveyKind.SATISFACTION,
        title=defaults.SATISFACTION_TITLE.format(title=event.title)[:200],
        event=event,
        project=None,
        introduction=defaults.SATISFACTION_INTRODUCTION,
        closes_at=None,
        default_questions=True,
    )


SURVEY_FIELDS = frozenset({"title", "introduction", "closes_at"})


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, fields: dict) -> Survey:
    """The coordinator renames a survey, changes its introduction or its closing date
    (allowed after the first answers: nothing they mean changes)."""
    _require_manager(actor)
    unknown = set(fields) - SURVEY_FIELDS
    if unknown:
        raise DomainError(_("Ces informations ne se modifient pas ici."))
    survey = _locked(survey)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean(validate_constraints=False)
    survey.save()
    audit_log_record(actor=actor, action=EvaluationsAuditAction.SURVEY_UPDATED, target=survey)
    return survey


# --- Questions -------------------------------------------------------------------------


def _require_editable(survey: Survey) -> None:
    if not questions_editable(survey, has_responses=survey.responses.exists()):
        raise DomainError(
            _(
                "Des personnes ont déjà répondu : les questions ne peuvent plus changer, "
                "sans quoi leurs réponses perdraient leur sens."
            )
        )


def _clean_choices(kind: str, choices) -> list[str]:
    if kind not in QuestionKind.with_choices():
        return []
    cleaned = [str(choice).strip() for choice in choices or [] if str(choice).strip()]
    if len(cleaned) < 2:
        raise ValidationError({"choices": _("Donnez au moins deux options, une par ligne.")})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"choices": _("Chaque option ne doit figurer qu'une fois.")})
    if any(len(choice) > 200 for choice in cleaned):
        raise ValidationError({"choices": _("Une option compte au plus 200 caractères.")})
    return cleaned


QUESTION_FIELDS = ("kind", "label", "help_text", "required", "choices")


@transaction.atomic
def question_save(
    *, actor: User, survey: Survey, fields: dict, question: Question | None = None
) -> Question:
    """Add a question at the end, or change one, while nobody has answered."""
    _require_manager(actor)
    survey = _locked(survey)
    _require_editable(survey)
    if question is None:
        last = survey.questions.aggregate(last=Max("position"))["last"] or 0
        question = Question(survey=survey, position=last + 1)
    elif question.survey_id != survey.pk:
        raise DomainError(_("Cette question n'appartient pas à ce questionnaire."))
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    question.choices = _clean_choices(question.kind, question.choices)
    question.full_clean()
    question.save()
    audit_log_record(actor=actor, action=EvaluationsAuditAction.QUESTION_SAVED, target=survey)
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    _require_manager(actor)
    survey = _locked(question.survey)
    _require_editable(survey)
    question.delete()
    audit_log_record(actor=actor, action=EvaluationsAuditAction.QUESTION_DELETED, target=survey)


@transaction.atomic
def question_move(*, actor: User, question: Question, up: bool) -> None:
    """Swap a question with the one above (or below) it."""
    _require_manager(actor)
    survey = _locked(question.survey)
    _require_editable(survey)
    questions = list(survey.questions.all())
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions, start=1):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])
    audit_log_record(actor=actor, action=EvaluationsAuditAction.QUESTION_MOVED, target=survey)


# --- Answers ---------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _checked(question: Question, value):
    """The value of an answer, checked against its question (JSON-ready), or raise."""
    error = ValidationError({question.field_name: _("Cette réponse n'est pas valide.")})
    if question.kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise error from None
        if number not in SCALE:
            raise error
        return number
    if question.kind == QuestionKind.SINGLE:
        if value not in question.choices:
            raise error
        return value
    if question.kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else list(value)
        if any(item not in question.choices for item in values):
            raise error
        return [choice for choice in question.choices if choice in values]  # options' order
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise error from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise error
        return str(number.quantize(Decimal("0.01")).normalize())
    text = str(value).strip()
    limit = 300 if question.kind == QuestionKind.SHORT_TEXT else 5000
    if len(text) > limit:
        raise error
    return text


def _checked_answers(questions, answers: dict, *, complete: bool) -> dict[str, object]:
    """{str(question pk): value} of the non-empty answers; `complete`: required ones too."""
    checked, errors = {}, {}
    for question in questions:
        value = answers.get(question.pk, answers.get(str(question.pk)))
        if _empty(value):
            if complete and question.required:
                errors[question.field_name] = _("Répondez à cette question.")
            continue
        try:
            checked[str(question.pk)] = _checked(question, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return checked


def _locked_invitation(invitation: Invitation, now) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    )
    if invitation.completed:
        raise DomainError(_("Vous avez déjà répondu à ce questionnaire : merci !"))
    if not can_answer(invitation, now):
        raise DomainError(_("Ce questionnaire est clos : il n'accepte plus de réponse."))
    return invitation


@transaction.atomic
def invitation_draft_save(*, invitation: Invitation, answers: dict) -> Invitation:
    """Keep the answers given so far, to come back later (until the survey is sent)."""
    now = timezone.now()
    invitation = _locked_invitation(invitation, now)
    questions = list(invitation.survey.questions.all())
    invitation.draft = _checked_answers(questions, answers, complete=False)
    invitation.draft_saved_at = now
    invitation.save(update_fields=["draft", "draft_saved_at"])
    return invitation


@transaction.atomic
def invitation_submit(*, invitation: Invitation, answers: dict) -> Response:
    """Send the answers: they become an anonymous Response, the link stops working."""
    now = timezone.now()
    invitation = _locked_invitation(invitation, now)
    survey = invitation.survey
    questions = list(survey.questions.all())
    checked = _checked_answers(questions, answers, complete=True)
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate(now))
    rows = []
    for question in questions:
        value = checked.get(str(question.pk))
        if value is None:
            continue
        rows.extend(_answer_rows(response, question, value))
    Answer.objects.bulk_create(rows)
    invitation.completed = True
    invitation.draft = {}
    invitation.draft_saved_at = None
    invitation.save(update_fields=["completed", "draft", "draft_saved_at"])
    return response


def _answer_rows(response: Response, question: Question, value) -> list[Answer]:
    if question.kind == QuestionKind.MULTIPLE:
        return [Answer(response=response, question=question, choice=item) for item in value]
    if question.kind == QuestionKind.SINGLE:
        return [Answer(response=response, question=question, choice=value)]
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        return [Answer(response=response, question=question, number=Decimal(str(value)))]
    return [Answer(response=response, question=question, text=value)]


# --- Invitations -----------------------------------------------------------------------


def _invite(survey: Survey, person: Person, *, now) -> Invitation | None:
    """One invitation and its e-mail, in one transaction; None if already invited."""
    try:
        return _invite_once(survey, person, now=now)
    except IntegrityError:  # another sweep invited them meanwhile (unique survey, person)
        return None


def _invite_once(survey: Survey, person: Person, *, now) -> Invitation | None:
    with transaction.atomic():
        if Invitation.objects.filter(survey=survey, person=person).exists():
            return None
        token = new_token()
        invitation = Invitation.objects.create(
            survey=survey, person=person, token_hash=token_digest(token), created_at=now
        )
        outbox_enqueue(
            template=INVITATION_TEMPLATE,
            recipient=person.user,
            context={
                "survey": survey,
                "event": survey.event,
                "project": survey.project,
                "path": f"/questionnaires/{token}/",
            },
            target=invitation,
            kind=INVITATION_TEMPLATE,
        )
        return invitation


def _open_until(survey: Survey, now) -> None:
    """A survey without a closing date closes SURVEY_OPEN_DAYS after its invitations."""
    if survey.closes_at is None:
        survey.closes_at = now + timedelta(days=settings.SURVEY_OPEN_DAYS)
        survey.save(update_fields=["closes_at", "updated_at"])


@transaction.atomic
def survey_invite(*, actor: User, survey: Survey, people) -> int:
    """The coordinator invites people (e.g. an experiment's partners) to answer; each
    person once, whatever how many times this runs."""
    _require_manager(actor)
    now = timezone.now()
    survey = _locked(survey)
    if not survey.is_open(now):
        raise DomainError(_("Ce questionnaire est clos : repoussez d'abord sa date de clôture."))
    if not survey.questions.exists():
        raise DomainError(_("Ajoutez d'abord des questions au questionnaire."))
    _open_until(survey, now)
    sent = sum(_invite(survey, person, now=now) is not None for person in people)
    audit_log_record(
        actor=actor,
        action=EvaluationsAuditAction.INVITATIONS_SENT,
        target=survey,
        data={"count": sent},
    )
    return sent


def invitation_due_at(last_end: datetime) -> datetime:
    """J+1: the day after the training's last session, from SURVEY_INVITATION_HOUR (Paris)."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(last_end, zone).date() + timedelta(days=1)
    return datetime.combine(day, time(settings.SURVEY_INVITATION_HOUR), tzinfo=zone)


def attendees(event: Event):
    """Who gets the satisfaction survey: people confirmed and marked present at one
    session at least, who have not opted out of the network's e-mails about events."""
    from events.models import Attendance

    present = Attendance.objects.filter(
        registration__person=OuterRef("pk"),
        registration__event=event,
        registration__status=RegistrationStatus.CONFIRMED,
        present=True,
    )
    return (
        Person.objects.filter(Exists(present))
        .filter(wants_reminders=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def invitations_sweep(*, now=None) -> int:
    """Beat (hourly): at J+1, invite each person present at a training to its
    satisfaction survey. Each (survey, person) once: the invitation row is unique, and
    its e-mail is keyed on it in the outbox. A beat that missed a day catches up within
    SURVEY_INVITATION_CATCH_UP_DAYS, never later."""
    now = now or timezone.now()
    oldest = now - timedelta(days=settings.SURVEY_INVITATION_CATCH_UP_DAYS + 1)
    trainings = (
        Event.objects.filter(kind=EventKind.TRAINING, status=EventStatus.PUBLISHED)
        .with_dates()
        .filter(last_end__lte=now, last_end__gte=oldest)
        .order_by("pk")
    )
    sent = 0
    for event in trainings:
        due = invitation_due_at(event.last_end)
        if not due <= now < due + timedelta(days=settings.SURVEY_INVITATION_CATCH_UP_DAYS):
            continue
        survey = satisfaction_survey_ensure(event=event)
        if not survey.is_open(now) or not survey.questions.exists():
            continue
        invited = Invitation.objects.filter(survey=survey, person=OuterRef("pk"))
        people = list(attendees(event).exclude(Exists(invited)))
        if not people:
            continue
        with transaction.atomic():
            survey = _locked(survey)
            _open_until(survey, now)
        for person in people:
            sent += _invite(survey, person, now=now) is not None
    return sent


def invitations_anonymise_old(*, now=None) -> int:
    """Retention (daily): once a survey has been closed for SURVEY_INVITATION_RETENTION_DAYS,
    its invitations forget the person, the token and any draft; they stay, anonymous,
    for the response rate."""
    limit = (now or timezone.now()) - timedelta(days=settings.SURVEY_INVITATION_RETENTION_DAYS)
    closed = Survey.objects.filter(closes_at__lt=limit).values("pk")
    return (
        Invitation.objects.filter(survey__in=closed)
        .filter(Q(person__isnull=False) | Q(token_hash__isnull=False))
        .update(person=None, token_hash=None, draft={}, draft_saved_at=None)
    )
