"""The embedded default's launcher (./dev run): its checks before anything starts."""

import builtins
import shutil
import subprocess
from pathlib import Path

import pytest

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
