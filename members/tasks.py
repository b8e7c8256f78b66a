"""Celery tasks of the members app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from consortium.core.tasks import OUTAGE_ERRORS

from .services import pending_accounts_delete


@shared_task(ignore_result=True, autoretry_for=OUTAGE_ERRORS, retry_backoff=True, max_retries=5)
def delete_pending_accounts() -> int:
    """Erase the accounts never confirmed or validated within their period (daily)."""
    return pending_accounts_delete()
