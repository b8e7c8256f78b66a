"""A real Celery worker process runs the project's tasks against the test database.

Eager mode (the unit tests' default) never serialises a message nor crosses a process
boundary; this test does both, on Redis in CI and on kombu's filesystem transport on a
newcomer's machine, like `./dev run`.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from kombu import Exchange, Queue
from service_checks import redis_answers, require, services_required

from consortium.celery import app as celery_app
from consortium.core.models import WorkerHeartbeat
from consortium.core.tasks import worker_heartbeat

BASE_DIR = Path(__file__).resolve().parent.parent
HEARTBEAT_TASK = "consortium.core.tasks.worker_heartbeat"


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL of the database this test process uses (the test database)."""
    name = settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(name).resolve()}"
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        host = settings_dict.get("HOST") or ""
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{user}:{password}@{host}{port}/{quote(name, safe='')}"
    pytest.fail(f"no DATABASE_URL for engine {settings_dict['ENGINE']}")


@pytest.fixture
def broker(tmp_path):
    """Where the test and the worker meet: (url, transport options, worker environment).

    Redis when REDIS_URL is set (CI). Otherwise a private filesystem queue, so that a
    `./dev run` worker on the same machine cannot take the message.
    """
    url = os.environ.get("REDIS_URL", "")
    if url:
        require("Redis", redis_answers(url), f"no PONG from {url}")
        return url, {}, {}
    require("Redis", not services_required(), "REDIS_URL is not set")
    folder = tmp_path / "broker"
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        # The worker runs in `folder`, where kombu's default relative "control" lands.
        "control_folder": str(folder / "control"),
    }
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    return "filesystem://", options, {"CELERY_FILESYSTEM_DIR": str(folder)}


def start_worker(queue: str, extra_env: dict, cwd: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "consortium.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(BASE_DIR),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "consortium",
        "worker",
        "-c",
        "1",
        "--pool",
        "solo",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-l",
        "warning",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
    ]
    with open(log, "wb") as output:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=output)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the task, then exit
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def wait_for_heartbeat(worker: subprocess.Popen, log: Path, deadline_seconds: float = 20):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.first()
        if heartbeat:
            return heartbeat
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(0.2)  # polling, bounded by the deadline
    pytest.fail(f"no heartbeat after {deadline_seconds} s; worker log:\n{log.read_text()[-3000:]}")


def delete_queue(url: str, options: dict, queue: str) -> None:
    # A Redis shared with other runs keeps no trace of this test's queue. kombu only
    # deletes the bindings it knows in this channel, hence the declaration first.
    with celery_app.connection_for_write(url, transport_options=options) as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel)
        bound.declare()
        bound.delete()


def run_worker_until_heartbeat(broker, queue: str, tmp_path):
    """Start a worker on `queue`, wait for its heartbeat row, stop it and drop the queue."""
    url, options, worker_env = broker
    log = tmp_path / "worker.log"
    cwd = Path(worker_env.get("CELERY_FILESYSTEM_DIR", tmp_path))
    worker = start_worker(queue, worker_env, cwd, log)
    try:
        heartbeat = wait_for_heartbeat(worker, log)
    finally:
        stop(worker)
        delete_queue(url, options, queue)
    return heartbeat, worker, log


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_heartbeat_task(broker, celery_conf, tmp_path):
    url, options, _worker_env = broker
    # A queue of its own: no other worker on the same broker takes the message.
    queue = f"test-heartbeat-{uuid.uuid4().hex[:10]}"
    celery_conf(task_always_eager=False)
    with celery_app.connection_for_write(url, transport_options=options) as conn:
        worker_heartbeat.apply_async(connection=conn, queue=queue)

    heartbeat, worker, log = run_worker_until_heartbeat(broker, queue, tmp_path)
    assert heartbeat.worker.startswith(f"{queue}@")
    assert worker.returncode == 0, log.read_text()[-3000:]


def test_beat_schedule_runs_registered_tasks():
    # The worker imports the apps' task modules at start; do the same before looking.
    celery_app.autodiscover_tasks(force=True)
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert HEARTBEAT_TASK in scheduled
    unknown = scheduled - set(celery_app.tasks)
    assert not unknown, f"beat would send tasks no worker knows: {sorted(unknown)}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_records_a_heartbeat_as_soon_as_it_is_ready(broker, tmp_path):
    """/healthz knows the worker at once, not five minutes later at beat's first tick:
    no task is sent here, the worker records its first heartbeat itself."""
    queue = f"test-ready-{uuid.uuid4().hex[:10]}"
    heartbeat, worker, log = run_worker_until_heartbeat(broker, queue, tmp_path)
    assert heartbeat.worker.startswith(f"{queue}@")
    assert worker.returncode == 0, log.read_text()[-3000:]
