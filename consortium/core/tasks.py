"""Celery tasks of the core app: worker heartbeat and the e-mail outbox."""

import logging

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import connections
from django.db.models import Min

from .models import OutboxMessage
from .outbox import (
    OUTBOX_SEND_BATCH_TASK,
    OUTBOX_SEND_TASK,
    TRANSIENT_DB_ERRORS,
    SentNotRecorded,
    backoff,
    outbox_deliver,
    outbox_deliver_many,
    outbox_purge,
    outbox_record_sent,
    outbox_sweep,
)
from .privacy import inactive_accounts_erase, inactive_accounts_warn
from .services import audit_log_purge, heartbeat_record

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Record that the worker running this task is alive (scheduled by beat)."""
    heartbeat_record(worker=self.request.hostname or "unknown")


@worker_ready.connect
def heartbeat_at_start(sender, **kwargs) -> None:
    """A first heartbeat as soon as a worker is ready: /healthz reports it at once, not
    after beat's first tick, five minutes later (beat sends the next ones)."""
    try:
        heartbeat_record(worker=getattr(sender, "hostname", None) or "unknown")
    except Exception:
        logger.exception("heartbeat: not recorded at worker start")
    finally:
        # The worker's main process runs no task: it keeps no connection open.
        connections.close_all()


# Errors of a service that restarts (database, broker): the task runs again a little later
# (1, 2, 4… s, at most 5 min, 12 times; then the sweeper has the row).
OUTAGE_ERRORS = (
    *TRANSIENT_DB_ERRORS,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
)


# Both send tasks: acknowledged after their run, retried through outages, and killed at the
# time limit the sweeper counts on before it takes back a row left "sending".
SEND_TASK_OPTIONS = {
    "bind": True,
    "ignore_result": True,
    "max_retries": None,
    "acks_late": True,
    "time_limit": settings.OUTBOX_SEND_TIME_LIMIT,
    "autoretry_for": OUTAGE_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_kwargs": {"max_retries": 12},
}


@shared_task(name=OUTBOX_SEND_TASK, **SEND_TASK_OPTIONS)
def outbox_send(self, message_id: int, sent: bool = False) -> None:
    """Send one outbox message; after a transient failure, try again later.

    The number of tries is bounded by the outbox itself (OUTBOX_MAX_ATTEMPTS), which
    then marks the message failed. The retry only sends when the row's own retry time
    has come: if the sweeper tried meanwhile (and failed again), the retry skips, and
    the backoff between tries holds. `sent`: the message went out but the database could
    not record it; this run only records it (never sends again).
    """
    if sent:
        outbox_record_sent(message_ids=[message_id])
        return
    try:
        status = outbox_deliver(message_id=message_id)
    except SentNotRecorded as error:
        # Soon, before the sweeper takes the row for one a dead worker left (sending_timeout).
        countdown = min(2**self.request.retries, 30)
        raise self.retry(
            kwargs={"message_id": message_id, "sent": True}, countdown=countdown, exc=error
        ) from error
    if status == "retry":
        attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
        raise self.retry(countdown=backoff(attempts).total_seconds())


@shared_task(name=OUTBOX_SEND_BATCH_TASK, **SEND_TASK_OPTIONS)
def outbox_send_batch(self, message_ids: list[int], sent: bool = False) -> None:
    """Send a batch of outbox messages over one connection (mailings, reminders).

    As `outbox_send`, for each row: a row another worker has is skipped, failures are
    tried again later (this task, for the rows due a retry), `sent` only records. Rows
    the batch had no time left for are asked for again in a new batch.
    """
    if sent:
        outbox_record_sent(message_ids=message_ids)
        return
    try:
        result = outbox_deliver_many(message_ids=message_ids)
    except SentNotRecorded as error:
        countdown = min(2**self.request.retries, 30)
        # Only the ids sent, not the whole batch: explicit arguments, none inherited.
        kwargs = {"message_ids": error.message_ids, "sent": True}
        raise self.retry(args=(), kwargs=kwargs, countdown=countdown, exc=error) from error
    if result["released"]:
        outbox_send_batch.apply_async((result["released"],))
    if result["retry"]:
        attempts = OutboxMessage.objects.filter(pk__in=result["retry"]).aggregate(Min("attempts"))
        countdown = backoff(attempts["attempts__min"]).total_seconds()
        raise self.retry(args=(result["retry"],), countdown=countdown)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> None:
    """Send what the outbox has due and recover rows left by a worker that died."""
    outbox_sweep()


@shared_task(ignore_result=True, autoretry_for=OUTAGE_ERRORS, retry_backoff=True, max_retries=5)
def purge_expired_records() -> None:
    """Apply the retention periods of the privacy page (daily): e-mails, audit log, and
    inactive accounts, erased when warned long enough ago, warned when newly inactive."""
    outbox_purge()
    audit_log_purge()
    inactive_accounts_erase()
    inactive_accounts_warn()
