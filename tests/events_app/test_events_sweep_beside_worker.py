"""`manage.py send_due_reminders` while a real Celery worker writes to the same database.

The embedded default (`./dev run`): SQLite in WAL mode and a worker on kombu's filesystem
transport. A transaction that read first and wrote later failed at once with "database is
locked" when the worker wrote in between, and the certificate sweep rendered each PDF inside
its write transaction. The same test runs on PostgreSQL when DATABASE_URL points there.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory
from member_factories import PersonFactory
from test_celery_worker import BASE_DIR, database_url, start_worker, stop, wait_for_heartbeat
from transactional import restore_reference_data

from consortium.celery import app as celery_app
from consortium.core.models import OutboxMessage
from consortium.core.tasks import worker_heartbeat
from events.models import Registration, ReminderPolicy

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TRAINEES = 12
REMINDED = 20
# Heartbeats queued before the sweep: the worker keeps writing while it runs.
BUSY_WORK = 300


def _filesystem_broker(folder: Path) -> dict:
    """The transport options settings derive from CELERY_FILESYSTEM_DIR=`folder`."""
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    return options


def _trainees() -> list[Registration]:
    """A training over long enough for its certificates, each trainee present."""
    ended = timezone.now() - timedelta(hours=ReminderPolicy.current().certificate_delay_hours + 2)
    training = EventFactory(training=True, sessions=[(ended - timedelta(hours=3), ended)])
    return [AttendanceFactory(registration__event=training).registration for _ in range(TRAINEES)]


def _reminded() -> list[Registration]:
    """A meeting tomorrow: its J-1 reminder is due."""
    soon = timezone.now() + timedelta(hours=20)
    meeting = EventFactory(sessions=[(soon, soon + timedelta(hours=2))])
    return [
        RegistrationFactory(event=meeting, person=PersonFactory(wants_reminders=True))
        for _ in range(REMINDED)
    ]


def test_the_sweep_runs_beside_a_writing_worker(celery_conf, tmp_path):
    restore_reference_data()
    trainees, reminded = _trainees(), _reminded()
    folder = tmp_path / "broker"
    options = _filesystem_broker(folder)
    broker_env = {"REDIS_URL": "", "CELERY_FILESYSTEM_DIR": str(folder)}

    # Work waiting for the worker (each heartbeat is a write), then the worker itself,
    # listening on the default queue of this private broker, as `./dev run` does.
    celery_conf(task_always_eager=False)
    with celery_app.connection_for_write("filesystem://", transport_options=options) as conn:
        worker_heartbeat.apply_async(connection=conn, queue="celery")
        for _ in range(BUSY_WORK):
            worker_heartbeat.apply_async(connection=conn, queue="celery")
    log = tmp_path / "worker.log"
    worker = start_worker("celery", broker_env, folder, log)
    try:
        wait_for_heartbeat(worker, log)
        sweep = subprocess.run(
            [sys.executable, "manage.py", "send_due_reminders"],
            env={
                **os.environ,
                **broker_env,
                "DJANGO_SETTINGS_MODULE": "consortium.settings.test",
                "DATABASE_URL": database_url(connection.settings_dict),
                "CELERY_TASK_ALWAYS_EAGER": "0",
            },
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        stop(worker)

    output = sweep.stdout + sweep.stderr
    assert "database is locked" not in output
    assert sweep.returncode == 0, output[-3000:]
    assert f"{REMINDED} rappel(s) et {TRAINEES} attestation(s)" in sweep.stdout
    assert "database is locked" not in log.read_text()
    rows = OutboxMessage.objects.all()
    assert rows.filter(template="participant_event_reminder").count() == REMINDED
    certificates = rows.filter(template="participant_training_certificate")
    assert sorted(certificates.values_list("target", flat=True)) == sorted(
        f"events.registration:{registration.pk}" for registration in trainees
    )
    assert all(row.attachments[0]["mimetype"] == "application/pdf" for row in certificates)
    sent = Registration.objects.filter(pk__in=[r.pk for r in trainees])
    assert not sent.filter(certificate_sent_at__isnull=True).exists()
    assert len(reminded) == REMINDED
