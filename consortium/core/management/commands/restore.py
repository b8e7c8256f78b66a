import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from consortium.core.backups import (
    BackupError,
    archives_in,
    french_seconds,
    french_size,
    restore_backup,
)

ANSWER = "oui"


class Command(BaseCommand):
    help = (
        "Restaure la base de données et les fichiers médias depuis une archive de "
        "« manage.py backup », après en avoir vérifié toutes les sommes de contrôle. "
        "REMPLACE les données actuelles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            type=Path,
            help="L'archive .tar, ou un dossier d'archives (la plus récente est choisie).",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Ne pas demander de confirmation (scripts).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Vérifier seulement l'archive (sommes de contrôle, moteur), sans rien restaurer.",
        )
        parser.add_argument("--database", default="default", help="Alias de la base (default).")
        parser.add_argument(
            "--pg-bin-dir",
            default=None,
            help="Dossier de pg_restore (par défaut BACKUP_PG_BIN_DIR, sinon le PATH).",
        )

    def handle(self, *args, archive, yes, check, database, pg_bin_dir, **options):
        path = self._archive(archive)
        bin_dir = settings.BACKUP_PG_BIN_DIR if pg_bin_dir is None else pg_bin_dir
        self.stdout.write(f"Archive : {path}")
        try:
            result = restore_backup(
                path=path,
                alias=database,
                pg_bin_dir=bin_dir,
                confirm=lambda manifest: yes or self._confirm(manifest, database),
                check_only=check,
                log=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if check:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Archive intacte (rien n'a été restauré) : base "
                    f"({french_size(result.database_size)}) et {result.media_files} fichier(s) "
                    f"médias du {result.manifest['created_at']}."
                )
            )
            return
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration terminée en {french_seconds(result.seconds)} : base "
                f"({french_size(result.database_size)}) et {result.media_files} fichier(s) "
                f"médias de l'archive du {result.manifest['created_at']}."
            )
        )

    def _archive(self, path: Path) -> Path:
        if not path.is_dir():
            return path
        found = archives_in(path)
        if not found:
            raise CommandError(f"Aucune archive dans le dossier {path}.")
        return found[-1]

    def _confirm(self, manifest: dict, database: str) -> bool:
        if not sys.stdin.isatty():
            raise BackupError(
                "Restauration refusée : elle remplace toutes les données actuelles. "
                "Confirmez avec --yes (aucune question ne peut être posée ici)."
            )
        self.stdout.write(
            f"Archive vérifiée : écrite le {manifest['created_at']}, base "
            f"{manifest['database']['vendor']}, {manifest['media']['files']} fichier(s) médias."
        )
        self.stdout.write(
            self.style.WARNING(
                f"La base « {database} » ({connections[database].settings_dict['NAME']}) et les "
                f"fichiers de {settings.MEDIA_ROOT} vont être REMPLACÉS par ceux de l'archive."
            )
        )
        return input(f"Tapez « {ANSWER} » pour continuer : ").strip().lower() == ANSWER
