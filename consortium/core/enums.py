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
    # Security events (consortium/core/security.py), kept like the rest of the log.
    LOGGED_IN = "account.logged_in", _("Connexion")
    LOGIN_FAILED = "account.login_failed", _("Échec de connexion")
    LOGGED_OUT = "account.logged_out", _("Déconnexion")
    PASSWORD_SET = "account.password_set", _("Mot de passe défini")
    MFA_ACTIVATED = "mfa.activated", _("Second facteur activé")
    MFA_DEACTIVATED = "mfa.deactivated", _("Second facteur désactivé")
    MFA_RECOVERY_CODES_REGENERATED = (
        "mfa.recovery_codes_regenerated",
        _("Codes de secours régénérés"),
    )
    MFA_RECOVERY_CODE_USED = "mfa.recovery_code_used", _("Code de secours utilisé")
    MFA_FAILED = "mfa.failed", _("Code de second facteur refusé")
    DATA_EXPORTED = "data.exported", _("Export de données")
    SECURITY_LOG_EXPORTED = "audit.security_log_exported", _("Export du journal de sécurité")
    # Retention (consortium.core.privacy): no actor, the account named by its number only.
    INACTIVITY_WARNED = "account.inactivity_warned", _("Compte inactif averti")
    INACTIVE_DELETED = "account.inactive_deleted", _("Compte inactif supprimé")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("En attente d'envoi")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
