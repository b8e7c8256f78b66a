"""A real beat and a real worker, on Redis, send the due reminders of an event, once each.

Nothing is faked between the schedule and the e-mail files: beat (its schedule in a
temporary file) sends the reminder task every few seconds (REMINDER_SWEEP_SECONDS; the
hourly crontab otherwise), the worker runs the sweep against the test database, queues
the outbox messages, and sends them to a file-based e-mail backend (EMAIL_URL).

Both processes run with `consortium.settings.local`, the settings of `./dev run` (the test
settings force e-mails into memory), on a queue of their own (CELERY_QUEUE) so that
another worker on the same Redis cannot take the tasks.
"""

import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from event_factories import EventFactory, RegistrationFactory
from test_celery_worker import database_url, delete_queue, stop
from transactional import restore_reference_data

from consortium.core.enums import OutboxStatus
from consortium.core.models import OutboxMessage

BASE_DIR = Path(__file__).resolve().parent.parent
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in the file backend's files


def start(arguments: list[str], env: dict, cwd: Path, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "consortium", *arguments]
    with open(log, "wb") as output:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=output)


def received(folder: Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for raw in path.read_bytes().split(SEPARATOR):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=email.policy.default))
    return messages


def reminders_sent(registrations) -> bool:
    rows = OutboxMessage.objects.filter(template="participant_event_reminder")
    return rows.filter(status=OutboxStatus.SENT).count() == len(registrations)


def logs(*paths: Path) -> str:
    return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in paths)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_send_the_due_reminders_once(redis_url, tmp_path):
    restore_reference_data()
    soon = timezone.now() + timedelta(hours=20)
    event = EventFactory(sessions=[(soon, soon + timedelta(hours=3))])
    registrations = [RegistrationFactory(event=event) for _ in range(3)]
    mail_folder = tmp_path / "mail"
    queue = f"test-beat-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "consortium.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "REMINDER_SWEEP_SECONDS": "2",
        "EMAIL_URL": f"file://{mail_folder}",
        "PYTHONPATH": str(BASE_DIR),
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = start(
        ["worker", "--pool", "solo", "-Q", queue, "-n", f"{queue}@%h", "-l", "warning",
         "--without-mingle", "--without-gossip", "--without-heartbeat"],
        env, tmp_path, worker_log,
    )  # fmt: skip
    beat = start(
        ["beat", "--schedule", str(tmp_path / "beat-schedule"), "-l", "info"],
        env, tmp_path, beat_log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not reminders_sent(registrations):
            if worker.poll() is not None or beat.poll() is not None:
                pytest.fail(f"a process exited:\n{logs(worker_log, beat_log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"reminders not sent after 60 s:\n{logs(worker_log, beat_log)}")
            time.sleep(0.5)  # polling, bounded by the deadline
        time.sleep(5)  # two more sweeps by beat: they must queue nothing more
    finally:
        stop(beat)
        stop(worker)
        delete_queue(redis_url, {}, queue)

    assert "Sending due task event-reminders" in beat_log.read_text()
    reminders = [m for m in received(mail_folder) if m["Subject"].startswith("Rappel")]
    assert sorted(m["To"] for m in reminders) == sorted(r.person.user.email for r in registrations)
    assert all("c'est demain" in m["Subject"] for m in reminders)
    assert all(m.get_body(("plain",)) and m.get_body(("html",)) for m in reminders)
    assert all(
        [part.get_filename() for part in m.iter_attachments()] == [f"{event.slug}.ics"]
        for m in reminders
    )
    assert OutboxMessage.objects.filter(template="participant_event_reminder").count() == 3
    assert worker.returncode == 0, logs(worker_log)
