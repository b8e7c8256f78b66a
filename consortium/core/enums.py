from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Django groups that carry a role. Their names are stored, so they never change."""

    COORDINATION = "Coordination", _("Coordination")
    OBSERVATION = "Observation", _("Observation")


class AuditAction(models.TextChoices):
    SIGNED_UP = "account.signed_up", _("Inscription")
    EMAIL_CONFIRMED = "account.email_confirmed", _("Adresse e-mail confirmée")
    EMAIL_CHANGED = "account.email_changed", _("Adresse e-mail modifiée")
    PASSWORD_CHANGED = "account.password_changed", _("Mot de passe modifié")
    PASSWORD_RESET = "account.password_reset", _("Mot de passe réinitialisé")
    ROLE_GRANTED = "role.granted", _("Rôle attribué")
    ROLE_REVOKED = "role.revoked", _("Rôle retiré")
    # Retention (consortium.core.privacy): no actor, the account named by its number only.
    INACTIVITY_WARNED = "account.inactivity_warned", _("Compte inactif averti")
    INACTIVE_DELETED = "account.inactive_deleted", _("Compte inactif supprimé")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("En attente d'envoi")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
