"""Celery tasks of the funding watch (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from ..services.digest import digest_send_weekly
from ..services.opportunities import opportunity_send_deadline_alerts


@shared_task(name="projects.send_weekly_digest", ignore_result=True)
def send_weekly_digest() -> int:
    """Queue this week's matched digest for each consenting member (Monday morning)."""
    return digest_send_weekly()


@shared_task(name="projects.send_deadline_alerts", ignore_result=True)
def send_deadline_alerts() -> int:
    """Queue the J-14 and J-3 deadline alerts due today (daily); the outbox sends them."""
    return opportunity_send_deadline_alerts()
