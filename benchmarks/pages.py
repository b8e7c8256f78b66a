"""How list pages hold up when the network grows tenfold.

Seeds a throwaway SQLite database with `seed_demo` at scale 1, measures each page with
Django's test client (median of several requests, and its SQL query count), then seeds
up to scale 10 and measures again. Times are printed as ratios against the home page
measured in the same run and state, so that the machine's speed cancels out.

    .venv/bin/python benchmarks/pages.py [--repeat 15]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
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
]


def setup_django(db_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "consortium.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm caches and lazy imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times), len(queries)


def run_scale(scale: int, repeat: int) -> dict:
    from django.core.management import call_command

    call_command("seed_demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    made = clients()
    return {label: measure(made[who], path, repeat) for label, path, who in PAGES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(str(Path(folder) / "bench.sqlite3"))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        small = run_scale(1, args.repeat)
        large = run_scale(10, args.repeat)
    base_small, base_large = small[PAGES[0][0]][0], large[PAGES[0][0]][0]
    print(f"baseline (home page): {base_small * 1000:.1f} ms @1, {base_large * 1000:.1f} ms @10")
    print(
        f"{'page':<22} {'x home @1':>10} {'x home @10':>11} {'@10 / @1':>9} {'queries @1/@10':>15}"
    )
    for label, _path, _who in PAGES:
        (t1, q1), (t10, q10) = small[label], large[label]
        print(
            f"{label:<22} {t1 / base_small:>10.2f} {t10 / base_large:>11.2f} "
            f"{t10 / t1:>9.2f} {q1:>7}/{q10:<7}"
        )


if __name__ == "__main__":
    main()
