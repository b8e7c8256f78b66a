"""`./dev run`: the embedded default, for a newcomer's machine.

Checks WeasyPrint's system libraries, migrates, loads the demo data, then runs the
web server, a Celery worker and Celery beat side by side (kombu's filesystem
transport: no Redis needed) until Ctrl-C or SIGTERM, which stops all three.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_ADDR = "127.0.0.1:8000"
PANGO_HINT = (
    "WeasyPrint (PDF) needs Pango. Install it with: "
    "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
    "(macOS: brew install pango), then run ./dev run again."
)


def check_pdf_libraries() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        sys.exit(PANGO_HINT)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def start(args: list[str]) -> subprocess.Popen:
    # Each child gets its own process group, so that stopping it also stops what it spawned
    # (runserver's autoreloader).
    return subprocess.Popen(args, cwd=BASE_DIR, start_new_session=True)


def stop(children: list[subprocess.Popen]) -> None:
    # SIGTERM to each leader only: Celery's main process then stops its own pool (warm
    # shutdown, the running task finishes) and runserver's autoreloader stops its server.
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is still alive in the child's group after that is stuck.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)


def dev_address(args: list[str], environ) -> str:
    """Where `./dev run` serves: its one argument, else DEV_ADDR, else 127.0.0.1:8000
    (a bare port is on 127.0.0.1)."""
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.exit("usage: ./dev run [ADDRESS:PORT]   (for example: ./dev run 127.0.0.1:8200)")
    address = args[0] if args else environ.get("DEV_ADDR") or DEFAULT_ADDR
    return f"127.0.0.1:{address}" if address.isdigit() else address


def main(args: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings.local")
    # Exported before anything starts: the worker's e-mails link to this address too
    # (SITE_URL follows DEV_ADDR, settings/base.py).
    addr = os.environ["DEV_ADDR"] = dev_address(sys.argv[1:] if args is None else args, os.environ)
    check_pdf_libraries()
    # The Celery app makes its queue folders itself (consortium/celery.py).
    for folder in ("var/mail", "var/media"):
        (BASE_DIR / folder).mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput")
    manage("seed_demo")

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Before any child starts, so that a SIGTERM never leaves one behind.
    signal.signal(signal.SIGTERM, on_signal)
    celery = [sys.executable, "-m", "celery", "-A", "consortium"]
    children = [
        start([*celery, "worker", "-c", "1", "--without-mingle", "--without-gossip", "-l", "info"]),
        start([*celery, "beat", "-l", "info"]),
        start([sys.executable, "manage.py", "runserver", addr]),
    ]
    print(f"\nLe portail tourne sur http://{addr}/ (Ctrl-C pour arrêter).")
    print(f"Les e-mails sont écrits dans {BASE_DIR / 'var' / 'mail'}\n", flush=True)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("Un des processus s'est arrêté : arrêt de l'ensemble.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop(children)


if __name__ == "__main__":
    main()
