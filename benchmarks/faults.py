"""Fault drills: the portal's e-mails and reports through worker, broker, database and
SMTP outages, each message delivered exactly once.

Everything runs on 127.0.0.1 in a temporary folder, and stops by itself (--budget): its
own PostgreSQL (initdb and pg_ctl of the machine's binaries, run as the `postgres` user
when started as root) and its own redis-server, both on spare ports (never the machine's
5432 and 6379), without persistence; an SMTP sink in this process that writes every
message it accepts to a folder, and can be stopped (connection refused) or made to answer
4xx; a Celery worker (prefork, concurrency 2), beat and gunicorn (for /healthz) with the
production settings (consortium.settings.production). Every process it started is
stopped at the end, also on Ctrl-C or an error.

Each drill seeds its own set of due reminders (benchmarks/reminders.py's seeding) and one
mailing to the people of the first event, lets the worker send them, injects its fault
mid-batch, and waits until the outbox has nothing left queued or sending:

    a  worker SIGKILL (main process and children) mid-batch, restarted 2 s later
    b  Redis stopped without saving (its queue is lost), back after --redis-down seconds;
       an activity report is asked for while it is down
    c  PostgreSQL restarted (pg_ctl restart -m fast) mid-batch
    d  two beats at once for --two-beats seconds, the reminders queued by the beats
    e  SMTP down (connection refused) for --smtp-down seconds
    f  SMTP answers 4xx (450 greylisted, at RCPT) for --smtp-4xx seconds
    g  the worker SIGKILLed while it generates an activity report, restarted

Then it checks and prints: each message at the sink exactly once (by Message-ID, and the
count per recipient equal to the recipient's outbox rows), no row left "sending" or
failed, the report ready (or failed cleanly, then retried to ready), what /healthz said
during the outage (sampled every second) and how long it took to say 200 again, and the
time from the end of the fault until everything was delivered. Markdown table at the end.

The timings are the production ones but shorter where a drill would wait for them
(printed at the start): the outbox send task's time limit, the sweeper's period and
grace, the report task's time limit; the beat queues reminders every 15 s (an
installation may set REMINDER_SWEEP_SECONDS).

    .venv/bin/python benchmarks/faults.py                 # every drill, about 13 minutes
    .venv/bin/python benchmarks/faults.py --drills a,b --count 100 --timings ci
"""

import argparse
import asyncio
import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DRILLS = {
    "a": "worker SIGKILL mid-batch, restarted",
    "b": "Redis stopped without saving, back after {redis_down} s",
    "c": "PostgreSQL restarted mid-batch",
    "d": "two beats for {two_beats} s",
    "e": "SMTP down for {smtp_down} s (connection refused)",
    "f": "SMTP answers 4xx for {smtp_4xx} s, then recovers",
    "g": "worker SIGKILL during a report generation, restarted",
}
# Settings of every process, by --timings (seconds). "production" keeps the defaults.
TIMINGS = {
    "drill": {
        "OUTBOX_SEND_TIME_LIMIT": "30",
        "OUTBOX_SWEEP_SECONDS": "30",
        "OUTBOX_SWEEP_GRACE": "60",
        "REPORT_TIME_LIMIT": "30",
        "REPORT_REQUEST_GRACE": "30",
        "REPORT_SWEEP_SECONDS": "60",
        "REMINDER_SWEEP_SECONDS": "15",
    },
    "ci": {
        "OUTBOX_SEND_TIME_LIMIT": "15",  # not tighter: a loaded CI machine hit it
        "OUTBOX_SENDING_MARGIN": "4",
        "OUTBOX_SWEEP_SECONDS": "4",
        "OUTBOX_SWEEP_GRACE": "8",
        "REPORT_TIME_LIMIT": "10",
        "REPORT_REQUEST_GRACE": "8",
        "REPORT_SWEEP_SECONDS": "4",
        "REMINDER_SWEEP_SECONDS": "5",
    },
    "production": {"REMINDER_SWEEP_SECONDS": "3600"},
}
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class BudgetExceeded(Exception):
    pass


class Clock:
    """The global time limit: every wait asks it how long is left."""

    def __init__(self, budget: float):
        self.deadline = time.monotonic() + budget

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def wait_until(self, condition, *, timeout: float, what: str, every: float = 0.25):
        """Poll `condition` until true; returns the monotonic time it became true."""
        limit = min(time.monotonic() + timeout, self.deadline)
        while True:
            if condition():
                return time.monotonic()
            if time.monotonic() > limit:
                if time.monotonic() > self.deadline:
                    raise BudgetExceeded(what)
                raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
            time.sleep(every)

    def sleep(self, seconds: float) -> None:
        if seconds > self.left():
            raise BudgetExceeded(f"sleeping {seconds:.0f} s")
        time.sleep(seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bindir() -> Path | None:
    """The machine's PostgreSQL server binaries (PG_BINDIR, else the newest of Debian's)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    preferred = [p for p in found if p.parts[-3] == "15"]
    path = (preferred or found[-1:] or [None])[0]
    return path.parent if path else None


def prerequisites() -> list[str]:
    """What is missing to run the drills (empty when nothing is)."""
    missing = []
    if not pg_bindir() or not (pg_bindir() / "pg_ctl").exists():
        missing.append("PostgreSQL server binaries (initdb, pg_ctl; set PG_BINDIR)")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a `postgres` user to run PostgreSQL as (started as root)")
    return missing


# --- Processes ----------------------------------------------------------------------------


class Process:
    """A child in its own session: a kill reaches it and every process it started."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, **popen):
        self.name, self.command, self.env, self.log, self.popen = name, command, env, log, popen
        self.proc = None

    def start(self) -> "Process":
        log = open(self.log, "ab")  # noqa: SIM115 - the child writes it until it stops
        self.proc = subprocess.Popen(
            self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, **self.popen,
        )  # fmt: skip
        log.close()
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)
            if sig == signal.SIGKILL:
                self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.running():
            self.kill()  # children its exit may have left in the group
            return
        self.kill(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=timeout)
        self.kill()

    def tail(self, chars: int = 2000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class Postgres:
    """A cluster of our own: initdb in the temporary folder, pg_ctl on a spare port."""

    def __init__(self, folder: Path):
        self.bindir = pg_bindir()
        self.port = free_port()
        self.folder = folder / "pg"
        self.data = self.folder / "data"
        self.folder.mkdir()
        self.user = {}
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.user = {"user": owner.pw_uid, "group": owner.pw_gid}

    def _run(self, *args: str, timeout: float = 120) -> None:
        # Output to a file, not a pipe: a postmaster started by pg_ctl would hold the pipe
        # open, and run() would wait for it to close.
        with open(self.folder / "commands.log", "ab") as log:
            subprocess.run(
                [str(self.bindir / args[0]), *args[1:]], check=True, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, timeout=timeout, cwd=self.folder, **self.user,
            )  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        # fsync off: the migrations' many small commits go faster; no drill crashes the
        # machine (a restart is a clean shutdown, which writes everything anyway).
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "drill")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/drill"

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-m", "fast",
                  "-w", "-t", "60", "restart")  # fmt: skip

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)
        except (subprocess.SubprocessError, OSError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class Redis:
    """A redis-server of our own, on a spare port, with no persistence at all."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder / "redis"
        self.folder.mkdir()
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
        self.process = Process("redis", command, dict(os.environ), folder / "redis.log")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, clock: Clock) -> None:
        self.process.start()
        clock.wait_until(self.answers, timeout=20, what="redis start", every=0.1)

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop_without_saving(self) -> None:
        import redis

        with contextlib.suppress(redis.RedisError):
            redis.Redis(port=self.port, socket_connect_timeout=1).shutdown(nosave=True)
        try:
            self.process.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- The SMTP sink ------------------------------------------------------------------------


class SmtpSink:
    """A small SMTP server in a thread of this process: every message it accepts is a file
    in `folder` and a (Message-ID, recipients) entry. `down()` closes the port and every
    connection (connection refused); `mode = "4xx"` answers RCPT with 450 (greylisting)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder / "mail"
        self.folder.mkdir()
        self.mode = "ok"
        self.accepted: list[tuple[str, tuple[str, ...]]] = []
        self.refused = 0
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = None
        self.writers: set = set()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def up(self) -> None:
        self._call(self._up())

    async def _up(self):
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    def down(self) -> None:
        self._call(self._down())

    async def _down(self):
        self.server.close()
        for writer in list(self.writers):
            writer.close()
        await self.server.wait_closed()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.down()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        if not self.thread.is_alive():
            self.loop.close()

    async def _client(self, reader, writer):
        self.writers.add(writer)
        try:
            await self._session(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.writers.discard(writer)
            writer.close()

    async def _session(self, reader, writer):
        def say(line: str):
            writer.write(line.encode() + b"\r\n")

        say("220 faults-sink ESMTP")
        recipients: list[str] = []
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                say("250-faults-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP")
            elif verb in (b"HELO", b"NOOP"):
                say("250 OK")
            elif verb in (b"MAIL", b"RSET"):
                recipients = []
                say("250 OK")
            elif verb == b"RCPT":
                if self.mode == "4xx":
                    with self.lock:
                        self.refused += 1
                    say("450 4.2.0 Greylisted, please try again later")
                    continue
                recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                say("250 OK")
            elif verb == b"DATA":
                if not recipients:
                    say("503 5.5.1 No valid recipients")
                    continue
                say("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                self._store(await self._data(reader), recipients)
                recipients = []
                say("250 OK queued")
            elif verb == b"QUIT":
                say("221 Bye")
                await writer.drain()
                return
            else:
                say("502 Command not implemented")
            await writer.drain()

    async def _data(self, reader) -> bytes:
        lines = []
        while (line := await reader.readline()) not in (b".\r\n", b".\n"):
            if not line:  # the client went away before the end: the message is dropped
                raise ConnectionResetError("connection closed during DATA")
            lines.append(line[1:] if line.startswith(b"..") else line)  # dot-stuffing
        return b"".join(lines)

    def _store(self, data: bytes, recipients: list[str]) -> None:
        found = MESSAGE_ID.search(data)
        message_id = found.group(1).decode() if found else ""
        with self.lock:
            number = len(self.accepted)
            self.accepted.append((message_id, tuple(recipients)))
        (self.folder / f"{number:06d}.eml").write_bytes(data)


# --- /healthz ---------------------------------------------------------------------------


class HealthProbe:
    """GET /healthz every second in a thread: (monotonic time, HTTP status, body)."""

    def __init__(self, url: str):
        self.url = url
        self.samples: list[tuple[float, int, dict]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopped.is_set():
            at = time.monotonic()
            self.samples.append((at, *self.get()))
            self.stopped.wait(max(0.0, 1 - (time.monotonic() - at)))

    def get(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:  # noqa: S310 - http://127.0.0.1
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with contextlib.suppress(ValueError):
                return error.code, json.loads(error.read())
            return error.code, {}
        except (OSError, ValueError):
            return 0, {}  # no answer at all

    def between(self, start: float, end: float) -> list[tuple[float, int, dict]]:
        return [sample for sample in self.samples if start <= sample[0] <= end]

    def outage_seen(self, start: float, end: float) -> str:
        """What /healthz said during [start, end]: "" if always 200 and every part ok."""
        said = Counter()
        for _, status, body in self.between(start, end):
            failing = [part for part in ("database", "broker") if body.get(part) != "ok"]
            if body.get("outbox", {}).get("status") not in ("ok", None):
                failing.append(f"outbox {body['outbox']['status']}")
            if status != 200 or failing:
                said[f"{status or 'no answer'} ({', '.join(failing) or 'error'})"] += 1
        return "; ".join(f"{what} ×{count}" for what, count in said.most_common(2))

    def healthy_again(self, after: float) -> float | None:
        """Seconds from `after` to the first 200 since which every sample is 200."""
        last_bad = after
        for at, status, _ in self.samples:
            if at >= after and status != 200:
                last_bad = at
        later = [at for at, status, _ in self.samples if at > last_bad and status == 200]
        return later[0] - after if later else None


# --- The drills' setting ------------------------------------------------------------------


class Setting:
    """The services, the processes and the Django of this process, set up once."""

    def __init__(self, folder: Path, clock: Clock, timings: str):
        self.folder, self.clock = folder, clock
        self.timings = TIMINGS[timings]
        self.pg = Postgres(folder)
        self.redis = Redis(folder)
        self.smtp = SmtpSink(folder)
        self.web_port = free_port()
        self.processes: list[Process] = []
        self.probe = None
        self.report = None
        self.report_recovery = 0.0

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"):
            env.pop(name, None)
        env.update(self.timings)
        env.update({
            "DJANGO_SETTINGS_MODULE": "consortium.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DATABASE_URL": self.pg.url,
            "REDIS_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "CELERY_FILESYSTEM_DIR": str(self.folder / "celery"),
            "PYTHONPATH": str(ROOT),
        })  # fmt: skip
        return env

    def up(self) -> None:
        self.pg.init()
        self.redis.start(self.clock)
        self.smtp.up()
        env = self._env = self.env()
        os.environ.update(env)
        self._django()
        self.worker = self._process("worker", ["worker", "-c", "2", "-n", "drill@%h"])
        self.beat = self._process("beat", ["beat", "-s", str(self.folder / "beat-1")])
        command = [sys.executable, "-m", "gunicorn", "consortium.wsgi:application",
                   "-b", f"127.0.0.1:{self.web_port}", "-w", "1", "--threads", "4",
                   "--timeout", "30"]  # fmt: skip
        self.web = Process("web", command, env, self.folder / "web.log", cwd=ROOT)
        self.processes.append(self.web)
        for process in (self.worker, self.beat, self.web):
            process.start()
        self.probe = HealthProbe(f"http://127.0.0.1:{self.web_port}/healthz")
        self.clock.wait_until(lambda: self.probe.get()[0] == 200, timeout=60, what="gunicorn")
        self.probe.thread.start()
        self.clock.wait_until(self._worker_ready, timeout=60, what="worker start")

    def _process(self, name: str, arguments: list[str]) -> Process:
        command = [sys.executable, "-m", "celery", "-A", "consortium", *arguments, "-l", "warning"]
        if arguments[0] == "worker":
            command += ["--without-mingle", "--without-gossip"]
        process = Process(name, command, self._env, self.folder / f"{name}.log", cwd=self.folder)
        self.processes.append(process)
        return process

    def _worker_ready(self) -> bool:
        from consortium.core.models import WorkerHeartbeat

        if not self.worker.running():
            raise RuntimeError(f"the worker exited:\n{self.worker.tail()}")
        return db(lambda: WorkerHeartbeat.objects.exists())

    def _django(self) -> None:
        import logging

        import django

        django.setup()
        logging.disable(logging.CRITICAL)  # this process prints its findings, not the app's
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        (self.folder / "celery").mkdir(exist_ok=True)

    def restart_worker(self) -> float:
        """Start the worker again; returns when it was started (monotonic)."""
        self.worker.start()
        return time.monotonic()

    def down(self) -> None:
        if self.probe:
            self.probe.stopped.set()
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.stop(timeout=10)
        with contextlib.suppress(Exception):
            self.smtp.close()
        with contextlib.suppress(Exception):
            self.redis.process.stop(timeout=5)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        self.pg.stop()


def db(query, default=None):
    """Run an ORM query; None (`default`) while the database is away (drill c)."""
    from django.db import DatabaseError, connection

    try:
        return query()
    except DatabaseError:
        with contextlib.suppress(Exception):
            connection.close()
        return default


# --- Seeding ------------------------------------------------------------------------------


def coordinator():
    from django.contrib.auth.models import Group

    from consortium.core.enums import Role
    from consortium.core.models import User

    user, created = User.objects.get_or_create(
        email="coordination@exemple.fr", defaults={"is_staff": True, "first_name": "Claire"}
    )
    if created:
        user.groups.add(Group.objects.get_or_create(name=Role.COORDINATION.value)[0])
    return user


def seed_drill(tag: str, count: int) -> int:
    """`count` due reminders and one mailing to the people of the first event; returns
    how many e-mails that makes."""
    from reminders import seed

    from coordination.models import Mailing
    from coordination.services import mailing_send

    events = seed(count, tag=tag)
    mailing = Mailing.objects.create(
        subject=f"Exercice {tag}: lettre du réseau",
        body="<p>Bonjour, voici les nouvelles du réseau d'éveil artistique.</p>",
    )
    mailing.registrants_of.add(events[0])
    return count + mailing_send(actor=coordinator(), mailing=mailing)


def ask_for_reminders() -> None:
    """What beat does every REMINDER_SWEEP_SECONDS, at once."""
    from events.tasks import send_due_reminders

    with contextlib.suppress(Exception):
        send_due_reminders.delay()


def rows(tag: str):
    from consortium.core.models import OutboxMessage

    return OutboxMessage.objects.filter(recipient_email__startswith=f"participant{tag}")


def counts(tag: str) -> dict:
    return dict(Counter(rows(tag).values_list("status", flat=True)))


# --- The checks ---------------------------------------------------------------------------


def check_delivery(setting: Setting, tag: str) -> dict:
    """Each row of the drill at the sink exactly once; nothing else for its recipients."""
    from consortium.core.outbox import message_id_header

    expected = {message_id_header(row): row.recipient_email for row in rows(tag)}
    with setting.smtp.lock:
        accepted = list(setting.smtp.accepted)
    prefix = f"participant{tag}"
    mine = [(mid, rcpt) for mid, rcpt in accepted if any(r.startswith(prefix) for r in rcpt)]
    by_id = Counter(mid for mid, _ in mine)
    per_recipient = Counter(r for _, rcpt in mine for r in rcpt)
    wanted = Counter(expected.values())
    return {
        "rows": len(expected),
        "received": len(mine),
        "once": sum(1 for mid in expected if by_id[mid] == 1),
        "twice": sum(count - 1 for count in by_id.values() if count > 1),
        "missing": sum(1 for mid in expected if by_id[mid] == 0),
        "unknown": sum(1 for mid in by_id if mid not in expected),
        "recipients_off": sum(1 for r in wanted | per_recipient if wanted[r] != per_recipient[r]),
    }


def settled(tag: str, total: int) -> bool:
    """Every e-mail of the drill queued (the reminders sweep may have been cut short) and
    none left queued or sending."""
    from consortium.core.enums import OutboxStatus

    def done():
        active = rows(tag).filter(status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING])
        return rows(tag).count() == total and not active.exists()

    return db(done, False)


# --- The drills ---------------------------------------------------------------------------


def mid_batch(setting: Setting, tag: str, total: int) -> None:
    """Wait until a tenth of the drill's e-mails are at the sink: the batch is under way."""
    from consortium.core.enums import OutboxStatus

    def started():
        return db(lambda: rows(tag).filter(status=OutboxStatus.SENT).count(), 0) >= total // 10

    setting.clock.wait_until(started, timeout=180, what="first e-mails", every=0.05)


def fault_a(setting: Setting, args) -> tuple[float, float]:
    start = time.monotonic()
    setting.worker.kill(signal.SIGKILL)
    setting.clock.sleep(2)
    return start, setting.restart_worker()


def fault_b(setting: Setting, args) -> tuple[float, float]:
    from evaluations.figures import Period
    from evaluations.reports import report_request

    start = time.monotonic()
    setting.redis.stop_without_saving()
    period = Period.current_year()
    setting.report = report_request(actor=coordinator(), start=period.start, end=period.end)
    setting.clock.sleep(args.redis_down)
    setting.redis.start(setting.clock)
    return start, time.monotonic()


def fault_c(setting: Setting, args) -> tuple[float, float]:
    start = time.monotonic()
    setting.pg.restart()
    return start, time.monotonic()


def fault_e(setting: Setting, args) -> tuple[float, float]:
    start = time.monotonic()
    setting.smtp.down()
    setting.clock.sleep(args.smtp_down)
    setting.smtp.up()
    return start, time.monotonic()


def fault_f(setting: Setting, args) -> tuple[float, float]:
    start = time.monotonic()
    setting.smtp.mode = "4xx"
    setting.clock.sleep(args.smtp_4xx)
    setting.smtp.mode = "ok"
    return start, time.monotonic()


FAULTS = {"a": fault_a, "b": fault_b, "c": fault_c, "e": fault_e, "f": fault_f}


def email_drill(setting: Setting, key: str, args) -> dict:
    tag = f"-{key}"
    setting.report = None
    total = seed_drill(tag, args.count)
    ask_for_reminders()
    mid_batch(setting, tag, total)
    start, back = FAULTS[key](setting, args)
    done = setting.clock.wait_until(lambda: settled(tag, total), timeout=args.drill_timeout,
                                    what=f"drill {key}: delivery", every=0.5)  # fmt: skip
    result = {"fault_seconds": back - start, "recovery": done - back}
    result["report"] = report_outcome(setting, setting.report, after=back) if setting.report else ""
    return result | after_checks(setting, tag, start, back)


def drill_d(setting: Setting, args) -> dict:
    """Two beats at once: the reminders are queued by the beats (not by this script)."""
    tag = "-d"
    second = setting._process("beat-2", ["beat", "-s", str(setting.folder / "beat-2")]).start()
    start = time.monotonic()
    try:
        total = seed_drill(tag, args.count)
        setting.clock.wait_until(lambda: settled(tag, total), timeout=args.drill_timeout,
                                 what="drill d: delivery", every=0.5)  # fmt: skip
        done = time.monotonic()
        setting.clock.sleep(max(0.0, args.two_beats - (time.monotonic() - start)))
    finally:
        second.stop()
    back = time.monotonic()
    result = {"fault_seconds": back - start, "recovery": done - start, "report": ""}
    return result | after_checks(setting, tag, start, back)


def drill_g(setting: Setting, args) -> dict:
    """The worker is killed while it renders a report; the sweep fails it cleanly (or it is
    finished), the coordinator retries a failed one."""
    from evaluations.enums import ReportStatus
    from evaluations.figures import Period
    from evaluations.models import ActivityReport
    from evaluations.reports import report_request

    period = Period.current_year()
    report = report_request(actor=coordinator(), start=period.start, end=period.end)

    def generating():
        return db(lambda: ActivityReport.objects.get(pk=report.pk).status) != ReportStatus.REQUESTED

    setting.clock.wait_until(generating, timeout=120, what="report started", every=0.02)
    start = time.monotonic()
    caught = db(lambda: ActivityReport.objects.get(pk=report.pk).status) == ReportStatus.GENERATING
    setting.worker.kill(signal.SIGKILL)
    setting.clock.sleep(2)
    back = setting.restart_worker()
    outcome = report_outcome(setting, report, after=back)
    result = {"fault_seconds": back - start, "recovery": setting.report_recovery, "report": outcome}
    result["report_caught_generating"] = caught
    return result | after_checks(setting, None, start, back)


def report_outcome(setting: Setting, report, *, after: float) -> str:
    """Wait until the report is ready, or failed (then retried as the coordinator would)."""
    from evaluations.enums import ReportStatus
    from evaluations.models import ActivityReport
    from evaluations.reports import report_retry

    def status():
        return db(lambda: ActivityReport.objects.get(pk=report.pk).status)

    done = (ReportStatus.READY, ReportStatus.FAILED)
    timeout = setting.clock.left() - 30
    first = setting.clock.wait_until(lambda: status() in done, timeout=timeout, what="report")
    setting.report_recovery = first - after
    if status() == ReportStatus.READY:
        return f"ready after {first - after:.0f} s"
    failed = ActivityReport.objects.get(pk=report.pk)
    error = failed.error
    report_retry(actor=coordinator(), report=failed)
    ready = setting.clock.wait_until(lambda: status() in done, timeout=timeout, what="report")
    final = status()
    return (f"failed cleanly after {first - after:.0f} s ({error}); retried: {final} "
            f"{ready - first:.0f} s later")  # fmt: skip


def after_checks(setting: Setting, tag: str | None, start: float, back: float) -> dict:
    from consortium.core.enums import OutboxStatus
    from consortium.core.models import OutboxMessage

    setting.clock.sleep(min(3.0, max(0.0, setting.clock.left() - 30)))  # let /healthz settle
    result = {
        "healthz_during": setting.probe.outage_seen(start, back + 1),
        "healthz_back": setting.probe.healthy_again(back),
        "left_sending": OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count(),
        "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count(),
    }
    if tag:
        result |= check_delivery(setting, tag)
        result["outbox"] = counts(tag)
    return result


def run_drill(setting: Setting, key: str, args) -> dict:
    from django.db import connection

    connection.close()  # a fresh connection: the last drill may have broken this one
    if key == "d":
        return drill_d(setting, args)
    if key == "g":
        return drill_g(setting, args)
    return email_drill(setting, key, args)


def passed(key: str, r: dict) -> bool:
    if "error" in r:
        return False
    ok = r["left_sending"] == 0 and r["failed"] == 0
    if key != "g":
        ok = ok and r["twice"] == 0 and r["missing"] == 0 and r["unknown"] == 0
        ok = ok and r["recipients_off"] == 0 and r["once"] == r["rows"] > 0
    if r.get("report"):
        ok = ok and r["report"].startswith(("ready", "failed cleanly")) and "ready" in r["report"]
    return ok


# --- Output -------------------------------------------------------------------------------


def title(key: str, args) -> str:
    return DRILLS[key].format(**vars(args))


def table(results: dict, args) -> str:
    lines = [
        f"| drill ({args.count} reminders + 1 mailing each) | e-mails | delivered once "
        "| sent twice | left sending | /healthz during the fault | /healthz 200 again "
        "| recovery | report | result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results.items():
        if "error" in r:
            lines.append(f"| {key}. {title(key, args)} | | | | | | | | | **{r['error']}** |")
            continue
        back = "–" if r["healthz_back"] is None else f"{r['healthz_back']:.0f} s"
        lines.append(
            f"| {key}. {title(key, args)} | {r.get('rows', '–')} | {r.get('once', '–')} "
            f"| {r.get('twice', '–')} | {r['left_sending']} "
            f"| {r['healthz_during'] or 'always 200'} "
            f"| {back} | {r['recovery']:.0f} s | {r['report'] or '–'} "
            f"| {'ok' if passed(key, r) else '**FAILED**'} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default="abcdefg", help="which drills, e.g. a,b (default all)")
    parser.add_argument("--count", type=int, default=1000, help="reminders due per drill")
    parser.add_argument("--budget", type=float, default=900, help="global time limit, seconds")
    parser.add_argument("--timings", choices=sorted(TIMINGS), default="drill")
    parser.add_argument("--redis-down", type=float, default=20)
    parser.add_argument("--two-beats", type=float, default=60)
    parser.add_argument("--smtp-down", type=float, default=60)
    parser.add_argument("--smtp-4xx", type=float, default=30)
    parser.add_argument("--drill-timeout", type=float, default=360, help="per drill, seconds")
    parser.add_argument("--json", type=Path, help="write the results there too")
    args = parser.parse_args(argv)
    keys = [key for key in args.drills.replace(",", "") if key in DRILLS]
    missing = prerequisites()
    if missing:
        print("faults: missing " + "; ".join(missing), file=sys.stderr)
        return 2
    clock = Clock(args.budget)
    folder = Path(tempfile.mkdtemp(prefix="faults-"))
    folder.chmod(0o711)  # the postgres user goes through it to its own folder
    setting = Setting(folder, clock, args.timings)
    results: dict = {}
    previous = signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    try:
        print(f"faults: setting up in {folder} (budget {args.budget:.0f} s, timings "
              f"{args.timings}: {setting.timings})", flush=True)  # fmt: skip
        setting.up()
        print(f"faults: ready after {time.monotonic() - started:.0f} s: "
              f"PostgreSQL :{setting.pg.port}, "
              f"Redis :{setting.redis.port}, SMTP :{setting.smtp.port}, "
              f"gunicorn :{setting.web_port}", flush=True)  # fmt: skip
        for key in keys:
            at = time.monotonic()
            try:
                results[key] = run_drill(setting, key, args)
            except BudgetExceeded as error:
                results[key] = {"error": f"budget spent ({error})"}
                break
            except Exception as error:  # one drill's failure is a finding: the next ones run
                results[key] = {"error": f"{type(error).__name__}: {error}"[:300]}
                if not (setting.worker.running() and setting.redis.answers() and db(lambda: 1)):
                    break
            print(f"faults: {key}. {title(key, args)} ({time.monotonic() - at:.0f} s): "
                  f"{json.dumps(results[key], default=str)}", flush=True)  # fmt: skip
    except (KeyboardInterrupt, BudgetExceeded) as error:
        print(f"faults: interrupted ({type(error).__name__}), cleaning up", file=sys.stderr)
    finally:
        logs = {p.name: p.tail(1500) for p in setting.processes if p.proc}
        setting.down()
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    elapsed = time.monotonic() - started
    print(f"\n{table(results, args)}\n\nfaults: {len(results)} drill(s) in {elapsed:.0f} s, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    ok = len(results) == len(keys) and all(passed(k, r) for k, r in results.items())
    if args.json:
        summary = {"ok": ok, "elapsed": elapsed, "results": results, "passed": {
            k: passed(k, r) for k, r in results.items()}}  # fmt: skip
        if not ok:
            summary["logs"] = logs
        args.json.write_text(json.dumps(summary, default=str, indent=1))
    return 0 if ok else 1


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
