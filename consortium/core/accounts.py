"""django-allauth, adapted to the portal: its e-mails go through the outbox.

allauth sends every e-mail of its own (address confirmation, password reset, "an account
already exists", "unknown account", login and reset codes, and the security notifications
of `send_notification_mail`, also used by allauth.mfa and allauth.socialaccount) through
`DefaultAccountAdapter.send_mail`, which sends at once: with the SMTP server down, the
signup itself would fail. Here the message is rendered the same way, then queued in the
outbox (consortium.core.outbox) and sent after the commit, retried if need be.
"""

from typing import Any
from uuid import uuid4

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url

from .enums import AuditAction
from .models import User
from .outbox import outbox_enqueue_message
from .permissions import can_observe
from .security import identifier_digest, request_data
from .services import audit_log_record


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with `send_mail` queueing in the outbox instead of sending."""

    _notified_user: AbstractBaseUser | None = None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render `template_prefix` for `email` as allauth does, and queue it.

        Each message is its own row (a unique kind): asking twice for a reset link sends
        two links, as allauth would. The row names the account the address belongs to,
        if any (none for the "unknown account" e-mail).
        """
        request = allauth_context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
        }
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        outbox_enqueue_message(
            message=message,
            kind=f"account:{template_prefix}:{uuid4().hex}",
            template=template_prefix,
            recipient=self._notified_user or account_of(email),
        )

    def get_login_redirect_url(self, request) -> str:
        """The coordination and the Département's management land on their desk
        (settings.DESK_URL); everyone else on LOGIN_REDIRECT_URL (their member area)."""
        if can_observe(request.user):
            return resolve_url(settings.DESK_URL)
        return super().get_login_redirect_url(request)

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth's rate limit on failed logins; an attempt it stops is a failed login too
        (recorded as locked: at most the "login" rate limit's attempts per client)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            _login_failed(request, credentials, locked=True)
            raise

    def authentication_failed(self, request, **credentials) -> None:
        """A wrong password (at login or when asked again): recorded without the password,
        the identifier typed as a keyed digest (consortium.core.security)."""
        _login_failed(request, credentials)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """allauth's security notification, recorded as addressed to `user` (it may go to
        an address the account no longer has, after an e-mail change)."""
        self._notified_user = user
        try:
            super().send_notification_mail(template_prefix, user, context, email)
        finally:
            self._notified_user = None


def account_of(email: str) -> User | None:
    """The user whose address `email` is (case-insensitively), or None."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user")
        user = next((row.user for row in address[:1]), None)
    return user


def _login_failed(request, credentials: dict, **extra) -> None:
    identifier = credentials.get("email") or credentials.get("username") or ""
    signed_in = request.user if request.user.is_authenticated else None
    extra["reauthentication"] = signed_in is not None
    audit_log_record(
        actor=signed_in,
        action=AuditAction.LOGIN_FAILED,
        target=account_of(identifier) if identifier else None,
        data=request_data(request, identifier=identifier_digest(identifier), **extra),
    )
