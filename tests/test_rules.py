"""Who may do what is written once: one rules.py per app, pure predicates used by the
views (404) and the services (refusal); the apps keep their layers apart."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin

from members.models import Affiliation

ROOT = Path(settings.BASE_DIR)


def _imports(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("members", {"events", "projects", "evaluations"}),
        ("events", {"projects", "evaluations"}),
        ("projects", {"events", "evaluations"}),
        ("consortium/core", {"members", "events", "projects", "evaluations"}),
    ],
)
def test_layers_do_not_import_each_other(app, forbidden):
    assert not _imports(app) & forbidden


def test_the_active_member_status_is_tested_in_one_place():
    """Person.is_active_member; members.rules.active_person asks it of a user."""
    comparison = re.compile(r"status\s*[!=]=\s*PersonStatus\.ACTIVE")
    found = [
        f"{path.relative_to(ROOT)}"
        for app in ("members", "events", "projects", "evaluations", "consortium")
        for path in (ROOT / app).rglob("*.py")
        if comparison.search(path.read_text())
    ]
    assert found == ["members/models.py"]


def test_no_view_keeps_its_own_copy_of_a_rule():
    """The predicates that moved to rules.py are not defined again next to the views."""
    names = "_participant|_is_active_member_of|_manages_partners|_can_decide|_can_act|_can_manage"
    moved = re.compile(rf"def ({names})\b")
    found = [
        str(path.relative_to(ROOT))
        for app in ("members", "events", "projects", "evaluations")
        for path in (ROOT / app).rglob("*.py")
        if moved.search(path.read_text())
    ]
    assert not found


def test_an_affiliation_status_is_not_edited_by_hand_in_the_admin(rf):
    model_admin = admin.site._registry[Affiliation]
    assert "status" in model_admin.get_readonly_fields(rf.get("/"))
