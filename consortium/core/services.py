"""Writes of the core app: audit log, roles, worker heartbeat."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .enums import AuditAction, Role
from .models import AuditLogEntry, User, WorkerHeartbeat


def audit_log_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    message: str = "",
    data: dict | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log. Keep `data` free of personal data."""
    entry = AuditLogEntry(
        actor=actor if actor is not None and actor.pk else None,
        action=str(action),
        message=message,
        data=data or {},
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_repr = _target_repr(target)
    entry.save()
    return entry


def export_record(
    *,
    actor: User,
    export: str,
    fmt: str,
    rows: int | None = None,
    target: models.Model | None = None,
    **details,
) -> AuditLogEntry:
    """Log that `actor` downloaded the export `export` (a slug) as `fmt`.

    `rows`: how many lines it held, when known; `details`: what chose them (a period,
    the names of the filters used: never their values, which may be free text).
    """
    data = {"export": export, "format": fmt, **details}
    if rows is not None:
        data["rows"] = rows
    return audit_log_record(actor=actor, action=AuditAction.DATA_EXPORTED, target=target, data=data)


def security_log_export_record(*, actor: User, extract, fmt: str, rows: int) -> AuditLogEntry:
    """Log that `actor` downloaded the security events of `extract` (a security.Extract):
    reading the log is itself in the log."""
    return audit_log_record(
        actor=actor,
        action=AuditAction.SECURITY_LOG_EXPORTED,
        data={
            "format": fmt,
            "rows": rows,
            "kind": extract.kind or "tout",
            "period": f"{extract.start.isoformat()}/{extract.end.isoformat()}",
        },
    )


def _target_repr(target: models.Model) -> str:
    # A user's name or address is personal data: the log names accounts by number.
    if isinstance(target, User):
        return f"utilisateur #{target.pk}"
    return str(target)[:200]


# The coordinator works in the admin on every model of the project. Not on allauth's
# e-mail addresses: changing a superuser's address would let her reset its password.
COORDINATION_APP_LABELS = ("core",)


def role_permissions_sync() -> None:
    """Give the Coordination group every permission on the project's models.

    Runs after each migrate, so that models added later are covered too.
    """
    from django.contrib.auth.models import Permission

    from .project_apps import project_app_configs

    labels = {c.label for c in project_app_configs()}
    labels.update(COORDINATION_APP_LABELS)
    for role in Role:
        # Recreated here too: a test database flush keeps post_migrate, not data migrations.
        Group.objects.get_or_create(name=role.value)
    group = Group.objects.get(name=Role.COORDINATION.value)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=labels))


@transaction.atomic
def role_grant(*, user: User, role: Role, actor: User | None) -> None:
    """Put `user` in the group of `role` and log who did it.

    Coordinators are staff, so that they reach the admin with their group's permissions.
    """
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    vars(user).pop("_role_names", None)  # permissions.role_names() caches on the user
    if role == Role.COORDINATION and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit_log_record(
        actor=actor, action=AuditAction.ROLE_GRANTED, target=user, data={"role": role.value}
    )


@transaction.atomic
def role_revoke(*, user: User, role: Role, actor: User | None) -> None:
    """Take `user` out of the group of `role` and log who did it."""
    user.groups.remove(*Group.objects.filter(name=role.value))
    vars(user).pop("_role_names", None)
    audit_log_record(
        actor=actor, action=AuditAction.ROLE_REVOKED, target=user, data={"role": role.value}
    )


def user_rights(user: User) -> set[str]:
    """The groups of `user`, and "staff" / "superuser" when the account is."""
    rights = set(user.groups.values_list("name", flat=True))
    rights |= {
        name for name, held in (("staff", user.is_staff), ("superuser", user.is_superuser)) if held
    }
    return rights


def rights_change_record(*, actor: User, user: User, before: set[str]) -> None:
    """Log each right `user` gained or lost since `before` (a change made in the admin:
    groups, staff, superuser), as the role services log theirs."""
    after = user_rights(user)
    changes = [
        (AuditAction.ROLE_GRANTED, after - before),
        (AuditAction.ROLE_REVOKED, before - after),
    ]
    for action, names in changes:
        for name in sorted(names):
            audit_log_record(
                actor=actor, action=action, target=user, data={"role": name, "via": "admin"}
            )


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Note that `worker` is alive now."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults={"seen_at": timezone.now()}
    )
    return heartbeat


def audit_log_purge(*, now=None) -> int:
    """Delete audit entries older than the retention period (privacy page: one year)."""
    limit = (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted, _ = AuditLogEntry.objects.filter(created_at__lt=limit).delete()
    return deleted
