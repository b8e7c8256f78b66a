"""Celery tasks of the events app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import certificates_sweep, registrations_anonymise_old, reminders_sweep


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Queue the reminders due now (hourly); the outbox sends them."""
    return reminders_sweep()


@shared_task(ignore_result=True)
def send_due_certificates() -> int:
    """E-mail attendance certificates of trainings that just ended (hourly)."""
    return certificates_sweep()


@shared_task(ignore_result=True)
def anonymise_old_registrations() -> int:
    """Apply the retention period of attendance records (daily)."""
    return registrations_anonymise_old()
