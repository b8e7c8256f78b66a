"""Pages under load: gunicorn with production settings, 20 concurrent clients (wrk).

Starts gunicorn (2 sync workers, production settings) on PostgreSQL seeded with
`seed_demo --scale 10` and analysed, with a bare `HttpResponse("ok")` view mounted in the
same middleware stack (benchmarks.load_settings.py). Each page is measured right after the bare
view, in turn, so that each ratio compares two measures taken under the same machine load.
Prints req/s, p50/p95/p99 and the ratio to the bare view, then the load average.

Loopback only, bounded in time (pages × 2 × --seconds, plus seeding the first time).
Needs wrk (Debian: `apt-get install wrk`), PostgreSQL and Redis:

    .venv/bin/python benchmarks/load.py [--seconds 5] [--clients 20] [--scale 10]
"""

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LUA = Path(__file__).with_name("load_report.lua")

# (label, path, who): who is "public", "partner" or "coordinator"; {event} and {practice}
# are filled with a published event and practice of the seeded data.
PAGES = [
    ("home", "/", "public"),
    ("agenda", "/agenda/", "public"),
    ("event page", "/agenda/{event}/", "public"),
    ("agenda.ics", "/agenda.ics", "public"),
    ("good practices", "/bonnes-pratiques/", "public"),
    ("practice sheet", "/bonnes-pratiques/{practice}/", "public"),
    ("practice PDF", "/bonnes-pratiques/{practice}.pdf", "public"),
    ("directory", "/reseau/", "public"),
    ("coverage", "/reseau/couverture/", "public"),
    ("public funding", "/financements/publiques/", "public"),
    ("search", "/recherche/?q=musique", "public"),
    ("member area", "/espace/", "partner"),
    ("working groups", "/groupes/", "partner"),
    ("needs", "/besoins/", "partner"),
    ("funding watch", "/financements/", "partner"),
    ("validations", "/coordination/validations/", "coordinator"),
    ("events (coordination)", "/coordination/rencontres/", "coordinator"),
    ("dossier board", "/dossiers/tableau/", "coordinator"),
]
ACCOUNTS = {
    "partner": "partenaire@demo.consortium95.fr",
    "coordinator": "coordination@demo.consortium95.fr",
}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/consortium_load"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=5, help="per measure (1 to 30)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args()
    args.seconds = max(1, min(args.seconds, 30))
    return args


def configure(args) -> dict:
    """The environment of this process and of gunicorn: production settings, loopback."""
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SECRET_KEY": "load-benchmark-only-not-a-secret-7f3c9a1e5b2d8f4a6c0e",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "EMAIL_URL": "console://",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_DEMO_DATA_ALLOWED": "1",  # its own database, seeded with the demo data
    }
    os.environ.update(env)
    return os.environ.copy()


def create_database(url: str) -> None:
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'create database "{name}"')


def prepare_data(args) -> None:
    """Migrate, seed at the scale asked (idempotent: quick when already seeded), analyse."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    create_database(args.database_url)
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", scale=args.scale, verbosity=0, stdout=io.StringIO())
    print(f"seed_demo --scale {args.scale}: {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)


def session_cookies() -> dict[str, str]:
    """A signed-in session per role, as a browser would send it."""
    from django.conf import settings
    from django.test import Client

    from consortium.core.models import User

    cookies = {"public": ""}
    for who, email in ACCOUNTS.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def fill_slugs() -> dict[str, str]:
    from django.contrib.auth.models import AnonymousUser

    from events.models import Event
    from projects.models import Practice

    return {
        "event": Event.objects.visible_to(AnonymousUser())
        .with_dates()
        .upcoming()
        .values_list("slug", flat=True)[0],
        "practice": Practice.objects.published().values_list("slug", flat=True)[0],
    }


def start_gunicorn(args, env) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "consortium.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(args, "/__bare__/", "")[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def headers(cookie: str) -> dict[str, str]:
    # Behind the proxy: HTTPS is said by the proxy's header, as in production.
    found = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}
    if cookie:
        found["Cookie"] = cookie
    return found


def fetch(args, path: str, cookie: str) -> tuple[int, int]:
    """Status and size of one answer, to check a page before timing it."""
    request = urllib.request.Request(f"http://127.0.0.1:{args.port}{path}", headers=headers(cookie))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def wrk(args, path: str, cookie: str) -> dict:
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(args.clients),
        "-d",
        f"{args.seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for name, value in headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{args.port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + 30)
    line = next(x for x in output.stdout.splitlines() if x.startswith("RESULT "))
    requests, seconds, errors, p50, p95, p99 = line.split()[1:]
    return {
        "rps": int(requests) / float(seconds),
        "errors": int(errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


def measure(args, cookies, slugs) -> list[tuple]:
    rows = []
    for label, path, who in PAGES:
        if args.only and args.only not in label:
            continue
        path = path.format(**slugs)
        status, size = fetch(args, path, cookies[who])
        if status != 200:
            rows.append((label, who, None, None, f"HTTP {status}"))
            continue
        bare = wrk(args, "/__bare__/", "")
        page = wrk(args, path, cookies[who])
        rows.append((label, who, bare, page, f"{size // 1024} KB"))
        print(f"  {label}: {page['rps']:.0f} req/s, bare {bare['rps']:.0f}", flush=True)
    return rows


def report(args, rows) -> None:
    print(
        f"\nload benchmark: gunicorn 2 sync workers, production settings, PostgreSQL at "
        f"scale {args.scale} (analysed), Redis cache, {args.clients} clients, "
        f"{args.seconds} s per measure, each page right after the bare view"
    )
    print(
        f"{'page':24}{'who':12}{'req/s':>8}{'÷ bare':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}  size"
    )
    for label, who, bare, page, note in rows:
        if page is None:
            print(f"{label:24}{who:12}{'':>8}{'':>8}{'':>8}{'':>8}{'':>8}{'':>8}  {note}")
            continue
        ratio = page["rps"] / bare["rps"]
        print(
            f"{label:24}{who:12}{page['rps']:8.0f}{ratio:8.3f}{page['p50']:8.1f}"
            f"{page['p95']:8.1f}{page['p99']:8.1f}{page['errors']:8d}  {note}"
        )
    bare_rates = [bare["rps"] for _, _, bare, _, _ in rows if bare]
    if bare_rates:
        print(f"bare view: {min(bare_rates):.0f} to {max(bare_rates):.0f} req/s over the run")
    one, five, _ = os.getloadavg()
    print(f"load average at the end: {one:.2f} (1 min), {five:.2f} (5 min), {os.cpu_count()} cores")


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = configure(args)
    prepare_data(args)
    cookies, slugs = session_cookies(), fill_slugs()
    server = start_gunicorn(args, env)
    try:
        rows = measure(args, cookies, slugs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(args, rows)


if __name__ == "__main__":
    main()
