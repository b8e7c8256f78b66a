"""docs/securite.md says which code and which test answer each ASVS requirement: every file,
symbol and test it names must exist, so that the document never cites a proof that is gone."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "securite.md"

# `path/to/file.py`, `path/to/file.py::name`, `.ci/run`, `Dockerfile`, `requirements.txt`.
CODE_SPAN = re.compile(r"`([^`\s]+)`")
ROOT_FILE = re.compile(r"^[\w.-]+\.(py|md|txt|html|toml|yml|yaml|example)$|^Dockerfile$")
# The areas of ASVS 5.0 level 2 the document must cover, and what it owes the reader.
SECTIONS = (
    "Authentification (V6)",
    "Sessions (V7)",
    "Contrôle d'accès (V8)",
    "Validation, encodage, injection",
    "Fichiers (V5)",
    "Journalisation (V16)",
    "Protection des données (V14)",
    "Configuration et en-têtes",
    "Ce qui revient à l'hébergement",
    "Ce que le projet ne fait pas encore",
)


def references(text: str) -> set[str]:
    """The paths (with an optional ::name) that the text cites between backquotes."""
    found = set()
    for span in CODE_SPAN.findall(text):
        path = span.split("::", 1)[0]
        if path.startswith(("/", "http")):
            continue  # a URL of the site, not a file
        if "/" in path or ROOT_FILE.match(path):
            found.add(span)
        # Anything else (settings, headers, `|safe`) is prose.
    return found


def missing(reference: str, root: Path = ROOT) -> str | None:
    """Why `reference` does not exist, or None when it does."""
    path, _, name = reference.partition("::")
    file = root / path
    if not file.exists():
        return f"{path}: no such file"
    if not name:
        return None
    source = file.read_text(encoding="utf-8")
    defined = re.compile(rf"^\s*(?:def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*=", re.M)
    if not defined.search(source):
        return f"{path}: no {name}"
    return None


def test_every_file_and_test_the_document_cites_exists():
    cited = references(DOC.read_text(encoding="utf-8"))
    problems = sorted(filter(None, (missing(reference) for reference in cited)))
    assert not problems, problems


def test_the_document_cites_tests_for_every_area():
    text = DOC.read_text(encoding="utf-8")
    for title in SECTIONS:
        assert re.search(rf"^## \d+\. {re.escape(title)}", text, re.M), title
    tests = {ref for ref in references(text) if ref.startswith("tests/") and "::test_" in ref}
    assert len(tests) >= 60, len(tests)


def test_every_requirement_row_names_its_proof():
    rows = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| exigence", "| journal", "|---"))
    ]
    inventory = ("journal d'audit", "journal applicatif", "historique de l'administration")
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        if cells[0].startswith(inventory):
            continue
        assert len(cells) == 4, row
        assert cells[3], row


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("tests/test_security_doc.py::test_that_was_renamed", "no test_that_was_renamed"),
        ("consortium/core/absent.py", "no such file"),
        ("consortium/core/security.py::Nothing", "no Nothing"),
    ],
)
def test_the_check_catches_what_is_gone(reference, reason):
    assert reason in missing(reference)
    assert missing("consortium/core/security.py::identifier_digest") is None
    assert references(f"voir `{reference}` et `/securite/journal/`, `SECURE_CSP`") == {reference}
