"""The e-mail outbox: every e-mail of the portal is a row first, then sent once.

Once means: never twice from the portal's side (unique rows, claimed by one worker).
At the hand-over to the SMTP server it is at least once: a worker that dies after the
server accepted a message but before recording it leaves the row to the sweeper, which
sends it again; the stable Message-ID lets mail systems recognise the copy. A batch over
SMTP records each row sent just before the end of its message goes out (the final "."): a
worker dying mid-batch leaves no message the server accepted unrecorded, only an unfinished
one the server drops. Other backends (files, tests) record sent rows in groups of
RECORD_SENT_EVERY: a worker dying mid-batch leaves at most that many to be sent again.

- `outbox_enqueue` renders the message in the recipient's language and stores it; the
  (kind, target, address) triple is unique, so queueing the same reminder twice is a no-op.
  After the commit, a Celery task is asked to send it; if the broker is down, nothing
  fails: the row waits for the sweeper.
- `outbox_enqueue_many` queues the same e-mail for many people (reminders, mailings): it
  renders the templates once per language, not once per person, inserts the rows in bulk
  and asks for delivery in batches (one task per OUTBOX_BATCH_SIZE rows). A few personal
  values (an unsubscribe link) can still differ per person: the templates get a marker
  for each, replaced in each row's copy (escaped in the HTML part); each addressee may
  add headers of their own (List-Unsubscribe).
- `outbox_enqueue_message` queues a message already built (django-allauth's e-mails, by
  consortium.core.accounts.AccountAdapter) the same way.
- `outbox_deliver` claims the row with a compare-and-set update (queued → sending), so two
  workers never send the same row; it marks it sent, or schedules a retry with exponential
  backoff on SMTP and connection errors, and marks it failed after OUTBOX_MAX_ATTEMPTS
  (at once on any other error, which no retry would fix).
- `outbox_deliver_many` sends a batch of rows over one connection to the server: claimed
  together (a row locked or taken by another worker is skipped), recorded sent in groups of
  RECORD_SENT_EVERY, each failure handled as `outbox_deliver` does.
- `outbox_sweep` sends what is due (retries whose time came, rows whose task was lost) and
  puts back rows stuck in "sending" by a worker that died: one still "sending" a little
  after the send task's time limit (`sending_timeout`).

A database that restarts while a message goes out: a sent message is recorded sent with a
few tries in place (reconnecting), then by a retry of the task that records only; the send
task itself is retried by Celery on database and broker errors (consortium/core/tasks.py).
"""

import base64
import html
import logging
import re
import secrets
import smtplib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from email.mime.base import MIMEBase
from functools import partial
from typing import NamedTuple
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
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

from .emails import RenderedEmail, render_email
from .enums import OutboxStatus
from .models import OutboxMessage, User

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
PERMANENT_SMTP_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)
ANSWERED_ERRORS = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
# Database errors that pass: the server restarting, a connection dropped.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# A row is "sending" at most for the send task's hard time limit (the worker is killed
# then); OUTBOX_SENDING_MARGIN seconds later it belonged to a worker that died, and the
# sweeper puts it back.
# Recording "sent" is tried this many times in place, waiting 0.5, 1, 2, 4 s between tries
# (well within the task's time limit).
MARK_SENT_TRIES = 5
MARK_SENT_PAUSE_SECONDS = 0.5
# Other backends than SMTP: a batch records "sent" after this many messages (each group one
# commit; at most one group sent again should the worker die before recording it).
RECORD_SENT_EVERY = 20


class NotHandedOver(smtplib.SMTPServerDisconnected):
    """The message was not recorded sent before its end went to the server: the connection
    is dropped, so the server keeps nothing, and the message is tried again."""


class SentNotRecorded(Exception):
    """The server accepted the messages but the database could not record them (yet)."""

    def __init__(self, message_ids: list[int]):
        super().__init__(message_ids)
        self.message_ids = message_ids


def sending_timeout() -> timedelta:
    """How long a row may stay "sending": the send task's time limit, plus a margin."""
    return timedelta(seconds=settings.OUTBOX_SEND_TIME_LIMIT + settings.OUTBOX_SENDING_MARGIN)


def target_key(target: models.Model | None) -> str:
    if target is None:
        return ""
    return f"{target._meta.label_lower}:{target.pk}"


def already_queued(
    *,
    kind: str,
    email: str,
    model: type[models.Model] | None = None,
    about: models.Model | None = None,
) -> Exists:
    """A filter for rows of `model`: a message of `kind` about the row (or, given `about`,
    about that object), for the address at the lookup path `email`, is in the outbox
    already (its (kind, target, address) key).

    A sweep excludes those rows before rendering anything: rendering first and letting
    the unique key refuse the copy costs a template render per row at every sweep.
    """
    if about is not None:
        target = Value(target_key(about))
    else:
        row = Cast(OuterRef("pk"), models.CharField())
        target = Concat(Value(f"{model._meta.label_lower}:"), row)
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


class Addressee(NamedTuple):
    """One recipient of a mailing and what their message is about (for its unique key).

    `values`: this person's value of each personal name passed to `outbox_enqueue_many`
    (their unsubscribe link, say); `headers`: headers of their copy only, added to the
    shared ones.
    """

    recipient: User
    target: models.Model | None = None
    values: dict[str, str] | None = None
    headers: dict[str, str] | None = None


def outbox_enqueue_many(
    *,
    template: str,
    addressees: Iterable[Addressee],
    context: dict,
    kind: str,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
    personal: Sequence[str] = (),
) -> list[OutboxMessage]:
    """Queue the same e-mail `template` for many people, each in their language.

    The templates are rendered once per language with `context`, without `recipient`:
    the message must be the same for everyone, except for the `personal` names. Each of
    those is in the context as a marker (random for each call, so no text typed by a
    user can match it), replaced in each row by the addressee's `values[name]`: as is in
    the subject and the text, HTML-escaped in the HTML part. Rows are inserted in bulk
    and sent in batches after commit. Returns the rows queued; one already queued for
    its (kind, target, address) is left out.
    """
    by_language = defaultdict(list)
    for addressee in addressees:
        by_language[addressee.recipient.language or settings.LANGUAGE_CODE].append(addressee)
    shared = {"kind": kind, "template": template, "headers": headers or {}}
    shared["attachments"] = attachments or []
    markers = _markers(personal)
    rows = []
    for language, group in by_language.items():
        rendered = render_email(name=template, context={**context, **markers}, language=language)
        fields = {**shared, **_content_fields(rendered), "language": language}
        rows += [_row(addressee, _personalised(fields, addressee, markers)) for addressee in group]
    return _store_many(rows)


def _markers(personal: Sequence[str]) -> dict[str, str]:
    """{name: marker}: capitals and digits, which escaping leaves as they are (the
    templates use a personal value as is, through no filter)."""
    nonce = secrets.token_hex(8).upper()
    return {name: f"OUTBOX{nonce}N{index}X" for index, name in enumerate(personal)}


def _personalised(fields: dict, addressee: Addressee, markers: dict[str, str]) -> dict:
    """The row's fields with this addressee's values in place of the markers."""
    if addressee.headers:
        fields = {**fields, "headers": {**fields["headers"], **addressee.headers}}
    if not markers:
        return fields
    values = addressee.values or {}
    missing = markers.keys() - values.keys()
    if missing:
        raise ValueError(f"no personal value for {sorted(missing)}")
    fields = dict(fields)
    for name, marker in markers.items():
        value = str(values[name])
        fields["subject"] = fields["subject"].replace(marker, value)[:250]
        fields["body_text"] = fields["body_text"].replace(marker, value)
        fields["body_html"] = fields["body_html"].replace(marker, html.escape(value))
    return fields


def _content_fields(rendered: RenderedEmail) -> dict:
    return {
        "subject": rendered.subject[:250],
        "body_text": rendered.text,
        "body_html": rendered.html or "",
    }


def _row(addressee: Addressee, fields: dict) -> OutboxMessage:
    recipient, target = addressee.recipient, addressee.target
    return OutboxMessage(
        target=target_key(target), recipient=recipient, recipient_email=recipient.email, **fields
    )


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
    if not _saved(message):
        return None
    transaction.on_commit(lambda: _request_delivery(message.pk))
    return message


def _saved(message: OutboxMessage) -> bool:
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return False
    return True


def _store_many(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Insert the rows in bulk; deliver them in batches after commit.

    A sweep left out the rows already queued, so a conflict on the unique key means a
    concurrent sweep queued some of them meanwhile: the rows are then saved one by one,
    each taken key refused alone (ignore_conflicts would not give back the ids to send).
    """
    try:
        with transaction.atomic():
            OutboxMessage.objects.bulk_create(rows, batch_size=BULK_INSERT_SIZE)
    except IntegrityError:
        for row in rows:  # the rolled-back insert may have set their ids
            row.pk, row._state.adding = None, True
        rows = [row for row in rows if _saved(row)]
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _request_delivery_many(ids))
    return rows


# The tasks that send one row and a batch of rows (consortium/core/tasks.py), asked for by
# their registered names: the tasks call this module, never the reverse.
OUTBOX_SEND_TASK = "consortium.core.tasks.outbox_send"
OUTBOX_SEND_BATCH_TASK = "consortium.core.tasks.outbox_send_batch"
# Rows a bulk insert sends to the database at once (a row holds a whole e-mail).
BULK_INSERT_SIZE = 500


def _publish(task: str, argument: int | list[int]) -> bool:
    # Publishing must never break the request that queued the message: with the broker
    # down, the row stays queued and the sweeper sends it later.
    try:
        current_app.tasks[task].apply_async((argument,), retry=False)
    except Exception:
        return False
    return True


def _request_delivery(message_id: int) -> None:
    if not _publish(OUTBOX_SEND_TASK, message_id):
        logger.warning("outbox: broker unreachable, message %s left for the sweeper", message_id)


def _request_delivery_many(message_ids: Sequence[int]) -> None:
    """One send task per batch of OUTBOX_BATCH_SIZE rows (a batch shares one connection)."""
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(message_ids), size):
        if not _publish(OUTBOX_SEND_BATCH_TASK, list(message_ids[start : start + size])):
            left = len(message_ids) - start
            logger.warning("outbox: broker unreachable, %s messages left for the sweeper", left)
            return


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
    if "stored_name" in attachment:
        with default_storage.open(attachment["stored_name"], "rb") as stored:
            return stored.read()
    return attachment["content"]


def attachment(*, filename: str, content: str | bytes, mimetype: str) -> dict:
    """An attachment as the outbox stores it (JSON): text as is, binary in base64."""
    if isinstance(content, bytes):
        encoded = base64.b64encode(content).decode("ascii")
        return {"filename": filename, "content_base64": encoded, "mimetype": mimetype}
    return {"filename": filename, "content": content, "mimetype": mimetype}


def stored_attachment(*, filename: str, stored_name: str, mimetype: str) -> dict:
    """An attachment the outbox reads from the default storage when it sends the message.

    For a file sent to many people (a mailing's): each row keeps its name, not a copy of
    its content. The file must stay in the storage until the rows are sent (a file that
    cannot be read is an error like a dropped connection: tried again, then failed).
    """
    return {"filename": filename, "stored_name": stored_name, "mimetype": mimetype}


def outbox_deliver(*, message_id: int, due_only: bool = True) -> str:
    """Send one queued message. Returns its status after this try ("retry" if one is due).

    `due_only=False` sends a message whose retry time has not come (by hand, say).
    """
    message = _claim(message_id, due_only=due_only)
    if message is None:
        return "skipped"  # sent, failed, not due yet, or another worker has it
    failed = _send_one(message, lambda email: email.send())
    if failed:
        return failed
    _mark_sent_retrying([message.pk])
    return OutboxStatus.SENT


def _send_one(message: OutboxMessage, send: Callable[[EmailMessage], object]) -> str | None:
    """Hand a claimed message to the server: None when accepted, else its status after
    the failure ("retry" or failed)."""
    try:
        send(_as_email(message))
    except PERMANENT_SMTP_ERRORS as error:
        # The server refused the address or the sender: for good with a 5xx, which no retry
        # can help; for now with a 4xx (greylisting, a full mailbox, a busy server).
        return _after_failure(message, error, permanent=refused_for_good(error))
    except smtplib.SMTPResponseException as error:
        return _after_failure(message, error, permanent=error.smtp_code >= 500)
    except TRANSIENT_ERRORS as error:
        return _after_failure(message, error)
    except Exception as error:
        # Not a passing outage (a malformed header, say): escaping here would leave the row
        # in "sending", put back by the sweeper and tried again forever. It fails now.
        logger.exception("outbox: message %s cannot be sent", message.pk)
        return _after_failure(message, error, permanent=True)
    return None


def refused_for_good(error: smtplib.SMTPException) -> bool:
    """A refusal with 5xx codes only (a 4xx one is tried again later, as the SMTP RFC asks)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values()]
    else:
        codes = [getattr(error, "smtp_code", 500)]
    return all(code >= 500 for code in codes)


def outbox_deliver_many(*, message_ids: Sequence[int], due_only: bool = True) -> dict:
    """Send a batch of queued messages over one connection to the e-mail server.

    Returns the ids by status after this try: "sent", "retry", "failed", "skipped" (not
    claimed: sent, not due, another worker's) and "released" (claimed, not tried: the
    batch ran out of time, they are queued again as they were). Raises SentNotRecorded
    with the ids sent but not recorded; the rest of the batch then waits for the sweeper.
    """
    started = time.monotonic()
    messages = _claim_many(message_ids, due_only=due_only)
    claimed = {message.pk for message in messages}
    result = {status: [] for status in ("sent", "retry", "failed", "released")}
    result["skipped"] = [pk for pk in message_ids if pk not in claimed]
    connection = mailers.default
    try:
        _send_batch(messages, connection, result, started=started)
    finally:
        _close_quietly(connection)
    return result


def _send_batch(
    messages: list[OutboxMessage], connection: BaseEmailBackend, result: dict, *, started: float
) -> None:
    sent = result["sent"]
    pending = []  # accepted by the server, not recorded yet (other backends than SMTP)
    for index, message in enumerate(messages):
        if time.monotonic() - started > settings.OUTBOX_SEND_TIME_LIMIT / 2:
            # Well before the task's hard limit, which would kill the worker mid-batch.
            result["released"] = _release(messages[index:])
            break
        recorded = []
        failed = _send_one(message, partial(_send_on, connection, recorded=recorded))
        if failed:
            result[failed].append(message.pk)
        else:
            (sent if recorded else pending).append(message.pk)
        if len(pending) >= RECORD_SENT_EVERY:
            sent += _recorded(pending)
    sent += _recorded(pending)


def _recorded(pending: list[int]) -> list[int]:
    """Record the pending ids sent, and empty the list; returns them."""
    ids = pending[:]
    if ids:
        _mark_sent_retrying(ids)
    pending.clear()
    return ids


def _send_on(connection: BaseEmailBackend, email: EmailMessage, *, recorded: list) -> None:
    # Opened at the first message (and again after a failure broke the connection): no
    # connection at all when the batch has nothing left to send.
    try:
        connection.open()
        smtp = getattr(connection, "connection", None)
        if isinstance(smtp, smtplib.SMTP):
            message_pk = _outbox_pk(email)
            smtp.data = lambda data: _data_recorded_first(smtp, data, message_pk, recorded)
        connection.send_messages([email])
    except TRANSIENT_ERRORS as error:
        # A server that answered (refused an address, say) keeps the connection usable.
        if not isinstance(error, ANSWERED_ERRORS):
            _close_quietly(connection)
        raise


def _outbox_pk(email: EmailMessage) -> int:
    return int(email.extra_headers["Message-ID"].split(".")[1])  # <outbox.PK.date@domain>


def _data_recorded_first(smtp: smtplib.SMTP, data: bytes, message_pk: int, recorded: list):
    """smtplib's DATA, with the row recorded sent before the final "." goes out.

    A worker killed before the record leaves the server an unfinished message, which it
    drops with the connection: the sweeper sends the row again, once. Killed after, the
    server has the message and the row says so. Recording after the server's "250"
    instead sent again, after a kill, what the server had accepted (the fault drills).
    A row recorded whose end then fails is put back by the failure (and tried again).
    """
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing (RFC 5321, 4.5.2)
    smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
    try:
        _record_before_end(message_pk)
    except BaseException:
        smtp.close()  # the unfinished message goes with the connection
        raise
    recorded.append(message_pk)
    smtp.send(b".\r\n")
    return smtp.getreply()


def _record_before_end(message_pk: int) -> None:
    try:
        _mark_sent_retrying([message_pk])
    except SentNotRecorded as error:
        raise NotHandedOver(f"message {message_pk} not recorded: not handed over") from error


def _close_quietly(connection: BaseEmailBackend) -> None:
    # Closing a connection the server already dropped raises: it is gone either way.
    try:
        connection.close()
    except Exception:
        logger.info("outbox: e-mail connection closed with an error", exc_info=True)


def _claim_many(message_ids: Sequence[int], *, due_only: bool) -> list[OutboxMessage]:
    """Take the queued rows of the batch for this worker; one locked by another worker is
    skipped (PostgreSQL; SQLite's IMMEDIATE transactions take the whole database)."""
    now = timezone.now()
    rows = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.QUEUED)
    if due_only:
        rows = rows.filter(next_attempt_at__lte=now)
    with transaction.atomic():
        messages = list(rows.select_for_update(skip_locked=True).order_by("pk"))
        OutboxMessage.objects.filter(pk__in=[message.pk for message in messages]).update(
            status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for message in messages:
        message.status, message.claimed_at = OutboxStatus.SENDING, now
        message.attempts += 1
    return messages


def _release(messages: list[OutboxMessage]) -> list[int]:
    """Queue again, as they were before the claim, claimed rows this worker will not try."""
    ids = [message.pk for message in messages]
    OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.QUEUED, claimed_at=None, attempts=F("attempts") - 1
    )
    return ids


def outbox_record_sent(*, message_ids: Sequence[int]) -> None:
    """Record as sent messages the server accepted (when the database could not say so).

    Unless a row was sent meanwhile; a row the sweeper put back but did not send again
    yet is not sent twice.
    """
    OutboxMessage.objects.filter(
        pk__in=message_ids, status__in=[OutboxStatus.SENDING, OutboxStatus.QUEUED]
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")


def _mark_sent_retrying(message_ids: list[int]) -> None:
    # The messages are out: failing to record them would leave the rows to the sweeper,
    # which would send them again. A passing database error is tried again in place,
    # reconnecting.
    for attempt in range(1, MARK_SENT_TRIES + 1):
        try:
            outbox_record_sent(message_ids=message_ids)
            return
        except TRANSIENT_DB_ERRORS as error:
            logger.warning("outbox: messages %s sent, not recorded yet: %s", message_ids, error)
            if attempt == MARK_SENT_TRIES:
                raise SentNotRecorded(message_ids) from error
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
    size = settings.OUTBOX_BATCH_SIZE
    batches = (ids[start : start + size] for start in range(0, len(ids), size))
    return sum(len(outbox_deliver_many(message_ids=batch)["sent"]) for batch in batches)


def outbox_retry(*, messages: models.QuerySet) -> int:
    """Give failed messages a new series of tries (after an SMTP outage, say)."""
    ids = list(messages.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: _request_delivery_many(ids))
    return len(ids)


def outbox_purge(*, now=None) -> int:
    """Delete sent and failed messages older than the retention period (privacy page)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    done = [OutboxStatus.SENT, OutboxStatus.FAILED]
    deleted, _ = OutboxMessage.objects.filter(status__in=done, created_at__lt=limit).delete()
    return deleted
