"""Security events in the audit log, and what the data-protection officer reads of them.

Logins, failed logins, logouts, second-factor changes, password and address changes,
roles, validations, exports and deletions are audit entries like any other
(`AuditLogEntry`, purged after `AUDIT_LOG_RETENTION_DAYS`). What they keep is the least
that lets someone investigate: the account by number, the client's network (an IPv4
address cut to its /24, an IPv6 one to its /48) and, for a failed login, a keyed digest
of the address typed (the same address always gives the same digest, so that repeated
attempts on one identifier show; the address itself cannot be read back without the
secret key). Never a password, a code, a token or a session key.

Each app says which of its own actions are security events (its `security.py`, found by
`autodiscover_modules` like `privacy.py`): the kernel imports no app.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction

IPV4_PREFIX = 24
IPV6_PREFIX = 48
DIGEST_LENGTH = 16  # hex characters of the identifier's digest (64 bits)


class SecurityKind(models.TextChoices):
    """The kinds of security events the data-protection officer filters on."""

    AUTHENTICATION = "connexions", _("Connexions et échecs de connexion")
    CREDENTIALS = "identifiants", _("Mots de passe, adresses et second facteur")
    RIGHTS = "droits", _("Comptes, rôles et validations")
    EXPORTS = "exports", _("Exports de données")
    DELETIONS = "suppressions", _("Suppressions")


# kind: {action value: its label}
_REGISTRY: dict[str, dict[str, str]] = {kind: {} for kind in SecurityKind.values}


def security_actions_register(kind: SecurityKind, *actions: models.TextChoices) -> None:
    """Declare `actions` (members of an app's audit actions) as security events of `kind`."""
    _REGISTRY[kind].update({action.value: action.label for action in actions})


def security_actions(kind: str | None = None) -> frozenset[str]:
    """The actions of one kind, or of every kind."""
    if kind:
        return frozenset(_REGISTRY[kind])
    return frozenset().union(*_REGISTRY.values())


def private_security_actions() -> frozenset[str]:
    """Who signed in, failed to, or downloaded what: shown to superusers only (the
    data-protection officer's extract, the admin), not on the desk nor to the coordinator
    in the admin."""
    return security_actions(SecurityKind.AUTHENTICATION) | security_actions(SecurityKind.EXPORTS)


def security_action_labels() -> dict[str, str]:
    """{action: its words} for every security event."""
    return {action: label for labels in _REGISTRY.values() for action, label in labels.items()}


def register_core_security_actions() -> None:
    """The kernel's own security events (accounts, second factor, roles, exports)."""
    register = security_actions_register
    register(
        SecurityKind.AUTHENTICATION,
        AuditAction.LOGGED_IN,
        AuditAction.LOGIN_FAILED,
        AuditAction.LOGGED_OUT,
        AuditAction.MFA_FAILED,
        AuditAction.MFA_RECOVERY_CODE_USED,
    )
    register(
        SecurityKind.CREDENTIALS,
        AuditAction.PASSWORD_CHANGED,
        AuditAction.PASSWORD_RESET,
        AuditAction.PASSWORD_SET,
        AuditAction.EMAIL_CHANGED,
        AuditAction.EMAIL_CONFIRMED,
        AuditAction.MFA_ACTIVATED,
        AuditAction.MFA_DEACTIVATED,
        AuditAction.MFA_RECOVERY_CODES_REGENERATED,
    )
    register(
        SecurityKind.RIGHTS,
        AuditAction.SIGNED_UP,
        AuditAction.ROLE_GRANTED,
        AuditAction.ROLE_REVOKED,
    )
    register(SecurityKind.EXPORTS, AuditAction.DATA_EXPORTED, AuditAction.SECURITY_LOG_EXPORTED)


# --- What an entry keeps of the request --------------------------------------------------


def client_network(request) -> str:
    """The client's network, never its full address: "203.0.113.0/24", "2001:db8::/48".

    The address is read as the login rate limits read it (allauth, behind
    ALLAUTH_TRUSTED_PROXY_COUNT proxies); "" when there is none or it is not an address.
    """
    try:
        address = ipaddress.ip_address(get_adapter().get_client_ip(request))
    except (ValueError, PermissionDenied, ImproperlyConfigured):
        return ""  # no address, not an address, or fewer proxies than declared
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def identifier_digest(identifier: str) -> str:
    """A keyed digest of a typed login identifier (lower-cased, trimmed): it tells that
    two failed attempts aimed at the same address without storing the address."""
    key = settings.SECRET_KEY.encode()
    message = (identifier or "").strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def request_data(request, **extra) -> dict:
    """What a security event keeps of its request: the client's network."""
    data = {"network": client_network(request)} if request is not None else {}
    return data | extra


def filters_used(request) -> list[str]:
    """The names of the query's non-empty parameters, never their values (free text)."""
    return sorted({key for key, value in request.GET.items() if value})


# --- The data-protection officer's extract ------------------------------------------------


@dataclass(frozen=True)
class Extract:
    """A period (both days included) and a kind of security events ("" for all)."""

    start: date
    end: date
    kind: str = ""

    def entries(self) -> models.QuerySet:
        from .models import AuditLogEntry

        since = timezone.make_aware(datetime.combine(self.start, time.min))
        until = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return (
            AuditLogEntry.objects.filter(
                action__in=security_actions(self.kind),
                created_at__gte=since,
                created_at__lt=until,
            )
            .select_related("target_type")
            .order_by("created_at", "pk")
        )

    def filename(self, fmt: str) -> str:
        kind = self.kind or "tout"
        return f"journal-securite-{kind}-{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}.{fmt}"


def extract_header() -> list[str]:
    return [
        str(_("date (UTC)")),
        str(_("action")),
        str(_("libellé")),
        str(_("compte auteur")),
        str(_("objet")),
        str(_("réseau du client")),
        str(_("détails")),
    ]


def extract_rows(entries):
    """One row per entry; accounts by number, as the log names them. Dates in UTC."""
    labels = security_action_labels()
    for entry in entries.iterator(chunk_size=2000):
        data = dict(entry.data or {})
        network = data.pop("network", "")
        yield [
            entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.action,
            str(labels.get(entry.action, entry.action)),
            f"#{entry.actor_id}" if entry.actor_id else "",
            entry.target_repr,
            network,
            "; ".join(f"{key}={value}" for key, value in sorted(data.items())),
        ]
