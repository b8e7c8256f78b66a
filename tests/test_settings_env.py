"""Every setting read from the environment is documented in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def test_env_example_lists_every_variable_the_settings_read():
    names = set()
    for settings_file in (ROOT / "consortium" / "settings").glob("*.py"):
        names |= set(READ.findall(settings_file.read_text()))
    example = (ROOT / ".env.example").read_text()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= names
    assert not sorted(name for name in names if name not in example)
