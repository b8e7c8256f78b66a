from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from consortium.core.pagecache import content_changed
from consortium.core.project_apps import project_app_configs


class Command(BaseCommand):
    help = "Charge des données de démonstration réalistes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiplie les volumes (1 = un département)."
        )

    def handle(self, *args, scale, **options):
        if not settings.DEMO_DATA_ALLOWED:
            # Demonstration accounts have a published password (README): never on real data.
            raise CommandError(
                "Données de démonstration refusées avec ces réglages (production) : leurs "
                "comptes ont un mot de passe public. Pour un serveur de démonstration, "
                "définissez DJANGO_DEMO_DATA_ALLOWED=1."
            )
        if scale < 1:
            raise CommandError("--scale doit être un entier supérieur ou égal à 1.")
        # Every installed app of the project may ship a `seed` module; they run in
        # INSTALLED_APPS order, which is the order of their dependencies.
        for config in project_app_configs():
            module = f"{config.name}.seed"
            if find_spec(module) is None:
                continue
            with transaction.atomic():
                import_module(module).seed(scale=scale, log=self.stdout.write)
        if connection.vendor == "postgresql":
            # The planner's statistics after a bulk load (autovacuum may be late, or off).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        content_changed()  # bulk loads send no signal: cached public pages must go
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
