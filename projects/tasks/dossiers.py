"""Celery tasks of the dossiers (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from ..services.dossiers import dossier_send_deadline_reminders


@shared_task(name="projects.send_dossier_reminders", ignore_result=True)
def send_dossier_reminders() -> int:
    """Queue the owners' reminders 7 days before a submission or report date (daily)."""
    return dossier_send_deadline_reminders()
