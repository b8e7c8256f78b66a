from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction après une rencontre")
    BEFORE = "avant", _("Avant l'expérimentation")
    AFTER = "apres", _("Après l'expérimentation")


class QuestionKind(models.TextChoices):
    SCALE = "echelle", _("Échelle de 1 à 5")
    SINGLE = "choix_unique", _("Choix unique")
    MULTIPLE = "choix_multiple", _("Choix multiple")
    NUMBER = "nombre", _("Nombre")
    SHORT_TEXT = "texte_court", _("Texte court")
    LONG_TEXT = "texte_long", _("Texte long")

    @classmethod
    def with_choices(cls) -> frozenset[str]:
        return frozenset({cls.SINGLE, cls.MULTIPLE})

    @classmethod
    def free_text(cls) -> frozenset[str]:
        return frozenset({cls.SHORT_TEXT, cls.LONG_TEXT})


class EvaluationsAuditAction(models.TextChoices):
    SURVEY_CREATED = "evaluations.survey_created", _("Questionnaire créé")
    SURVEY_UPDATED = "evaluations.survey_updated", _("Questionnaire modifié")
    QUESTION_SAVED = "evaluations.question_saved", _("Question enregistrée")
    QUESTION_DELETED = "evaluations.question_deleted", _("Question supprimée")
    QUESTION_MOVED = "evaluations.question_moved", _("Question déplacée")
    INVITATIONS_SENT = "evaluations.invitations_sent", _("Invitations envoyées")


# --- Evaluation of experiments -------------------------------------------------------------


class IndicatorKind(models.TextChoices):
    COUNT = "nombre", _("Nombre")
    HOURS = "heures", _("Heures")
    SCALE = "echelle", _("Échelle de 1 à 5")
    TEXT = "texte", _("Observations libres")

    @classmethod
    def numeric(cls) -> frozenset[str]:
        return frozenset({cls.COUNT, cls.HOURS, cls.SCALE})


class MeasurementRound(models.TextChoices):
    BASELINE = "initial", _("État initial")
    MIDTERM = "mi-parcours", _("Mi-parcours")
    FINAL = "final", _("Bilan final")


class MeasurementStatus(models.TextChoices):
    ENTERED = "saisie", _("Saisie, à valider")
    VALIDATED = "validee", _("Validée")
    REFUSED = "refusee", _("Refusée")


class ExperimentsAuditAction(models.TextChoices):
    EVALUATION_CREATED = "evaluations.evaluation_created", _("Évaluation d'expérimentation créée")
    INDICATOR_SAVED = "evaluations.indicator_saved", _("Indicateur enregistré")
    MEASUREMENT_ENTERED = "evaluations.measurement_entered", _("Mesure saisie")
    MEASUREMENT_TRANSITION = "evaluations.measurement_transition", _("Mesure validée ou refusée")
    SHEET_DRAFTED = "evaluations.sheet_drafted", _("Fiche de modélisation rédigée")
    SHEET_UPDATED = "evaluations.sheet_updated", _("Fiche de modélisation modifiée")
    SHEET_PUBLISHED = "evaluations.sheet_published", _("Fiche de modélisation publiée")


# --- Activity reports (issue 11, item 4) ---------------------------------------------------


class ReportStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    GENERATING = "generating", _("En cours de génération")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ReportsAuditAction(models.TextChoices):
    REPORT_REQUESTED = "evaluations.report_requested", _("Rapport d'activité demandé")
    REPORT_GENERATING = "evaluations.report_generating", _("Rapport d'activité en génération")
    REPORT_READY = "evaluations.report_ready", _("Rapport d'activité prêt")
    REPORT_FAILED = "evaluations.report_failed", _("Échec du rapport d'activité")
    REPORT_RETRIED = "evaluations.report_retried", _("Rapport d'activité relancé")
