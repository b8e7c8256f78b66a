"""The e-mail outbox: every e-mail of the portal is a row first, then sent once.

Once means: never twice from the portal's side (unique rows, claimed by one worker).
At the hand-over to the SMTP server it is at least once: a worker that dies after the
server accepted a message but before recording it leaves the row to the sweeper, which
sends it again; the stable Message-ID lets mail systems recognise the copy.

- `outbox_enqueue` renders the message in the recipient's language and stores it; the
  (kind, target, address) triple is unique, so queueing the same reminder twice is a no-op.
  After the commit, a Celery task is asked to send it; if the broker is down, nothing
  fails: the row waits for the sweeper.
- `outbox_enqueue_message` queues a message already built (django-allauth's e-mails, by
  consortium.core.accounts.AccountAdapter) the same way.
- `outbox_deliver` claims the row with a compare-and-set update (queued → sending), so two
  workers never send the same row; it marks it sent, or schedules a retry with exponential
  backoff on SMTP and connection errors, and marks it failed after OUTBOX_MAX_ATTEMPTS
  (at once on any other error, which no retry would fix).
- `outbox_sweep` sends what is due (retries whose time came, rows whose task was lost) and
  puts back rows stuck in "sending" by a worker that died: one still "sending" a little
  after the send task's time limit (`sending_timeout`).

A database that restarts while a message goes out: a sent message is recorded sent with a
few tries in place (reconnecting), then by a retry of the task that records only; the send
task itself is retried by Celery on database and broker errors (consortium/core/tasks.py).
"""

import base64
import logging
import smtplib
import time
from datetime import timedelta
from email.mime.base import MIMEBase
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    models,
    transaction,
)
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.html import strip_tags

from .emails import render_email
from .enums import OutboxStatus
from .models import OutboxMessage, User

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
PERMANENT_SMTP_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)
# Database errors that pass: the server restarting, a connection dropped.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# A row is "sending" at most for the send task's hard time limit (the worker is killed
# then); this much later it belonged to a worker that died, and the sweeper puts it back.
SENDING_MARGIN_SECONDS = 30
# Recording "sent" is tried this many times in place, waiting 0.5, 1, 2, 4 s between tries
# (well within the task's time limit).
MARK_SENT_TRIES = 5
MARK_SENT_PAUSE_SECONDS = 0.5


class SentNotRecorded(Exception):
    """The server accepted the message but the database could not record it (yet)."""


def sending_timeout() -> timedelta:
    """How long a row may stay "sending": the send task's time limit, plus a margin."""
    return timedelta(seconds=settings.OUTBOX_SEND_TIME_LIMIT + SENDING_MARGIN_SECONDS)


def target_key(target: models.Model | None) -> str:
    if target is None:
        return ""
    return f"{target._meta.label_lower}:{target.pk}"


def already_queued(*, kind: str, model: type[models.Model], email: str) -> Exists:
    """A filter for rows of `model`: a message of `kind` about the row, for the address at
    the lookup path `email`, is in the outbox already (its (kind, target, address) key).

    A sweep excludes those rows before rendering anything: rendering first and letting
    the unique key refuse the copy costs a template render per row at every sweep.
    """
    target = Concat(Value(f"{model._meta.label_lower}:"), Cast(OuterRef("pk"), models.CharField()))
    return Exists(
        OutboxMessage.objects.filter(kind=kind, target=target, recipient_email=OuterRef(email))
    )


def outbox_enqueue(
    *,
    template: str,
    recipient: User | None = None,
    email: str = "",
    context: dict,
    target: models.Model | None = None,
    kind: str = "",
    language: str = "",
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> OutboxMessage | None:
    """Queue e-mail `template` for `recipient` (or a bare `email`), sent after commit.

    Returns None when a message of this kind about this target was already queued for
    this address. `attachments`: made with `attachment()`.
    """
    address = recipient.email if recipient else email
    language = language or (recipient.language if recipient else settings.LANGUAGE_CODE)
    rendered = render_email(
        name=template, context={"recipient": recipient, **context}, language=language
    )
    message = OutboxMessage(
        kind=kind or template,
        template=template,
        target=target_key(target),
        recipient=recipient,
        recipient_email=address,
        language=language,
        subject=rendered.subject[:250],
        body_text=rendered.text,
        body_html=rendered.html or "",
        headers=headers or {},
        attachments=attachments or [],
    )
    return _store(message)


def outbox_enqueue_message(
    *,
    message: EmailMessage,
    kind: str,
    template: str = "",
    recipient: User | None = None,
    target: models.Model | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail already built elsewhere (django-allauth's, say), sent after commit.

    Its subject, text body, HTML alternative (or HTML body: its text part is then the
    HTML without tags), extra headers, Reply-To and attachments are stored; the sender
    is the portal's (DEFAULT_FROM_EMAIL), as for every outbox message. It must have
    exactly one address in `to` (no cc, bcc). Returns None when a message of this `kind`
    about this `target` was already queued for this address. The language recorded is
    the active one: the message was rendered in it. `template` (by default `kind`)
    records what it was rendered from.
    """
    if len(message.to) != 1 or message.cc or message.bcc:
        raise ValueError("the outbox sends a message to exactly one address")
    alternatives = getattr(message, "alternatives", [])
    html = next((content for content, mimetype in alternatives if mimetype == "text/html"), "")
    text = str(message.body)
    if message.content_subtype == "html":
        html, text = text, strip_tags(text)
    headers = {str(key): str(value) for key, value in message.extra_headers.items()}
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(message.reply_to))
    row = OutboxMessage(
        kind=kind,
        template=template or kind,
        target=target_key(target),
        recipient=recipient,
        recipient_email=message.to[0],
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
        subject=str(message.subject)[:250],
        body_text=text,
        body_html=str(html),
        headers=headers,
        attachments=[_stored_attachment(item) for item in message.attachments],
    )
    return _store(row)


def _stored_attachment(item) -> dict:
    """An attachment of an EmailMessage (a (filename, content, mimetype) triple) as stored."""
    if isinstance(item, MIMEBase):
        raise TypeError("the outbox cannot store a MIME attachment: pass its content")
    filename, content, mimetype = item
    return attachment(
        filename=filename or "", content=content, mimetype=mimetype or "application/octet-stream"
    )


def _store(message: OutboxMessage) -> OutboxMessage | None:
    """Save the row (None if its (kind, target, address) is taken); deliver after commit."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _request_delivery(message.pk))
    return message


# The task that sends one row (consortium/core/tasks.py), asked for by its registered name:
# the tasks call this module, never the reverse.
OUTBOX_SEND_TASK = "consortium.core.tasks.outbox_send"


def _request_delivery(message_id: int) -> None:
    # Publishing must never break the request that queued the message: with the broker
    # down, the row stays queued and the sweeper sends it later.
    try:
        current_app.tasks[OUTBOX_SEND_TASK].apply_async((message_id,), retry=False)
    except Exception:
        logger.warning("outbox: broker unreachable, message %s left for the sweeper", message_id)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, 8… minutes, at most an hour."""
    return timedelta(seconds=min(3600, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)))


def _claim(message_id: int, *, due_only: bool) -> OutboxMessage | None:
    """Take the row for this worker: only one claim of a queued row can succeed."""
    now = timezone.now()
    rows = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.QUEUED)
    if due_only:
        rows = rows.filter(next_attempt_at__lte=now)
    claimed = rows.update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def message_id_header(message: OutboxMessage) -> str:
    """The Message-ID of a row, the same at every try: should a try reach the server but
    not be recorded as sent, the second copy is recognisable as the same message."""
    domain = urlsplit(settings.SITE_URL).hostname or "consortium"
    return f"<outbox.{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def _as_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        headers={"Message-ID": message_id_header(message), **message.headers},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], _content(attachment), attachment["mimetype"])
    return email


def _content(attachment: dict) -> str | bytes:
    if "content_base64" in attachment:
        return base64.b64decode(attachment["content_base64"])
    return attachment["content"]


def attachment(*, filename: str, content: str | bytes, mimetype: str) -> dict:
    """An attachment as the outbox stores it (JSON): text as is, binary in base64."""
    if isinstance(content, bytes):
        encoded = base64.b64encode(content).decode("ascii")
        return {"filename": filename, "content_base64": encoded, "mimetype": mimetype}
    return {"filename": filename, "content": content, "mimetype": mimetype}


def outbox_deliver(*, message_id: int, due_only: bool = True) -> str:
    """Send one queued message. Returns its status after this try ("retry" if one is due).

    `due_only=False` sends a message whose retry time has not come (by hand, say).
    """
    message = _claim(message_id, due_only=due_only)
    if message is None:
        return "skipped"  # sent, failed, not due yet, or another worker has it
    try:
        _as_email(message).send()
    except PERMANENT_SMTP_ERRORS as error:
        # The server refused the address or the message (5xx): retrying cannot help.
        return _after_failure(message, error, permanent=True)
    except smtplib.SMTPResponseException as error:
        return _after_failure(message, error, permanent=error.smtp_code >= 500)
    except TRANSIENT_ERRORS as error:
        return _after_failure(message, error)
    except Exception as error:
        # Not a passing outage (a malformed header, say): escaping here would leave the row
        # in "sending", put back by the sweeper and tried again forever. It fails now.
        logger.exception("outbox: message %s cannot be sent", message.pk)
        return _after_failure(message, error, permanent=True)
    _mark_sent_retrying(message.pk)
    return OutboxStatus.SENT


def outbox_record_sent(*, message_id: int) -> None:
    """Record as sent a message the server accepted when the database could not say so.

    Unless the row was sent meanwhile; a row the sweeper put back but did not send again
    yet is not sent twice.
    """
    OutboxMessage.objects.filter(
        pk=message_id, status__in=[OutboxStatus.SENDING, OutboxStatus.QUEUED]
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")


def _mark_sent_retrying(message_id: int) -> None:
    # The message is out: failing to record it would leave the row to the sweeper, which
    # would send it again. A passing database error is tried again in place, reconnecting.
    for attempt in range(1, MARK_SENT_TRIES + 1):
        try:
            outbox_record_sent(message_id=message_id)
            return
        except TRANSIENT_DB_ERRORS as error:
            logger.warning("outbox: message %s sent, not recorded yet: %s", message_id, error)
            if attempt == MARK_SENT_TRIES:
                raise SentNotRecorded(message_id) from error
            time.sleep(MARK_SENT_PAUSE_SECONDS * 2 ** (attempt - 1))
            _reconnect()


def _reconnect() -> None:
    """Drop a broken connection so that the next query opens a new one (not inside a
    transaction, which a new connection could not continue)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _after_failure(message: OutboxMessage, error: Exception, *, permanent: bool = False) -> str:
    failed = permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED if failed else OutboxStatus.QUEUED,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        last_error=f"{type(error).__name__}: {error}"[:500],
    )
    logger.warning("outbox: message %s attempt %s failed", message.pk, message.attempts)
    return OutboxStatus.FAILED if failed else "retry"


def outbox_sweep(*, limit: int = 500) -> int:
    """Put back rows stuck in "sending", then send what is due. Returns how many were sent."""
    now = timezone.now()
    stuck_since = now - sending_timeout()
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=stuck_since).update(
        status=OutboxStatus.QUEUED
    )
    # A row is due when its retry time came; a fresh one gets a grace period so that the
    # task queued on commit normally sends it first.
    grace = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE)
    due = OutboxMessage.objects.filter(
        Q(attempts__gt=0) | Q(created_at__lt=grace),
        status=OutboxStatus.QUEUED,
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(outbox_deliver(message_id=pk) == OutboxStatus.SENT for pk in ids)


def outbox_retry(*, messages: models.QuerySet) -> int:
    """Give failed messages a new series of tries (after an SMTP outage, say)."""
    ids = list(messages.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _request_delivery(pk))
    return len(ids)


def outbox_purge(*, now=None) -> int:
    """Delete sent and failed messages older than the retention period (privacy page)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    done = [OutboxStatus.SENT, OutboxStatus.FAILED]
    deleted, _ = OutboxMessage.objects.filter(status__in=done, created_at__lt=limit).delete()
    return deleted
