"""Backups of the database and the media files, and their restore (commands `backup`, `restore`).

One archive is one uncompressed tar (the PostgreSQL dump is compressed already, and most media
are images and PDFs), readable by anyone with `tar -tf`:

    database.dump      PostgreSQL: pg_dump --format=custom
    database.sqlite3   SQLite: a copy made with SQLite's online backup API
    media/...          every regular file under MEDIA_ROOT
    manifest.json      last: date, vendor and versions, applied migrations, and the size and
                       SHA-256 of every other member

The archive is written under a temporary name and renamed when complete, readable by its owner
only (it holds personal data). A restore checks the whole archive against its manifest before
it changes anything, and refuses another database vendor. Messages are French (the operators');
nothing personal is printed: counts and sizes, never file names from the media or rows.

PostgreSQL: the connection comes from DATABASES, the password travels in PGPASSWORD (never on a
command line); pg_dump and pg_restore must be of the server's major version (a client of 17 or
later writes `SET transaction_timeout`, which a server before 17 rejects).
"""

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .pagecache import content_changed

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_NAME = re.compile(r"consortium-\d{8}-\d{6}-\d{6}\.tar")
# Folders a restore works in, inside MEDIA_ROOT so that moving files is a rename; never saved.
STAGING_PREFIX = ".restauration-"
CHUNK = 1024 * 1024
PG_OPTIONS_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or a restore refused or failed; the message (French) says why."""


@dataclass
class BackupResult:
    path: Path
    size: int
    database_size: int
    media_files: int
    media_size: int
    seconds: float


@dataclass
class RestoreResult:
    manifest: dict
    database_size: int
    media_files: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _silent(message: str) -> None:
    pass


# --- writing an archive -----------------------------------------------------------------


def create_backup(
    *, folder: Path, alias: str = "default", pg_bin_dir: str = "", log=_silent
) -> BackupResult:
    """Write one archive of the database `alias` and of MEDIA_ROOT into `folder`."""
    started = time.monotonic()
    connection = connections[alias]
    dump_name = _dump_name(connection.vendor)
    folder.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    final = folder / f"consortium-{created:%Y%m%d-%H%M%S-%f}.tar"
    partial = folder / f".{final.name}.partial"
    try:
        with tempfile.TemporaryDirectory(dir=folder) as scratch:
            dump = Path(scratch) / dump_name
            log(f"Sauvegarde de la base ({connection.vendor})…")
            database = _dump_database(connection, dump, pg_bin_dir)
            manifest = _manifest(connection, created, database)
            with _open_private(partial) as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                files = {dump_name: _add_file(tar, dump, dump_name)}
                dump.unlink()
                log("Copie des fichiers médias…")
                media = _add_media(tar, Path(settings.MEDIA_ROOT), files)
                manifest.update(files=files, media=media)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
                tar.close()
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=final,
        size=final.stat().st_size,
        database_size=files[dump_name]["size"],
        media_files=media["files"],
        media_size=media["bytes"],
        seconds=time.monotonic() - started,
    )


def _dump_name(vendor: str) -> str:
    if vendor not in DUMP_NAMES:
        raise BackupError(
            f"Base de données « {vendor} » non prise en charge (PostgreSQL ou SQLite)."
        )
    return DUMP_NAMES[vendor]


def _open_private(path: Path):
    # 0600 from the first byte: the archive holds every account and every dossier.
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _manifest(connection, created, database: dict) -> dict:
    return {
        "format": FORMAT,
        "application": "consortium",
        "created_at": created.isoformat(),
        "django": django.get_version(),
        "database": {"vendor": connection.vendor, **database},
        "migrations": applied_migrations(connection),
    }


def applied_migrations(connection) -> list[str]:
    """The migrations recorded in the database, as sorted "app.name" strings."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


class _HashingReader:
    """A file that computes the SHA-256 of what tarfile reads from it."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.source.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as source:
        reader = _HashingReader(source)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _media_files(root: Path):
    """Regular files under `root` (no symbolic link, no restore leftovers), sorted."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(STAGING_PREFIX))
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _add_media(tar: tarfile.TarFile, root: Path, files: dict) -> dict:
    count = size = 0
    for path in _media_files(root):
        arcname = f"{MEDIA_DIR}/{path.relative_to(root).as_posix()}"
        files[arcname] = _add_file(tar, path, arcname)
        count += 1
        size += files[arcname]["size"]
    return {"files": count, "bytes": size}


def _dump_database(connection, dump: Path, pg_bin_dir: str) -> dict:
    if connection.vendor != "sqlite":
        return _pg_dump(connection, dump, pg_bin_dir)
    try:
        return _dump_sqlite(connection, dump)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite a refusé la copie de la base : {error}") from error


def _sqlite_path(connection) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    return name


def _dump_sqlite(connection, dump: Path) -> dict:
    # The online backup API copies a consistent state while the portal keeps writing.
    source = sqlite3.connect(_sqlite_path(connection), timeout=20)
    target = sqlite3.connect(dump)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return {"server_version": sqlite3.sqlite_version}


# --- PostgreSQL clients -------------------------------------------------------------------


def pg_environment(settings_dict: dict) -> dict:
    """The environment for pg_dump/pg_restore: the connection settings, password included.

    Everything goes through libpq's variables, so that no connection detail, and above all
    not the password, appears on a command line (visible to every user in `ps`) or in a log.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    values.update({var: options.get(option) for option, var in PG_OPTIONS_ENV.items()})
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def pg_program(name: str, bin_dir: str = "") -> str:
    """The path of `name` (pg_dump, pg_restore) in `bin_dir`, or on PATH."""
    found = str(Path(bin_dir) / name) if bin_dir else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL de la version du serveur "
            "(paquet postgresql-client) ou indiquez son dossier avec --pg-bin-dir."
        )
    return found


def _client_major(program: str) -> int:
    output = _run([program, "--version"], dict(os.environ), Path(program).name)
    found = re.search(r"\)\s+(\d+)", output)
    if not found:
        raise BackupError(f"Version de {Path(program).name} illisible : {output.strip()}")
    return int(found.group(1))


def _check_client(program: str, server: int) -> int:
    name, client = Path(program).name, _client_major(program)
    if client < server or (client >= 17 > server):
        raise BackupError(
            f"{name} {client} ne convient pas au serveur PostgreSQL {server} : installez le "
            f"client PostgreSQL {server} (paquet postgresql-client-{server}) ou indiquez son "
            "dossier avec --pg-bin-dir."
        )
    return client


def _server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run(args: list[str], env: dict, label: str) -> str:
    # The arguments are the program's path, fixed options and paths this module chose.
    completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode:
        details = "\n".join(completed.stderr.strip().splitlines()[-5:])
        raise BackupError(f"{label} a échoué (code {completed.returncode}) :\n{details}")
    return completed.stdout


def _pg_dump(connection, dump: Path, bin_dir: str) -> dict:
    server = _server_major(connection)
    program = pg_program("pg_dump", bin_dir)
    client = _check_client(program, server)
    args = [program, "--format=custom", "--no-password", f"--file={dump}"]
    _run(args, pg_environment(connection.settings_dict), "pg_dump")
    return {"server_version": server, "pg_dump_version": client}


def _pg_restore(connection, dump: Path, bin_dir: str) -> None:
    server = _server_major(connection)
    program = pg_program("pg_restore", bin_dir)
    _check_client(program, server)
    # One transaction: a restore that fails half-way leaves the database as it was.
    args = [
        program,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={connection.settings_dict['NAME']}",
        str(dump),
    ]
    env = pg_environment(connection.settings_dict)
    connection.close()
    _run(args, env, "pg_restore")
    _drop_tables_not_in(connection, _run([program, "--list", str(dump)], env, "pg_restore"))


TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)


def _drop_tables_not_in(connection, listing: str) -> None:
    """Drop the tables that the archive does not have (made by later migrations).

    --clean drops and recreates only what the dump holds: a table created after the backup
    would stay, and the next `migrate` would fail to create it again.
    """
    saved = set(TOC_TABLE.findall(listing))
    schemas = sorted({schema for schema, _ in saved}) or ["public"]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(%s)", [schemas]
        )
        for schema, table in cursor.fetchall():
            if (schema, table) not in saved:
                quote = connection.ops.quote_name
                cursor.execute(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)} CASCADE")


# --- reading and restoring an archive ------------------------------------------------------


def restore_backup(
    *,
    path: Path,
    alias: str = "default",
    pg_bin_dir: str = "",
    confirm: Callable[[dict], bool] = lambda manifest: True,
    check_only: bool = False,
    log=_silent,
) -> RestoreResult:
    """Check the archive at `path`, ask `confirm`, then restore the database and MEDIA_ROOT.

    Nothing is changed when the archive is unreadable, corrupted, of another database vendor,
    or when `confirm` answers no; nor ever with `check_only`, which stops after the check.
    """
    started = time.monotonic()
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    # Private (0700), and on the media volume, which has room for the dump as well (/tmp may
    # be small) and lets the media files be put in place by renaming them.
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        log("Vérification de l'archive…")
        manifest, dump = _unpack(
            path, connection.vendor, staging / "base", staging, write=not check_only
        )
        if check_only:
            return _result(manifest, connection.vendor, started)
        if not confirm(manifest):
            raise BackupError("Restauration annulée : rien n'a été modifié.")
        log(f"Restauration de la base ({connection.vendor})…")
        _restore_database(connection, dump, pg_bin_dir)
        log("Remplacement des fichiers médias…")
        _replace_media(staging / MEDIA_DIR, media_root, staging)
        content_changed()  # the cached public pages show what the database no longer has
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _result(manifest, connection.vendor, started)


def _result(manifest: dict, vendor: str, started: float) -> RestoreResult:
    return RestoreResult(
        manifest=manifest,
        database_size=manifest["files"][DUMP_NAMES[vendor]]["size"],
        media_files=manifest["media"]["files"],
        seconds=time.monotonic() - started,
        warnings=_migration_warnings(manifest),
    )


def _unpack(
    path: Path, vendor: str, scratch: Path, staging: Path, *, write: bool = True
) -> tuple[dict, Path]:
    """Extract the archive into `scratch` (database) and `staging` (media), checking each file.

    With `write=False`, only read and check: nothing is written.
    """
    if not path.is_file():
        raise BackupError(f"Archive introuvable : {path}")
    try:
        with tarfile.open(path, "r:") as tar:
            members = tar.getmembers()
            manifest = _read_manifest(tar, members)
            _check_vendor(manifest, vendor)
            expected = dict(manifest["files"])
            dump_name = DUMP_NAMES[vendor]
            for member in members:
                if member.name == MANIFEST:
                    continue
                target = _target(member, expected, dump_name, scratch, staging)
                _extract_checked(tar, member, target if write else None, expected.pop(member.name))
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"Archive illisible ou corrompue ({path.name}) : {error}") from error
    if expected:
        raise BackupError(
            f"Archive incomplète ({path.name}) : {len(expected)} fichier(s) du manifeste absent(s)."
        )
    if dump_name not in manifest["files"]:
        raise BackupError(f"Archive incomplète ({path.name}) : la base de données manque.")
    return manifest, scratch / dump_name


def _read_manifest(tar: tarfile.TarFile, members: list) -> dict:
    if not members or members[-1].name != MANIFEST or not members[-1].isreg():
        raise BackupError(
            "Archive incomplète ou corrompue : le manifeste, écrit en dernier, manque."
        )
    manifest = json.loads(tar.extractfile(members[-1]).read())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Ce fichier n'est pas une archive du portail (format inconnu).")
    if not isinstance(manifest.get("files"), dict):
        raise BackupError("Manifeste corrompu : la liste des fichiers manque.")
    return manifest


def _check_vendor(manifest: dict, vendor: str) -> None:
    saved = manifest.get("database", {}).get("vendor")
    if saved != vendor:
        raise BackupError(
            f"Cette archive contient une base « {saved} », mais la base configurée est "
            f"« {vendor} » : restauration refusée, rien n'a été modifié."
        )


def _target(member, expected: dict, dump_name: str, scratch: Path, staging: Path) -> Path:
    name = PurePosixPath(member.name)
    if member.name not in expected or not member.isreg():
        raise BackupError(f"Archive corrompue : « {member.name} » n'est pas dans le manifeste.")
    if member.name == dump_name:
        return scratch / dump_name
    if name.is_absolute() or ".." in name.parts or name.parts[0] != MEDIA_DIR:
        raise BackupError(f"Archive refusée : chemin interdit « {member.name} ».")
    return staging.joinpath(*name.parts)


def _extract_checked(tar: tarfile.TarFile, member, target: Path | None, expected: dict) -> None:
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    if target:
        target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") if target else contextlib.nullcontext() as output:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            if output:
                output.write(chunk)
    if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            f"Archive corrompue : la somme de contrôle de « {member.name} » ne correspond pas "
            "au manifeste. Restauration refusée, rien n'a été modifié."
        )


def _restore_database(connection, dump: Path, pg_bin_dir: str) -> None:
    if connection.vendor == "sqlite":
        try:
            _restore_sqlite(connection, dump)
        except sqlite3.Error as error:
            raise BackupError(
                f"SQLite a refusé la restauration ({error}) : arrêtez le portail et ses tâches "
                "de fond, puis recommencez."
            ) from error
    else:
        _pg_restore(connection, dump, pg_bin_dir)


def _restore_sqlite(connection, dump: Path) -> None:
    check = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(f"La base de l'archive est endommagée (SQLite : {verdict}).")
    connection.close()
    # The backup API again, in the other direction: the live file (and its WAL) is rewritten
    # in one transaction, under SQLite's lock, instead of being swapped under open readers.
    source = sqlite3.connect(dump)
    target = sqlite3.connect(_sqlite_path(connection), timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _replace_media(restored: Path, root: Path, staging: Path) -> None:
    """Make `root` hold exactly `restored`, by renames inside `root` (a volume's mount point)."""
    restored.mkdir(exist_ok=True)
    previous = staging / "avant"
    previous.mkdir()
    current = [e for e in root.iterdir() if not e.name.startswith(STAGING_PREFIX)]
    for entry in current:
        os.replace(entry, previous / entry.name)
    try:
        for entry in restored.iterdir():
            os.replace(entry, root / entry.name)
    except OSError:
        for entry in previous.iterdir():  # put the previous files back, as they were
            shutil.rmtree(root / entry.name, ignore_errors=True)
            os.replace(entry, root / entry.name)
        raise


def _migration_warnings(manifest: dict) -> list[str]:
    saved = set(manifest.get("migrations", []))
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.graph.nodes}
    pending = known - saved
    unknown = saved - known - _replaced(loader)
    warnings = []
    if pending:
        warnings.append(
            f"{len(pending)} migration(s) du code sont plus récentes que l'archive : "
            "lancez « python manage.py migrate »."
        )
    if unknown:
        warnings.append(
            f"L'archive a {len(unknown)} migration(s) que ce code ne connaît pas "
            f"(par exemple {min(unknown)}) : elle vient d'une version plus récente du portail."
        )
    return warnings


def _replaced(loader: MigrationLoader) -> set[str]:
    return {
        f"{app}.{name}"
        for migration in loader.disk_migrations.values()
        for app, name in migration.replaces
    }


# --- retention ------------------------------------------------------------------------------


def archives_in(folder: Path) -> list[Path]:
    """The archives of `folder`, oldest first (their names sort by date)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if ARCHIVE_NAME.fullmatch(p.name) and p.is_file())


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives of `folder`; return the deleted ones."""
    if keep < 1:
        raise BackupError("--keep doit être un entier supérieur ou égal à 1.")
    old = archives_in(folder)[:-keep]
    for path in old:
        path.unlink()
    return old


def french_size(size: int) -> str:
    """`size` bytes as an operator reads it: « 812 octets », « 4,6 Mo »."""
    if size < 1024:
        return f"{size} octets"
    for unit in ("Ko", "Mo", "Go", "To"):
        size /= 1024
        if size < 1024 or unit == "To":
            break
    return f"{size:.1f} {unit}".replace(".", ",")


def french_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")
