"""Personal data of an account: what each app exports, and what deleting it does.

Each app declares, in its `privacy.py`, one PersonalData rule per model that points
to a user (directly or through a profile). The member area uses `export_for` and
`erase_account`; a test checks that every such model has a rule.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

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


def inactive_accounts_erase(*, now=None) -> int:
    """Erase the accounts unused for the retention period (privacy page: three years).

    Staff accounts are left to the Département, which manages its own staff.
    """
    limit = (now or timezone.now()) - timedelta(days=settings.INACTIVE_ACCOUNT_RETENTION_DAYS)
    inactive = (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit))
    )
    users = list(inactive)
    for user in users:
        erase_account(user=user)
    return len(users)


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
