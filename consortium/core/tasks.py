"""Celery tasks of the core app."""

from celery import shared_task

from .services import heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Record that the worker running this task is alive (scheduled by beat)."""
    heartbeat_record(worker=self.request.hostname or "unknown")
