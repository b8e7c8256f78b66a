"""Restore drill: prove that a backup brings back the database and the media as they were.

Starts a PostgreSQL 15 of its own (initdb and pg_ctl in a temporary folder, on a free port of
127.0.0.1, never the machine's server), migrates it, loads the demo data (`seed_demo`) and
writes media files, then runs the real commands:

    backup   →  more writes (seed_demo at a larger scale, an update, media added, changed,
                deleted)  →  restore --yes

and checks that every table (each row, in order, hashed) and every sequence, and every media
file, are exactly what they were when the backup was taken: all that was written before it is
back, nothing written after it is left. The server asks for a password (SCRAM), which goes
through the backup's environment only: the drill also checks that no output shows it.

Bounded (`--timeout`, each step stopped at the deadline), loopback only, and it cleans up on
exit (server stopped, folder removed), on Ctrl-C and SIGTERM too. As root, the server runs as
the `postgres` user (PostgreSQL refuses root).

    .venv/bin/python benchmarks/backup_drill.py [--scale 1] [--media-files 40] [--timeout 900]

`run_drill(...)` returns the result as a dict, for another script (benchmarks/faults.py).
"""

import argparse
import contextlib
import hashlib
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "/usr/lib/postgresql/15/bin")
DATABASE = "exercice"
USER = "consortium"


class DrillError(Exception):
    """The drill could not run, or its check failed."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise DrillError("the drill went past its --timeout")
        return left


def _server_user():
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise DrillError(
            "as root, the drill runs PostgreSQL as the 'postgres' user: none here"
        ) from None


class Cluster:
    """A throwaway PostgreSQL in `folder`, on 127.0.0.1:`port`, owned by a non-root user."""

    def __init__(self, folder: Path, bin_dir: str, deadline: Deadline):
        self.folder, self.bin_dir, self.deadline = folder, Path(bin_dir), deadline
        self.data = folder / "pgdata"
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self.owner = _server_user() if os.geteuid() == 0 else None
        self.started = False

    def _run(self, *args: str) -> None:
        kwargs = {}
        if self.owner:  # PostgreSQL refuses to run as root
            kwargs = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        completed = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=self.deadline.left(),
            check=False,
            cwd=self.folder,
            **kwargs,
        )
        if completed.returncode:
            raise DrillError(f"{args[0]} failed: {completed.stderr.strip()[-800:]}")

    def start(self) -> None:
        if not (self.bin_dir / "initdb").exists():
            raise DrillError(f"no initdb in {self.bin_dir} (set PG_BIN_DIR)")
        password_file = self.folder / "pwfile"
        password_file.write_text(self.password + "\n")
        if self.owner:
            for path in (self.folder, password_file):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, f"--pwfile={password_file}",
            "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        password_file.unlink()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories='{self.folder}' -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self.started = True
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.started = False

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = DATABASE):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10)


def fingerprint(cluster: Cluster) -> dict:
    """Each table's row count and hash of its rows in order, and each sequence's value."""
    from psycopg import sql

    result = {}
    with cluster.connect() as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
            result[table] = tuple(connection.execute(query).fetchone())
        for (sequence,) in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall():
            value = connection.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(sequence))
            ).fetchone()
            result[f"sequence {sequence}"] = tuple(value)
    return result


def media_fingerprint(root: Path) -> dict:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_media(root: Path, count: int, rng: random.Random) -> None:
    """`count` files of 1 KB to 400 KB in a few folders (random bytes: incompressible)."""
    for index in range(count):
        folder = root / ("ressources", "dossiers", "affiches")[index % 3]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"fichier-{index:03d}.bin").write_bytes(
            rng.randbytes(rng.randint(1_000, 400_000))
        )


def change_media(root: Path, rng: random.Random) -> None:
    """After the backup: one file added, one rewritten, one deleted."""
    (root / "apres-la-sauvegarde.bin").write_bytes(rng.randbytes(5_000))
    files = sorted(p for p in root.rglob("*") if p.is_file())
    files[0].write_bytes(b"rewritten after the backup")
    files[-1].unlink()


class Django:
    """`manage.py` commands against the drill's database and folders, in child processes."""

    def __init__(self, cluster: Cluster, folder: Path, deadline: Deadline, bin_dir: str):
        self.deadline = deadline
        self.outputs: list[str] = []
        removed = ("REDIS_URL", "REQUIRE_SERVICES", "DJANGO_SETTINGS_MODULE")
        self.env = {k: v for k, v in os.environ.items() if k not in removed}
        self.env.update(
            DJANGO_SETTINGS_MODULE="consortium.settings.local",
            DJANGO_DEBUG="0",
            DATABASE_URL=cluster.url(),
            DJANGO_MEDIA_ROOT=str(folder / "media"),
            DJANGO_BACKUP_ROOT=str(folder / "backups"),
            DJANGO_BACKUP_PG_BIN_DIR=bin_dir,
            CELERY_FILESYSTEM_DIR=str(folder / "broker"),
            EMAIL_URL=f"file://{folder / 'mail'}",
            DJANGO_LOG_LEVEL="WARNING",
        )

    def run(self, *args: str) -> float:
        started = time.monotonic()
        completed = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=self.deadline.left(),
            check=False,
            cwd=ROOT,
        )
        self.outputs.append(completed.stdout + completed.stderr)
        if completed.returncode:
            raise DrillError(f"manage.py {args[0]} failed:\n{completed.stderr.strip()[-1500:]}")
        return time.monotonic() - started


def run_drill(
    *,
    scale: int = 1,
    media_files: int = 40,
    timeout: float = 900,
    pg_bin_dir: str = PG_BIN_DIR,
    log=print,
) -> dict:
    """Run the drill; return its measures and `ok` (True when the restore was exact).

    Raises DrillError when a step fails or the deadline passes; cleans up in every case.
    """
    deadline = Deadline(timeout)
    folder = Path(tempfile.mkdtemp(prefix="consortium-exercice-"))
    cluster = Cluster(folder, pg_bin_dir, deadline)
    try:
        return _drill(cluster, folder, scale, media_files, pg_bin_dir, deadline, log)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _drill(cluster, folder, scale, media_count, bin_dir, deadline, log) -> dict:
    rng = random.Random(95)
    timings = {}
    started = time.monotonic()
    cluster.start()
    with cluster.connect("postgres") as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")
    timings["server_start"] = time.monotonic() - started
    log(f"PostgreSQL of the drill on 127.0.0.1:{cluster.port} ({timings['server_start']:.1f} s)")
    django = Django(cluster, folder, deadline, bin_dir)
    media = folder / "media"
    timings["migrate"] = django.run("migrate", "--noinput")
    timings["seed_demo"] = django.run("seed_demo", f"--scale={scale}")
    write_media(media, media_count, rng)
    media_bytes = sum(path.stat().st_size for path in media.rglob("*") if path.is_file())
    log(f"migrate {timings['migrate']:.1f} s, seed_demo {timings['seed_demo']:.1f} s")
    before, media_before = fingerprint(cluster), media_fingerprint(media)

    timings["backup"] = django.run("backup", "--keep=3")
    archive = max((folder / "backups").glob("consortium-*.tar"))
    log(f"backup {timings['backup']:.1f} s, archive {archive.stat().st_size / 1e6:.1f} MB")

    timings["write_after"] = _write_after(django, cluster, media, scale, rng)
    after = fingerprint(cluster)
    if after == before or media_fingerprint(media) == media_before:
        raise DrillError(
            "the writes after the backup changed nothing: the check would prove nothing"
        )

    timings["restore"] = django.run("restore", "--yes", str(archive))
    log(f"restore {timings['restore']:.1f} s")
    restored, media_restored = fingerprint(cluster), media_fingerprint(media)
    return _result(
        before, after, restored, media_before, media_restored, cluster, django, archive,
        media_bytes, timings, time.monotonic() - started,
    )  # fmt: skip


def _write_after(django, cluster, media, scale, rng) -> float:
    started = time.monotonic()
    django.run("seed_demo", f"--scale={scale + 1}")
    with cluster.connect() as connection:
        connection.execute(
            "UPDATE core_user SET first_name = 'Changé' WHERE id = (SELECT min(id) FROM core_user)"
        )
    change_media(media, rng)
    return time.monotonic() - started


def _result(
    before, after, restored, media_before, media_restored, cluster, django, archive,
    media_bytes, timings, total,
) -> dict:  # fmt: skip
    differing = sorted(name for name in before if restored.get(name) != before[name])
    leftovers = sorted(set(restored) - set(before))
    rows = sum(value[0] for name, value in before.items() if not name.startswith("sequence "))
    leaked = any(cluster.password in output for output in django.outputs)
    return {
        "ok": not differing and not leftovers and media_restored == media_before and not leaked,
        "tables": sum(not name.startswith("sequence ") for name in before),
        "rows_at_backup": rows,
        "tables_changed_after_backup": sum(
            after.get(name) != before[name] for name in before if not name.startswith("sequence ")
        ),
        "tables_differing_after_restore": differing + leftovers,
        "media_files": len(media_before),
        "media_bytes": media_bytes,
        "media_identical": media_restored == media_before,
        "archive_bytes": archive.stat().st_size,
        "password_in_output": leaked,
        "seconds": {name: round(value, 2) for name, value in timings.items()},
        "total_seconds": round(total, 1),
    }


def _stop_on_signal(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through run_drill's cleanup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale before the backup")
    parser.add_argument("--media-files", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=900, help="seconds, for the whole drill")
    parser.add_argument("--pg-bin-dir", default=PG_BIN_DIR)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        result = run_drill(
            scale=args.scale,
            media_files=args.media_files,
            timeout=args.timeout,
            pg_bin_dir=args.pg_bin_dir,
        )
    except DrillError as error:
        print(f"DRILL FAILED: {error}", file=sys.stderr)
        return 1
    _print(result)
    return 0 if result["ok"] else 1


def _print(result: dict) -> None:
    print()
    print("| step | seconds |")
    print("|---|---:|")
    for name, value in result["seconds"].items():
        print(f"| {name} | {value:.1f} |")
    print(f"| whole drill | {result['total_seconds']:.1f} |")
    print()
    print(
        f"{result['tables']} tables, {result['rows_at_backup']:,} rows at the backup "
        f"({result['tables_changed_after_backup']} tables changed after it); "
        f"{result['media_files']} media files, {result['media_bytes'] / 1e6:.1f} MB; "
        f"archive {result['archive_bytes'] / 1e6:.1f} MB"
    )
    if result["ok"]:
        print("RESTORE EXACT: every table, sequence and media file as at the backup; "
              "nothing written after it is left; the password appeared in no output.")  # fmt: skip
    else:
        print(f"RESTORE WRONG: tables differing {result['tables_differing_after_restore']}, "
              f"media identical {result['media_identical']}, "
              f"password in output {result['password_in_output']}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
