"""Account events from django-allauth go to the audit log."""

from allauth.account import signals as account_signals
from django.dispatch import receiver

from .enums import AuditAction
from .services import audit_log_record


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
