"""Celery tasks of the coordination app."""

from celery import shared_task

from consortium.core.tasks import OUTAGE_ERRORS

from .services import mailings_settle


@shared_task(
    name="coordination.settle_mailings",
    ignore_result=True,
    autoretry_for=OUTAGE_ERRORS,
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def settle_mailings() -> int:
    """Mark sent (or failed) the mailings the outbox is done with (beat, every few
    minutes); the page of a mailing shows its live counts meanwhile."""
    return mailings_settle()
