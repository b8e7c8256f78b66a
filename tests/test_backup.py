"""Backups and restores (`manage.py backup` / `restore`) on the database the suite runs on.

CI runs this module twice: on SQLite, and on PostgreSQL with pg_dump/pg_restore (where a
missing client fails the test under REQUIRE_SERVICES=1 instead of skipping it).

A restore never targets this worker's test database: `target` is a throwaway copy of it
(PostgreSQL: CREATE DATABASE ... TEMPLATE, dropped afterwards; SQLite: a file in tmp_path),
made when the test has written the rows that must disappear, under its own connection alias.
"""

import io
import json
import shutil
import sqlite3
import tarfile
import time
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import OperationalError, load_backend
from event_factories import EventFactory
from factories import UserFactory
from member_factories import OrganizationFactory
from project_factories import ProjectFactory
from service_checks import require
from transactional import restore_reference_data

from consortium.core import backups
from consortium.core.backups import BackupError, pg_environment, prune
from members.models import OrganizationType

TARGET = "backup_target"
# Committed rows: pg_dump and SQLite's backup read the database from another connection.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg_clients():
    if connection.vendor != "postgresql":
        return
    for name in ("pg_dump", "pg_restore"):
        found = shutil.which(name)
        require(name, found is not None, "install postgresql-client of the server's version")


@pytest.fixture
def clone(tmp_path, pg_clients):
    """`clone()` copies this worker's test database, as it is now, to the alias TARGET."""
    created = []

    def make():
        settings_dict = dict(connections["default"].settings_dict)
        if connection.vendor == "postgresql":
            settings_dict["NAME"] = _pg_clone(settings_dict["NAME"])
        else:
            settings_dict["NAME"] = str(tmp_path / "cible.sqlite3")
            _sqlite_clone(settings_dict["NAME"])
        # Not in connections.settings: Django's test case allows a connection made this way.
        backend = load_backend(settings_dict["ENGINE"])
        connections[TARGET] = backend.DatabaseWrapper(settings_dict, alias=TARGET)
        created.append(settings_dict["NAME"])

    yield make
    if created:
        connections[TARGET].close()
        del connections[TARGET]
    if created and connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created[0]}" WITH (FORCE)')


def _pg_clone(source: str) -> str:
    name = f"{source}_copie_{uuid.uuid4().hex[:8]}"
    connection.close()  # a template database must have no other session
    with connection._nodb_cursor() as cursor:
        for attempt in range(20):
            # Sessions earlier tests of this worker left open (a thread's connection, a
            # Celery worker's) would refuse the copy: they are leftovers, ended here.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            )
            try:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                return name
            except OperationalError:
                if attempt == 19:
                    raise
                time.sleep(0.25)  # the ended sessions take a moment to go
    return name


def _sqlite_clone(target: str) -> None:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()


def snapshot(alias: str) -> dict:
    """Every row of every table of the project's and Django's models, in `alias`."""
    return {
        model._meta.label: list(model._default_manager.using(alias).order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def media_files(root: Path) -> dict:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_rows(tag: str) -> None:
    """Rows in four apps: an account, an organisation, an event (with its session), a project."""
    if not OrganizationType.objects.exists():
        restore_reference_data()  # a transactional test before this one emptied the tables
    UserFactory(email=f"{tag}@example.org")
    OrganizationFactory(name=f"Médiathèque {tag}")
    EventFactory(title=f"Rencontre {tag}")
    ProjectFactory(title=f"Projet {tag}")


def backup(folder: Path, **options) -> Path:
    call_command("backup", output_dir=folder, stdout=io.StringIO(), **options)
    return backups.archives_in(folder)[-1]


def restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), database=TARGET, stdout=out, **options)
    return out.getvalue()


# One test, one copy, one real restore: on PostgreSQL each copy, restore and flush costs
# seconds. The refusals come first, against the same copy, which must come out unchanged.
@committed
def test_refusals_change_nothing_and_the_restore_brings_back_only_what_was_saved(
    settings, tmp_path, clone, monkeypatch
):
    media = Path(settings.MEDIA_ROOT)
    (media / "ressources").mkdir(parents=True)
    (media / "ressources" / "guide.pdf").write_bytes(b"%PDF-1.7 avant la sauvegarde")
    write_rows("avant")
    saved_rows, saved_media = snapshot("default"), media_files(media)
    saved_tables = connection.introspection.table_names()
    archive = backup(tmp_path / "sauvegardes")

    write_rows("apres")
    UserFactory._meta.model.objects.filter(email="avant@example.org").update(first_name="Changé")
    (media / "ressources" / "guide.pdf").write_bytes(b"%PDF-1.7 modifie ensuite")
    (media / "apres.png").write_bytes(b"\x89PNG ecrit apres")
    clone()
    with connections[TARGET].cursor() as cursor:  # as a later migration would
        cursor.execute("CREATE TABLE table_apres_la_sauvegarde (id integer)")
    later_rows, later_media = snapshot(TARGET), media_files(media)
    assert later_rows == snapshot("default") != saved_rows

    for bad, message in refused_archives(archive, tmp_path):
        with pytest.raises(CommandError, match=message):
            restore(bad, yes=True)
        with pytest.raises(CommandError, match=message):
            restore(bad, check=True)
    assert "Archive intacte (rien n'a été restauré)" in restore(archive, check=True)
    with pytest.raises(CommandError, match="--yes"):  # no terminal to ask on
        restore(archive)
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Restauration annulée"):
        restore(archive)
    assert snapshot(TARGET) == later_rows
    assert media_files(media) == later_media

    output = restore(archive, yes=True)

    assert snapshot(TARGET) == saved_rows
    assert connections[TARGET].introspection.table_names() == saved_tables
    assert media_files(media) == saved_media
    assert "Restauration terminée" in output
    assert "guide" not in output and "avant@" not in output  # counts and sizes only
    assert not any(path.name.startswith(".restauration-") for path in media.iterdir())


def refused_archives(archive: Path, folder: Path):
    """(archive, message) pairs: a flipped byte, a truncated copy, another vendor's."""
    flipped = folder / "corrompue.tar"
    flipped.write_bytes(_flip_byte_in(archive, backups.DUMP_NAMES[connection.vendor]))
    yield flipped, "Archive corrompue : la somme de contrôle"
    truncated = folder / "tronquee.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    yield truncated, r"Archive (incomplète|illisible) ou corrompue"
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    forged = _with_manifest(archive, folder / "autre.tar", database={"vendor": other})
    yield forged, f"contient une base « {other} »"


def _flip_byte_in(archive: Path, member_name: str) -> bytes:
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember(member_name)
    data[member.offset_data + member.size // 2] ^= 0xFF
    return bytes(data)


def _with_manifest(archive: Path, target: Path, **changes) -> Path:
    with tarfile.open(archive) as source, tarfile.open(target, "w") as tar:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == backups.MANIFEST:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return target


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_the_archive_has_a_manifest_with_checksums_and_is_private(settings, tmp_path, pg_clients):
    media = Path(settings.MEDIA_ROOT)
    (media / "dossiers").mkdir(parents=True)
    (media / "dossiers" / "bilan.pdf").write_bytes(b"%PDF bilan")
    out = io.StringIO()
    call_command("backup", output_dir=tmp_path, stdout=out)
    archive = backups.archives_in(tmp_path)[-1]

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(backups.MANIFEST).read())
    assert names[-1] == backups.MANIFEST
    assert set(names[:-1]) == set(manifest["files"])
    assert "media/dossiers/bilan.pdf" in manifest["files"]
    assert manifest["database"]["vendor"] == connection.vendor
    assert "core.0001_initial" in manifest["migrations"]
    assert archive.stat().st_mode & 0o077 == 0
    assert "bilan" not in out.getvalue()  # counts and sizes only, no file name


def test_keep_prunes_the_oldest_archives_only(tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    names = [f"consortium-2026120{day}-030000-000000.tar" for day in range(1, 6)]
    for name in names:
        (folder / name).write_bytes(b"")
    (folder / "notes.txt").write_text("à garder")

    removed = prune(folder, keep=2)

    assert [path.name for path in removed] == names[:3]
    assert sorted(path.name for path in folder.iterdir()) == [*names[3:], "notes.txt"]
    with pytest.raises(BackupError):
        prune(folder, keep=0)


def test_the_password_goes_through_the_environment_only():
    settings_dict = {
        "NAME": "portail",
        "USER": "consortium",
        "PASSWORD": "mot-de-passe-secret",
        "HOST": "db.example.org",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    env = pg_environment(settings_dict)
    assert env["PGPASSWORD"] == "mot-de-passe-secret"
    assert env["PGHOST"] == "db.example.org"
    assert env["PGSSLMODE"] == "require"
    assert env["PGDATABASE"] == "portail"


def test_the_pg_restore_command_line_holds_no_password(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(backups, "_server_major", lambda connection: 15)
    monkeypatch.setattr(backups, "pg_program", lambda name, bin_dir="": f"/usr/bin/{name}")
    monkeypatch.setattr(backups, "_client_major", lambda program: 15)
    monkeypatch.setattr(backups, "_run", lambda args, env, label: calls.append((args, env)) or "")
    monkeypatch.setattr(backups, "_drop_tables_not_in", lambda connection, listing: None)
    fake = type("Connection", (), {"settings_dict": {"NAME": "portail", "PASSWORD": "s3cret"}})
    fake.close = lambda self: None

    backups._pg_restore(fake(), tmp_path / "database.dump", "")
    backups._pg_dump(fake(), tmp_path / "database.dump", "")

    for args, env in calls:
        assert "s3cret" not in " ".join(args)
        assert env["PGPASSWORD"] == "s3cret"
    assert {"--clean", "--if-exists", "--no-owner", "--single-transaction"} <= set(calls[0][0])


@pytest.mark.parametrize(("client", "server"), [(14, 15), (17, 15)])
def test_a_client_of_the_wrong_major_version_is_refused(monkeypatch, client, server):
    monkeypatch.setattr(backups, "_client_major", lambda program: client)
    with pytest.raises(BackupError, match=f"client PostgreSQL {server}"):
        backups._check_client("/usr/bin/pg_dump", server)


def test_restore_says_when_the_archive_and_the_code_have_different_migrations():
    known = backups.MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    applied = sorted(f"{app}.{name}" for app, name in known)

    assert backups._migration_warnings({"migrations": applied}) == []
    older = backups._migration_warnings({"migrations": applied[1:]})
    assert len(older) == 1 and "lancez « python manage.py migrate »" in older[0]
    newer = backups._migration_warnings({"migrations": [*applied, "core.9999_futur"]})
    assert len(newer) == 1 and "version plus récente" in newer[0]
