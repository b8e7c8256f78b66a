"""Checks behind /healthz: can we reach the database and the Celery broker?"""

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from consortium.celery import app as celery_app

from .enums import OutboxStatus
from .models import OutboxMessage, WorkerHeartbeat

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database unreachable")
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        # The filesystem transport "connects" to anything: what matters is its folder.
        folder = (celery_app.conf.broker_transport_options or {}).get("data_folder_in")
        return folder is None or os.access(folder, os.W_OK)
    except Exception:
        logger.exception("healthz: broker unreachable")
        return False


def worker_last_seen():
    """Latest heartbeat of any worker, or None. Informative: a late worker is not a 503."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def outbox_state() -> dict:
    """E-mails waiting for a retry (the SMTP server refused or was away): informative, like
    the worker's heartbeat, since the site works without e-mail; monitoring sees the outage
    (the fault drills, benchmarks/faults.py, found /healthz silent about it)."""
    retrying = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, attempts__gt=0)
    count = retrying.count()
    return {"status": "retrying" if count else "ok", "retrying": count}


def report() -> tuple[bool, dict]:
    checks = {"database": database_ok(), "broker": broker_ok()}
    last_seen = worker_last_seen() if checks["database"] else None
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    worker = {
        "last_seen": last_seen.isoformat() if last_seen else None,
        "recent": bool(last_seen and timezone.now() - last_seen < max_age),
    }
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if checks["database"] else "unavailable",
        "broker": "ok" if checks["broker"] else "unavailable",
        "worker": worker,
        "outbox": outbox_state() if checks["database"] else {"status": "unknown"},
    }
    return healthy, body
