"""The accessibility statement (/accessibilite/) says what the tests check: the pages of
the sweep, its date, its tools and their versions, the journeys, and the recourse."""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse
from test_access_matrix import ROUTES

from consortium.pages import accessibility as audit


def test_every_audited_route_is_a_page_of_the_access_matrix():
    for name in audit.AUDITED_ROUTES:
        row = ROUTES[name]
        assert not name.startswith("admin:"), name
        assert any(row.expected(role) == 200 for role in ("anonymous", "coordinator", "member"))


def test_the_stated_axe_core_version_is_the_one_the_tests_run():
    assert re.search(r"axe v(\d+\.\d+\.\d+)", AXE_SCRIPT).group(1) == audit.AXE_CORE_VERSION


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Résultats des tests"), ("en", "Test results")]
)
def test_the_statement_lists_what_was_tested(client, db, language, words):
    client.cookies["django_language"] = language
    page = client.get(reverse("pages:accessibility"), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    for _area, paths in audit.audited_pages():
        for path in paths:
            assert f"<code>{path.replace('<', '&lt;').replace('>', '&gt;')}</code>" in html
    assert audit.AXE_CORE_VERSION in html
    assert words in html
    assert str(audit.AUDIT_DATE.year) in html
    assert sum(len(paths) for _area, paths in audit.audited_pages()) >= 100
