"""The embedded default's launcher (./dev run): its checks before anything starts."""

import builtins
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, clear_url_caches, resolve
from django.views.static import serve

import consortium.urls
from consortium import devserver

ROOT = Path(__file__).resolve().parent.parent


def test_missing_pango_gives_one_line_to_install_instead_of_a_traceback(monkeypatch):
    real_import = builtins.__import__

    def import_without_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", import_without_pango)
    with pytest.raises(SystemExit) as exit_info:
        devserver.check_pdf_libraries()
    message = str(exit_info.value)
    assert "\n" not in message
    assert "apt-get install -y libpango-1.0-0" in message


def test_dev_script_refuses_an_unknown_command():
    result = subprocess.run(
        ["bash", str(ROOT / "dev"), "nonsense"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "usage: ./dev" in result.stderr


def test_dev_script_says_what_to_install_when_no_python_is_recent_enough(tmp_path):
    # A PATH with only the one tool the script needs before it looks for Python, an empty
    # HOME (no pyenv), and a PYTHON that fails: no interpreter qualifies.
    old_python = tmp_path / "python3"
    old_python.write_text("#!/bin/sh\nexit 1\n")
    old_python.chmod(0o755)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dirname").symlink_to(shutil.which("dirname"))
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "dev").write_text((ROOT / "dev").read_text())
    result = subprocess.run(
        ["/bin/bash", str(copy / "dev"), "setup"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": str(tools), "HOME": str(tmp_path), "PYTHON": str(old_python)},
    )
    assert result.returncode == 1
    assert "Python 3.12 or newer is required" in result.stderr
    assert "install" in result.stderr.lower()


def fake_python(path: Path, minor: int, micro: int) -> Path:
    """An "interpreter" that answers the version check of ./dev as Python 3.minor.micro."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {minor} {micro}\n")
    path.chmod(0o755)
    return path


def test_dev_script_takes_the_newest_python_not_the_first_found(tmp_path):
    # python3 on PATH is 3.12, pyenv has 3.12 and 3.13 (its glob lists 3.12 first).
    tools = tmp_path / "bin"
    for tool in ("dirname", "rm"):
        (tools / tool).parent.mkdir(parents=True, exist_ok=True)
        (tools / tool).symlink_to(shutil.which(tool))
    fake_python(tools / "python3", 12, 3)
    fake_python(tmp_path / ".pyenv/versions/3.12.3/bin/python3", 12, 3)
    newest = fake_python(tmp_path / ".pyenv/versions/3.13.1/bin/python3", 13, 1)
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "dev").write_text((ROOT / "dev").read_text())
    result = subprocess.run(
        ["/bin/bash", str(copy / "dev"), "setup"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": str(tools), "HOME": str(tmp_path)},
    )
    assert f"Creating .venv with {newest}\n" in result.stdout, result.stderr


def test_dev_run_serves_on_its_argument_and_exports_it(monkeypatch):
    """`./dev run 127.0.0.1:8200` serves there, and the worker's e-mails link there."""
    monkeypatch.delenv("DEV_ADDR", raising=False)
    monkeypatch.setattr(devserver, "check_pdf_libraries", lambda: None)
    monkeypatch.setattr(devserver, "manage", lambda *args: None)
    monkeypatch.setattr(devserver.signal, "signal", lambda *args: None)
    started = []

    class Exited:
        def poll(self):
            return 0

    monkeypatch.setattr(devserver, "start", lambda args: started.append(args) or Exited())
    monkeypatch.setattr(devserver, "stop", lambda children: None)

    devserver.main(["127.0.0.1:8200"])

    assert os.environ["DEV_ADDR"] == "127.0.0.1:8200"
    assert started[-1][-2:] == ["runserver", "127.0.0.1:8200"]


def test_dev_address_argument_then_dev_addr_then_the_default():
    assert devserver.dev_address(["127.0.0.1:8200"], {"DEV_ADDR": "0.0.0.0:9000"}) == (
        "127.0.0.1:8200"
    )
    assert devserver.dev_address(["8300"], {}) == "127.0.0.1:8300"
    assert devserver.dev_address([], {"DEV_ADDR": "0.0.0.0:9000"}) == "0.0.0.0:9000"
    assert devserver.dev_address([], {}) == "127.0.0.1:8000"
    with pytest.raises(SystemExit, match=r"usage: \./dev run"):
        devserver.dev_address(["127.0.0.1:8200", "encore"], {})


def test_site_url_follows_dev_addr_in_development(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "DJANGO_SETTINGS_MODULE", "DEV_ADDR"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "consortium.settings.local", "DEV_ADDR": "127.0.0.1:8200"}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8200", result.stderr


def test_media_is_not_served_even_under_debug(settings):
    """Dossier files live under MEDIA_ROOT: only views that check who asks send them."""
    settings.DEBUG = True
    try:
        urlconf = importlib.reload(consortium.urls)
        try:
            match = resolve(f"{settings.MEDIA_URL}dossiers/budget.pdf", urlconf=urlconf)
        except Resolver404:
            match = None
        assert match is None or match.func is not serve
    finally:
        settings.DEBUG = False
        importlib.reload(consortium.urls)
        clear_url_caches()
