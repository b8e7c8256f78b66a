"""Account events from django-allauth go to the audit log; role permissions follow migrations."""

from allauth.account import signals as account_signals
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from .enums import AuditAction
from .pagecache import content_changed
from .project_apps import is_project_app
from .services import audit_log_record, role_permissions_sync


@receiver(post_migrate)
def _sync_role_permissions(sender, **kwargs):
    # post_migrate fires once per app, after that app's permissions are created.
    if is_project_app(sender):
        role_permissions_sync()


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _content_changed(sender, **kwargs):
    # The domain apps' content is what public pages show; the kernel's own rows (outbox,
    # audit log, heartbeats, accounts) change all the time and show on none of them.
    meta = getattr(sender, "_meta", None)
    config = getattr(meta, "app_config", None)  # None for the historical models of migrations
    if config is not None and config.label != "core" and is_project_app(config):
        content_changed()


@receiver(account_signals.user_signed_up)
def _signed_up(sender, request, user, **kwargs):
    audit_log_record(actor=user, action=AuditAction.SIGNED_UP, target=user)


@receiver(account_signals.email_confirmed)
def _email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    audit_log_record(actor=user, action=AuditAction.EMAIL_CONFIRMED, target=user)


@receiver(account_signals.email_changed)
def _email_changed(sender, request, user, **kwargs):
    audit_log_record(actor=user, action=AuditAction.EMAIL_CHANGED, target=user)


@receiver(account_signals.password_changed)
def _password_changed(sender, request, user, **kwargs):
    audit_log_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)


@receiver(account_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    audit_log_record(actor=user, action=AuditAction.PASSWORD_RESET, target=user)
