"""Personal data of an account: what each app exports, and what deleting it does.

Each app declares, in its `privacy.py`, one PersonalData rule per model that points
to a user (directly or through a profile). The member area uses `export_for` and
`erase_account`; a test checks that every such model has a rule.

Inactive accounts (retention, daily through consortium.core.tasks): unused for
INACTIVE_ACCOUNT_RETENTION_DAYS, an account is warned by e-mail; still unused
INACTIVE_ACCOUNT_WARNING_DAYS later, it is erased. A login in between keeps it. The
accounts the Département manages itself (staff, coordination, observation) are left out.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from .enums import AuditAction, Role
from .outbox import outbox_enqueue
from .retention import duration_lazy
from .services import audit_log_record

Erasure = Literal["delete", "anonymise", "cascade"]


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    user_path: str  # lookup from the model to the user, e.g. "person__user"
    fields: tuple[str, ...]  # exported
    erasure: Erasure  # delete the rows, anonymise them (kept for counts), or left to CASCADE
    anonymise: dict = field(default_factory=dict)  # field -> value when anonymising


REGISTRY: list[PersonalData] = []


def register(rule: PersonalData) -> None:
    REGISTRY.append(rule)


def rule_for(model) -> PersonalData | None:
    return next((rule for rule in REGISTRY if rule.model is model), None)


def _rows(rule: PersonalData, user) -> models.QuerySet:
    # The primary key fits every path: "pk" itself refuses a model instance.
    return rule.model._default_manager.filter(**{rule.user_path: user.pk})


def export_for(*, user) -> dict:
    """Everything linked to `user`, as JSON-ready data, one key per model."""
    data = {"exported_at": timezone.now().isoformat()}
    for rule in REGISTRY:
        key = f"{rule.model._meta.app_label}.{rule.model._meta.model_name}"
        data[key] = list(_rows(rule, user).values(*rule.fields))
    return data


@transaction.atomic
def erase_account(*, user) -> None:
    """Anonymise what must be kept for counts, delete the rest, end every session."""
    for rule in REGISTRY:
        if rule.erasure == "anonymise":
            _rows(rule, user).update(**rule.anonymise)
        elif rule.erasure == "delete":
            _rows(rule, user).delete()
    _end_sessions(user)
    get_user_model().objects.filter(pk=user.pk).delete()


def managed_accounts() -> Q:
    """Accounts the Département manages itself, never erased by a retention rule: staff,
    superusers and the coordination and observation roles. They are people at work for
    the Département, whose accounts it closes when their mission ends (role withdrawn,
    then account deleted in the admin)."""
    return Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=Role.values)


def inactive_accounts(*, now=None) -> models.QuerySet:
    """Accounts nobody logged in to for INACTIVE_ACCOUNT_RETENTION_DAYS (managed ones aside)."""
    limit = (now or timezone.now()) - timedelta(days=settings.INACTIVE_ACCOUNT_RETENTION_DAYS)
    unused = Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit)
    User = get_user_model()
    return User.objects.filter(unused).exclude(pk__in=User.objects.filter(managed_accounts()))


def inactive_accounts_warn(*, now=None) -> int:
    """Warn each inactive account, once, that it will be erased (daily).

    The e-mail goes through the outbox, in the person's language, with the link to log
    in: logging in keeps the account (`_login_cancels_warning`). Returns how many.
    """
    now = now or timezone.now()
    users = list(inactive_accounts(now=now).filter(inactivity_warned_at__isnull=True))
    for user in users:
        _warn(user, now)
    return len(users)


@transaction.atomic
def _warn(user, now) -> None:
    user.inactivity_warned_at = now
    user.save(update_fields=["inactivity_warned_at"])
    erased_on = now + timedelta(days=settings.INACTIVE_ACCOUNT_WARNING_DAYS)
    context = {
        "erased_on": erased_on,
        "inactive_for": duration_lazy(settings.INACTIVE_ACCOUNT_RETENTION_DAYS),
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    outbox_enqueue(
        template="account_inactivity_warning",
        recipient=user,
        context=context,
        target=user,
        kind=f"account_inactivity_warning:{now.date().isoformat()}",
    )
    audit_log_record(actor=None, action=AuditAction.INACTIVITY_WARNED, target=user)


def inactive_accounts_erase(*, now=None) -> int:
    """Erase the accounts warned INACTIVE_ACCOUNT_WARNING_DAYS ago and unused since (daily).

    An account logged in to after its warning is kept, even if the login did not clear
    the date. Each erasure leaves an audit entry naming the account by its number only.
    """
    now = now or timezone.now()
    warned_before = now - timedelta(days=settings.INACTIVE_ACCOUNT_WARNING_DAYS)
    users = list(
        inactive_accounts(now=now)
        .filter(inactivity_warned_at__lt=warned_before)
        .exclude(last_login__gte=F("inactivity_warned_at"))
    )
    for user in users:
        _erase_inactive(user)
    return len(users)


@transaction.atomic
def _erase_inactive(user) -> None:
    audit_log_record(actor=None, action=AuditAction.INACTIVE_DELETED, target=user)
    erase_account(user=user)


@receiver(user_logged_in)
def _login_cancels_warning(sender, request, user, **kwargs) -> None:
    # Logging in is what the warning asks for: the account is kept, and warned afresh
    # only after another full period of inactivity.
    if getattr(user, "inactivity_warned_at", None) is not None:
        type(user).objects.filter(pk=user.pk).update(inactivity_warned_at=None)
        user.inactivity_warned_at = None


def _end_sessions(user) -> None:
    # Database sessions hold the user id in their encoded data: decode the live ones.
    # Through the session store, so that a copy kept in the cache (cached_db) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()


def register_core_rules() -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry

    from .models import AuditLogEntry, OutboxMessage

    User = get_user_model()
    register(
        PersonalData(
            User,
            "pk",
            ("email", "first_name", "last_name", "language", "date_joined", "last_login"),
            "cascade",
        )
    )
    register(PersonalData(EmailAddress, "user", ("email", "verified", "primary"), "cascade"))
    # Second factors: which ones and when, never their secrets.
    register(PersonalData(Authenticator, "user", ("type", "created_at", "last_used_at"), "cascade"))
    # The admin's own history of what this (staff) account changed.
    register(
        PersonalData(LogEntry, "user", ("action_time", "object_repr", "change_message"), "cascade")
    )
    # E-mails sent to the person (their copy is in their mailbox).
    register(
        PersonalData(
            OutboxMessage,
            "recipient",
            ("kind", "subject", "status", "created_at", "sent_at"),
            "delete",
        )
    )
    # The audit log keeps what happened, without who did it.
    register(
        PersonalData(AuditLogEntry, "actor", ("created_at", "action"), "anonymise", {"actor": None})
    )
