"""Choices of the coordination app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec de l'envoi")
    CANCELLED = "cancelled", _("Abandonné")


class CoordinationAuditAction(models.TextChoices):
    MAILING_CREATED = "coordination.mailing_created", _("Envoi rédigé")
    MAILING_UPDATED = "coordination.mailing_updated", _("Envoi modifié")
    MAILING_TESTED = "coordination.mailing_tested", _("Envoi de test")
    MAILING_SENT = "coordination.mailing_sent", _("Envoi expédié")
    MAILING_SETTLED = "coordination.mailing_settled", _("Envoi terminé")
    MAILING_CANCELLED = "coordination.mailing_cancelled", _("Envoi abandonné")
    MAILINGS_UNSUBSCRIBED = (
        "coordination.mailings_unsubscribed",
        _("Désinscription des envois de la coordination"),
    )
    MAILINGS_RESUBSCRIBED = (
        "coordination.mailings_resubscribed",
        _("Réinscription aux envois de la coordination"),
    )
