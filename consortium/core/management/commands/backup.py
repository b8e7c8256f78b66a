from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consortium.core.backups import BackupError, create_backup, french_seconds, french_size, prune


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les fichiers médias dans une archive .tar "
        "(avec un manifeste et les sommes de contrôle)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Dossier des archives (par défaut BACKUP_ROOT, var/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Après la sauvegarde, ne garder que les N archives les plus récentes du dossier.",
        )
        parser.add_argument("--database", default="default", help="Alias de la base (default).")
        parser.add_argument(
            "--pg-bin-dir",
            default=None,
            help="Dossier de pg_dump (par défaut BACKUP_PG_BIN_DIR, sinon le PATH).",
        )

    def handle(self, *args, output_dir, keep, database, pg_bin_dir, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep doit être un entier supérieur ou égal à 1.")
        folder = output_dir or Path(settings.BACKUP_ROOT)
        bin_dir = settings.BACKUP_PG_BIN_DIR if pg_bin_dir is None else pg_bin_dir
        try:
            result = create_backup(
                folder=folder, alias=database, pg_bin_dir=bin_dir, log=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Base : {french_size(result.database_size)}")
        self.stdout.write(
            f"Médias : {result.media_files} fichier(s), {french_size(result.media_size)}"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive écrite : {result.path} ({french_size(result.size)}, "
                f"{french_seconds(result.seconds)})"
            )
        )
        if keep is not None:
            removed = prune(folder, keep)
            self.stdout.write(
                f"Rétention : {keep} archive(s) gardée(s), {len(removed)} supprimée(s)."
            )
