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
