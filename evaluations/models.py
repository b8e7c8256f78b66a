"""Surveys: typed questions, personal invitations (token links) and anonymous responses.

A response is never linked to a person. While someone fills a survey in, their draft
lives on their Invitation (the personal link); on submission the answers are copied into
a Response that points to the survey only, the draft is emptied and the invitation is
only marked completed (no date): who answered what cannot be read back by anyone, the
way LimeSurvey's "anonymized responses" and KoboToolbox's anonymous submissions work.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.core.models import TimeStampedModel
from consortium.core.validators import reject_bidi_controls
from events.models import Event
from members.models import Person
from projects.models import Practice, Project, TransitionRecord

from .enums import (
    IndicatorKind,
    MeasurementRound,
    MeasurementStatus,
    QuestionKind,
    ReportStatus,
    SurveyKind,
)
from .querysets import (
    ExperimentEvaluationQuerySet,
    InvitationQuerySet,
    MeasurementQuerySet,
    ModelSheetQuerySet,
    SurveyQuerySet,
)


class Survey(TimeStampedModel):
    """A questionnaire about an event (satisfaction) or an experiment (before / after)."""

    kind = models.CharField(_("type"), max_length=20, choices=SurveyKind.choices)
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    introduction = models.TextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("Affichée en haut du questionnaire."),
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("rencontre"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("expérimentation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    closes_at = models.DateTimeField(
        _("date de clôture"),
        null=True,
        blank=True,
        help_text=_(
            "Après cette date, le questionnaire n'accepte plus de réponse. Sans date, il "
            "ferme 30 jours après l'envoi des invitations."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SurveyKind.SATISFACTION, event__isnull=False, project__isnull=True)
                | Q(
                    kind__in=[SurveyKind.BEFORE, SurveyKind.AFTER],
                    project__isnull=False,
                    event__isnull=True,
                ),
                name="evaluations_survey_about_an_event_or_an_experiment",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(kind=SurveyKind.SATISFACTION),
                name="evaluations_one_satisfaction_survey_per_event",
            ),
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(project__isnull=False),
                name="evaluations_one_survey_per_experiment_and_moment",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evaluations:results", kwargs={"pk": self.pk})

    @property
    def subject(self):
        """What the survey is about: its event or its experiment."""
        return self.event if self.event_id else self.project

    def is_open(self, now=None) -> bool:
        return self.closes_at is None or (now or timezone.now()) < self.closes_at


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("type de question"), max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300, validators=[reject_bidi_controls])
    help_text = models.CharField(
        _("aide"), max_length=300, blank=True, validators=[reject_bidi_controls]
    )
    required = models.BooleanField(_("réponse obligatoire"), default=True)
    # The options of a single or multiple choice question, in order.
    choices = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in QuestionKind.with_choices()

    @property
    def is_free_text(self) -> bool:
        return self.kind in QuestionKind.free_text()

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256. The token itself is only in the e-mail."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A person's single-use link to a survey, with their draft until they submit.

    `person` is kept only while it is needed (not to invite them twice, until the survey
    is closed and the retention period is over: evaluations.privacy); the row then stays,
    anonymous, for the response rate.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    # NULL once forgotten (retention): unique among the links still in use.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed = models.BooleanField(_("répondu"), default=False)
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation à répondre")
        verbose_name_plural = _("invitations à répondre")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], name="evaluations_one_invitation_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.survey} – {self.pk}"


class Response(models.Model):
    """One submitted questionnaire. Deliberately linked to nobody (see the module)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The day only: a time would match the moment an invitation was completed.
    submitted_on = models.DateField(_("reçue le"))

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.survey} – {self.pk}"


class Answer(models.Model):
    """The answer to one question; a multiple choice gives one row per option ticked."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=5000, blank=True)

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        ordering = ["pk"]
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self):
        return f"{self.question} – {self.pk}"


# --- Evaluation of experiments (issue 11, item 2) -------------------------------------------
#
# Figures about children and families are aggregates only (how many children of each age
# band, how many parents, an average score): no model here stores a child's name or any
# data about one child (tests/evaluations_app/test_experiments.py walks the fields).


class ExperimentEvaluation(TimeStampedModel):
    """The evaluation of one experiment: its grid of indicators and their measurements."""

    project = models.OneToOneField(
        Project,
        verbose_name=_("expérimentation"),
        on_delete=models.CASCADE,
        related_name="evaluation",
    )

    objects = ExperimentEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation d'expérimentation")
        verbose_name_plural = _("évaluations d'expérimentations")
        ordering = ["-project__starts_on", "project__title"]

    def __str__(self):
        return str(self.project)

    def get_absolute_url(self):
        return reverse("evaluations:experiment", kwargs={"pk": self.pk})


class Indicator(models.Model):
    """One line of an evaluation's grid: the default ones, and those the coordinator adds."""

    evaluation = models.ForeignKey(
        ExperimentEvaluation, on_delete=models.CASCADE, related_name="indicators"
    )
    # The default grid's key ("children_0_1", ...); blank for an indicator added by hand.
    code = models.SlugField(max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("indicateur"), max_length=200, validators=[reject_bidi_controls])
    kind = models.CharField(_("type"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    target = models.DecimalField(
        _("objectif"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("La valeur visée au bilan final (vide pour les observations libres)."),
    )

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "code"],
                condition=~Q(code=""),
                name="evaluations_indicator_code_unique",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "label"], name="evaluations_indicator_label_unique"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_numeric(self) -> bool:
        return self.kind in IndicatorKind.numeric()


class Measurement(models.Model):
    """The value of one indicator at one round (baseline, midterm, final), entered by a
    partner of the experiment and validated (or refused) by the coordinator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    round = models.CharField(_("étape"), max_length=12, choices=MeasurementRound.choices)
    value = models.DecimalField(_("valeur"), max_digits=10, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("observations"), max_length=4000, blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.ENTERED,
        db_index=True,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["indicator__position", "indicator_id", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "round"], name="evaluations_one_measurement_per_round"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""),
                name="evaluations_measurement_has_a_value",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.get_round_display()}"


class MeasurementTransition(TransitionRecord):
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("étape de validation d'une mesure")
        verbose_name_plural = _("historique des validations")

    def __str__(self):
        return f"{self.measurement}: {self.from_status} → {self.to_status}"


# --- Model sheets (issue 11, item 3) -------------------------------------------------------


class ModelSheet(TimeStampedModel):
    """The model sheet (modélisation) of an evaluated experiment. Its text lives in its
    versions (each edit adds one); publishing one creates or updates the one practice
    linked to the experiment."""

    project = models.OneToOneField(
        Project,
        verbose_name=_("expérimentation"),
        on_delete=models.CASCADE,
        related_name="model_sheet",
    )
    practice = models.OneToOneField(
        Practice,
        verbose_name=_("bonne pratique"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="model_sheet",
    )
    published_version = models.PositiveIntegerField(_("version publiée"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    objects = ModelSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche de modélisation")
        verbose_name_plural = _("fiches de modélisation")
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return str(self.project)


SHEET_TEXT_FIELDS = (
    "objectives",
    "steps",
    "duration",
    "resources",
    "budget",
    "partners",
    "figures",
    "conditions",
    "pitfalls",
)


class ModelSheetVersion(models.Model):
    """One state of a model sheet's text, never changed once written."""

    sheet = models.ForeignKey(ModelSheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    summary = models.TextField(_("en bref"), max_length=600)
    objectives = models.TextField(_("objectifs"), max_length=4000)
    steps = models.TextField(_("étapes"), max_length=8000)
    duration = models.CharField(_("durée"), max_length=120, blank=True)
    resources = models.TextField(_("moyens"), max_length=4000, blank=True)
    budget = models.PositiveIntegerField(_("budget (€)"), null=True, blank=True)
    partners = models.TextField(_("partenaires et rôles"), max_length=1500, blank=True)
    figures = models.TextField(_("résultats de l'évaluation"), max_length=4000, blank=True)
    conditions = models.TextField(_("conditions pour la reproduire"), max_length=4000, blank=True)
    pitfalls = models.TextField(_("écueils à éviter"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("version de fiche de modélisation")
        verbose_name_plural = _("versions de fiches de modélisation")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "number"], name="evaluations_sheet_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.sheet} v{self.number}"


# --- Activity reports (issue 11, item 4) ---------------------------------------------------


class ActivityReport(TimeStampedModel):
    """The network's activity report for a period: a PDF made by a Celery task, and the
    figures it printed (`figures`, the snapshot the XLSX is made from).

    Status through evaluations.reports.REPORT_TRANSITIONS: requested → generating →
    ready / failed; a failed report may be asked for again.
    """

    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    file = models.FileField(_("fichier PDF"), upload_to="rapports/%Y/", blank=True)
    figures = models.JSONField(_("chiffres"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("rapport d'activité")
        verbose_name_plural = _("rapports d'activité")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluations_report_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("Rapport d'activité du %(start)s au %(end)s") % {
            "start": self.period_start.strftime("%d/%m/%Y"),
            "end": self.period_end.strftime("%d/%m/%Y"),
        }

    def get_absolute_url(self):
        return reverse("evaluations:report", kwargs={"pk": self.pk})

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.REQUESTED, ReportStatus.GENERATING)
