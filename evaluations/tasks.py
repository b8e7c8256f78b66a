"""Celery tasks of the evaluations app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings

from consortium.core.tasks import OUTAGE_ERRORS

from .services import invitations_anonymise_old, invitations_sweep


@shared_task(
    name="evaluations.send_survey_invitations",
    ignore_result=True,
    autoretry_for=OUTAGE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 5},
)
def send_survey_invitations() -> int:
    """Invite, at J+1, the people present at a training to its satisfaction survey (hourly)."""
    return invitations_sweep()


@shared_task(
    name="evaluations.anonymise_old_invitations",
    ignore_result=True,
    autoretry_for=OUTAGE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 5},
)
def anonymise_old_invitations() -> int:
    """Apply the retention period of survey invitations (daily)."""
    return invitations_anonymise_old()


@shared_task(
    name="evaluations.generate_activity_report",
    ignore_result=True,
    autoretry_for=OUTAGE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 5},
    time_limit=settings.REPORT_TIME_LIMIT,
)
def generate_activity_report(report_id: int) -> None:
    """Gather the figures and render the PDF of one activity report (on request)."""
    from .reports import report_generate

    report_generate(report_id=report_id)


@shared_task(
    name="evaluations.sweep_activity_reports",
    ignore_result=True,
    autoretry_for=OUTAGE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_kwargs={"max_retries": 3},
)
def sweep_activity_reports() -> dict[str, int]:
    """Ask again for reports left "requested", fail those a dead worker left (every minute)."""
    from .reports import reports_sweep

    return reports_sweep()
