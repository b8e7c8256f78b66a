"""How fast the outbox sends the due reminders, and that it sends each one once.

Seeds N confirmed registrations on events starting within a day (bulk_create) in a
throwaway database: a SQLite file, or a new database next to DATABASE_URL's (created,
then dropped). Starts ONE real Celery worker on the configured broker: the embedded
filesystem transport, or Redis when REDIS_URL is set (on a queue of its own). Then runs
one reminders sweep, which queues one e-mail per registration and asks the worker to
send each, and waits until every outbox row is sent. E-mails go to a file-based backend,
where the script counts them by Message-ID (stable per outbox row: a message sent twice
shows up twice).

For scale, the same rendered messages are then sent with Django's bare
`mailers.default.send_messages` (what `send_mass_mail` does) to the same kind of backend,
in this process; the ratio says what the outbox's bookkeeping (a row per e-mail, rendered
once per language and event and inserted in bulk; a task, a claim and a connection per
batch; "sent" recorded per group) costs against sending in one go. The sweep's line gives
the rate of rendering and queueing alone.

    .venv/bin/python benchmarks/reminders.py [--count 10000]
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/reminders.py
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PER_EVENT = 100  # registrations per event
MESSAGE_ID = re.compile(rb"^Message-ID: (.+?)\r?$", re.MULTILINE)


def configure(folder: Path, queue: str) -> dict:
    """The environment of this process and of the worker (they must agree)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "consortium.settings.local",
        "DJANGO_DEBUG": "0",
        "CELERY_QUEUE": queue,
        "CELERY_FILESYSTEM_DIR": str(folder / "broker"),
        "EMAIL_URL": f"file://{folder / 'mail-outbox'}",
    }
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{folder / 'unused.sqlite3'}"
    os.environ.update(env)
    return env


def create_database(folder: Path) -> str:
    """Create and migrate the throwaway database; return its DATABASE_URL."""
    from django.db import connection

    settings_dict = connection.settings_dict
    sqlite = settings_dict["ENGINE"] == "django.db.backends.sqlite3"
    name = str(folder / "bench.sqlite3") if sqlite else f"bench_reminders_{os.getpid()}"
    settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return database_url(connection.settings_dict)


def database_url(settings_dict: dict) -> str:
    name = settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(name).resolve()}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}:{password}@{host}{port}/{quote(name, safe='')}"


def seed(count: int, *, tag: str = "") -> list:
    """`count` confirmed registrations, PER_EVENT per event, starting in 2 to 22 hours;
    `tag` in the addresses and slugs keeps several seeded sets apart (benchmarks/faults.py).
    Returns the events."""
    from datetime import timedelta

    from django.utils import timezone

    from consortium.core.models import User
    from events.enums import EventKind, EventStatus, RegistrationStatus, Visibility
    from events.models import Event, Registration, Session
    from members.enums import PersonStatus
    from members.models import Commune, Person

    now = timezone.now()
    place = Commune.objects.get(insee_code="95127")
    events = Event.objects.bulk_create(
        Event(
            kind=EventKind.MEETING,
            title=f"Rencontre du réseau {i}",
            slug=f"rencontre-du-reseau{tag}-{i}",
            description="Une matinée pour partager nos pratiques d'éveil artistique.",
            status=EventStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
            venue="Médiathèque de l'Astrolabe",
            commune=place,
            capacity=PER_EVENT,
            registration_opens_at=now - timedelta(days=30),
        )
        for i in range(-(-count // PER_EVENT))
    )
    Session.objects.bulk_create(
        Session(
            event=event,
            starts_at=now + timedelta(hours=2 + 20 * i / len(events)),
            ends_at=now + timedelta(hours=5 + 20 * i / len(events)),
        )
        for i, event in enumerate(events)
    )
    users = User.objects.bulk_create(
        (
            User(email=f"participant{tag}{i}@exemple.fr", first_name="Camille", last_name=f"P{i}")
            for i in range(count)
        ),
        batch_size=1000,
    )
    people = Person.objects.bulk_create(
        (Person(user=user, status=PersonStatus.ACTIVE, job_title="Médiatrice") for user in users),
        batch_size=1000,
    )
    Registration.objects.bulk_create(
        (
            Registration(
                event=events[i // PER_EVENT], person=person, status=RegistrationStatus.CONFIRMED
            )
            for i, person in enumerate(people)
        ),
        batch_size=1000,
    )
    return events


def start_worker(env: dict, queue: str, folder: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "consortium", "worker", "--pool", "solo",
        "-c", "1", "-Q", queue, "-n", f"{queue}@%h", "-l", "warning",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    log = open(folder / "worker.log", "wb")  # noqa: SIM115 - the worker writes it until the end
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, env=full_env, cwd=folder, stdout=log, stderr=log)


def wait_until(condition, *, worker, folder: Path, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            sys.exit(f"the worker exited:\n{(folder / 'worker.log').read_text()[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"{what}: not done after {timeout:.0f} s")
        time.sleep(0.2)


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()


def message_ids(mail_folder: Path) -> list[bytes]:
    ids = []
    for path in mail_folder.glob("*.log"):
        ids.extend(MESSAGE_ID.findall(path.read_bytes()))
    return ids


def bare_send(folder: Path) -> tuple[float, int]:
    """Send the outbox's messages again, in one go, to another folder; (seconds, count)."""
    from django.conf import settings
    from django.core.mail import mailers

    from consortium.core.models import OutboxMessage
    from consortium.core.outbox import _as_email

    messages = [_as_email(row) for row in OutboxMessage.objects.order_by("pk")]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(folder / "mail-bare")},
        }
    }
    started = time.perf_counter()
    sent = mailers.default.send_messages(messages)
    return time.perf_counter() - started, sent


def delete_redis_queue(queue: str) -> None:
    from kombu import Exchange, Queue

    from consortium.celery import app

    with app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel)
        bound.declare()
        bound.delete()


def run(count: int, folder: Path) -> dict:
    queue = f"bench-reminders-{uuid.uuid4().hex[:8]}"
    env = configure(folder, queue)
    import django

    django.setup()
    from django.db import connection

    from consortium.core.enums import OutboxStatus
    from consortium.core.models import OutboxMessage, WorkerHeartbeat
    from consortium.core.tasks import worker_heartbeat
    from events.services import reminders_sweep

    old_name = connection.settings_dict["NAME"]
    env["DATABASE_URL"] = create_database(folder)
    results = {"broker": "Redis" if os.environ.get("REDIS_URL") else "filesystem (embedded)"}
    results["database"] = connection.vendor
    try:
        started = time.perf_counter()
        seed(count)
        results["seed"] = time.perf_counter() - started
        worker = start_worker(env, queue, folder)
        try:
            worker_heartbeat.delay()
            wait_until(WorkerHeartbeat.objects.exists, worker=worker, folder=folder, timeout=60,
                       what="worker start")  # fmt: skip
            started = time.perf_counter()
            results["queued"] = reminders_sweep()
            results["sweep"] = time.perf_counter() - started
            unsent = OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
            wait_until(lambda: not unsent.exists(), worker=worker, folder=folder,
                       timeout=max(600, count / 5), what="sending")  # fmt: skip
            results["outbox"] = time.perf_counter() - started
        finally:
            stop(worker)
            if os.environ.get("REDIS_URL"):
                delete_redis_queue(queue)
        ids = message_ids(folder / "mail-outbox")
        results["received"] = len(ids)
        results["twice"] = len(ids) - len(set(ids))
        results["failed"] = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
        results["bare"], results["bare_sent"] = bare_send(folder)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return results


def report(count: int, r: dict) -> None:
    outbox_rate = r["received"] / r["outbox"]
    bare_rate = r["bare_sent"] / r["bare"]
    rows = [
        ("seed (bulk_create)", f"{r['seed']:.1f}", ""),
        ("sweep: render and queue", f"{r['sweep']:.1f}", f"{r['queued'] / r['sweep']:.0f}"),
        ("outbox: sweep -> all sent", f"{r['outbox']:.1f}", f"{outbox_rate:.0f}"),
        ("bare send_messages", f"{r['bare']:.2f}", f"{bare_rate:.0f}"),
    ]
    print(f"reminders benchmark: N={count}, broker {r['broker']}, database {r['database']}, "
          "1 worker (solo pool), file e-mail backend")  # fmt: skip
    print(f"{'step':<28} {'seconds':>8} {'e-mails/s':>10}")
    for label, seconds, rate in rows:
        print(f"{label:<28} {seconds:>8} {rate:>10}")
    print(f"{'outbox / bare (speed)':<28} {'':>8} {outbox_rate / bare_rate:>10.3f}")
    print(f"e-mails queued {r['queued']}, received {r['received']}, failed {r['failed']}, "
          f"sent twice {r['twice']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="due reminders (default 10000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as folder:
        results = run(args.count, Path(folder))
    report(args.count, results)
    if results["twice"] or results["received"] != args.count:
        sys.exit("FAILED: every reminder must be sent exactly once")


if __name__ == "__main__":
    main()
