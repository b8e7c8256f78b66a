"""How list pages hold up when the network grows tenfold and thirtyfold.

Seeds a throwaway database (SQLite, or PostgreSQL with --postgres) with `seed_demo` at each
scale in turn (1, 10, 30 by default; PostgreSQL is analysed after each load), measures each
page with Django's test client (median of several requests, and its SQL query count), with
the page cache emptied before each request so that what is timed is the page's own work.
Times are printed as ratios against the home page measured in the same run and state, so
that the machine's speed cancels out.

    .venv/bin/python benchmarks/pages.py [--repeat 15] [--scales 1,10,30]
    .venv/bin/python benchmarks/pages.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    # (label, path, who): who is "public", "member" or "coordinator"
    ("home (baseline)", "/", "public"),
    ("directory, public", "/reseau/", "public"),
    ("directory, member", "/reseau/", "member"),
    ("coverage", "/reseau/couverture/", "member"),
    ("working groups", "/groupes/", "member"),
    ("needs", "/besoins/", "member"),
    ("validation queue", "/coordination/validations/", "coordinator"),
    ("member area", "/espace/", "member"),
    ("agenda", "/agenda/", "public"),
    ("agenda, member", "/agenda/", "member"),
    ("events (coordination)", "/coordination/rencontres/", "coordinator"),
    ("my registrations", "/agenda/mes-inscriptions/", "member"),
    ("good practices", "/bonnes-pratiques/", "public"),
    ("good practices, facets", "/bonnes-pratiques/?age=3&sector=petite_enfance", "public"),
    ("resources", "/ressources/", "public"),
    ("funding watch", "/financements/", "member"),
    ("funding, matching mine", "/financements/?pour_moi=1", "member"),
    ("projects", "/projets/", "member"),
    ("dossiers (coordination)", "/dossiers/", "coordinator"),
    ("dossier board", "/dossiers/tableau/", "coordinator"),
    ("search", "/recherche/?q=musique", "member"),
    ("search, public", "/recherche/?q=eveil+musical", "public"),
    ("agenda.ics", "/agenda.ics", "public"),
]


def setup_django(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "consortium.settings.test"
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host, in-memory e-mail


def clients():
    from django.test import Client

    from consortium.core.models import User

    made = {"public": Client()}
    for who, email in (
        ("member", "partenaire@demo.consortium95.fr"),
        ("coordinator", "coordination@demo.consortium95.fr"),
    ):
        made[who] = Client()
        made[who].force_login(User.objects.get(email=email))
    return made


def measure(client, path: str, repeat: int) -> tuple[float, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm lazy imports
    times = []
    for _ in range(repeat):
        cache.clear()  # the page's own work, not the page cache's
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times), len(queries)


def run_scale(scale: int, repeat: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    call_command("seed_demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    made = clients()
    return {label: measure(made[who], path, repeat) for label, path, who in PAGES}


@contextmanager
def throwaway_database(postgres_url: str | None):
    """A new database for the run, dropped at the end: a SQLite file or a PostgreSQL one."""
    if not postgres_url:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"bench_pages_{os.getpid()}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scales", default="1,10,30")
    parser.add_argument("--postgres", help="a PostgreSQL URL whose server may create databases")
    args = parser.parse_args()
    scales = [int(scale) for scale in args.scales.split(",")]
    with throwaway_database(args.postgres) as url:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        vendor = connection.vendor
        results = {scale: run_scale(scale, args.repeat) for scale in scales}
    report(vendor, scales, results)


def report(vendor: str, scales: list[int], results: dict) -> None:
    first, last = scales[0], scales[-1]
    home = PAGES[0][0]
    bases = {scale: results[scale][home][0] for scale in scales}
    print(
        f"{vendor}, baseline (home page, uncached): "
        + ", ".join(f"{bases[scale] * 1000:.1f} ms @{scale}" for scale in scales)
    )
    header = "".join(f"{f'x home @{scale}':>12}" for scale in scales)
    print(
        f"{'page':<24}{header}{f'@{last} / @{first}':>10}  queries "
        + "/".join(f"@{scale}" for scale in scales)
    )
    for label, _path, _who in PAGES:
        ratios = "".join(f"{results[scale][label][0] / bases[scale]:>12.2f}" for scale in scales)
        growth = results[last][label][0] / results[first][label][0]
        counts = "/".join(str(results[scale][label][1]) for scale in scales)
        print(f"{label:<24}{ratios}{growth:>10.2f}  {counts}")


if __name__ == "__main__":
    main()
