"""Celery tasks of the core app: worker heartbeat and the e-mail outbox."""

from celery import shared_task

from .models import OutboxMessage
from .outbox import backoff, outbox_deliver, outbox_purge, outbox_sweep
from .privacy import inactive_accounts_erase
from .services import audit_log_purge, heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Record that the worker running this task is alive (scheduled by beat)."""
    heartbeat_record(worker=self.request.hostname or "unknown")


@shared_task(bind=True, ignore_result=True, max_retries=None, acks_late=True)
def outbox_send(self, message_id: int) -> None:
    """Send one outbox message; after a transient failure, try again later.

    The number of tries is bounded by the outbox itself (OUTBOX_MAX_ATTEMPTS), which
    then marks the message failed. The retry only sends when the row's own retry time
    has come: if the sweeper tried meanwhile (and failed again), the retry skips, and
    the backoff between tries holds.
    """
    if outbox_deliver(message_id=message_id) == "retry":
        attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
        raise self.retry(countdown=backoff(attempts).total_seconds())


@shared_task(ignore_result=True)
def outbox_sweep_task() -> None:
    """Send what the outbox has due and recover rows left by a worker that died."""
    outbox_sweep()


@shared_task(ignore_result=True)
def purge_expired_records() -> None:
    """Apply the retention periods of the privacy page: e-mails, audit log, accounts (daily)."""
    outbox_purge()
    audit_log_purge()
    inactive_accounts_erase()
