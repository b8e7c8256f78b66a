"""Account and second-factor events from django-allauth go to the audit log (the security
events of consortium/core/security.py); role permissions follow migrations."""

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from .enums import AuditAction
from .pagecache import content_changed
from .project_apps import is_project_app
from .security import request_data
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
    _security_event(request, user, AuditAction.PASSWORD_CHANGED)


@receiver(account_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    _security_event(request, user, AuditAction.PASSWORD_RESET)


@receiver(account_signals.password_set)
def _password_set(sender, request, user, **kwargs):
    _security_event(request, user, AuditAction.PASSWORD_SET)


# --- Security events: logins, logouts, second factor ----------------------------------
# A failed password is recorded by the adapter (AccountAdapter.authentication_failed),
# where allauth hands over the typed identifier.


def _security_event(request, user, action, **extra):
    audit_log_record(actor=user, action=action, target=user, data=request_data(request, **extra))


@receiver(account_signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # allauth's own signal: sent by its login flow only (after the second factor), not by
    # Django's login() alone (the test client's force_login).
    records = get_authentication_records(request, user)
    # "password", "mfa:totp", "mfa:recovery_codes": the factors, never what allauth's
    # records also hold (the address typed).
    methods = sorted({":".join(filter(None, (r["method"], r.get("type")))) for r in records})
    _security_event(request, user, AuditAction.LOGGED_IN, methods=methods)


@receiver(account_signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    # Logging out of an anonymous session is no event; nor is the end of the session of an
    # account just deleted (its deletion is the entry).
    if user is not None and get_user_model().objects.filter(pk=user.pk).exists():
        _security_event(request, user, AuditAction.LOGGED_OUT)


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    _security_event(request, user, AuditAction.MFA_ACTIVATED, type=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    _security_event(request, user, AuditAction.MFA_DEACTIVATED, type=authenticator.type)


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    _security_event(request, user, AuditAction.MFA_RECOVERY_CODES_REGENERATED)


@receiver(mfa_signals.authenticator_used)
def _mfa_used(sender, request, user, authenticator, **kwargs):
    # A TOTP code is part of the login entry (its methods); a recovery code is worth an
    # entry of its own: it is spent, and its use may mean the phone is lost.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _security_event(request, user, AuditAction.MFA_RECOVERY_CODE_USED)


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(sender, request, user, authenticator, **kwargs):
    reauthentication = bool(kwargs.get("reauthentication"))
    _security_event(
        request, user, AuditAction.MFA_FAILED, type=authenticator.type, reauth=reauthentication
    )
