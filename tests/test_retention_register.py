"""The privacy page and the record of processing say the retention periods the code applies.

Both are held to consortium.core.retention, whose periods are the settings the daily
services read: the page (French and English) and the record's "Conservation" lines may
name no other period, every processing of the record has its row on the page, and each
service said to apply a period is run by a task of the beat schedule.
"""

import inspect
import re
from html import unescape
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import translation

from consortium.celery import app
from consortium.core.retention import RETENTION, duration, period_days, retention_text

REGISTER = Path(__file__).resolve().parent.parent / "docs" / "registre-des-traitements.md"
PAGE = "/donnees-personnelles/"
# A period as the page or the record may write it, in either language.
PERIOD = re.compile(r"\b(\d+)\s+(ans?|jours?|mois|semaines?|years?|days?|months?|weeks?)\b")


def _conservation_table(html: str) -> str:
    start = html.index('id="conservation"')
    return html[start : html.index("</table>", start)]


def _periods(text: str) -> set[str]:
    return {f"{number} {unit}" for number, unit in PERIOD.findall(text)}


def _expected(language: str, rules=RETENTION) -> set[str]:
    with translation.override(language):
        return {duration(period_days(s)) for rule in rules for s in rule.periods.values()}


def _page(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_states_each_rule_with_the_periods_the_code_applies(client, language):
    html = _page(client, language)
    table = unescape(_conservation_table(html))
    assert _periods(table) == _expected(language)
    with translation.override(language):
        for rule in RETENTION:
            assert str(rule.data) in table
            assert retention_text(rule) in table


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_names_no_other_period_outside_its_cookies(client, language):
    html = _page(client, language)
    before_cookies = html[: html.index('id="cookies"')]
    assert _periods(unescape(before_cookies)) <= _expected(language)


@pytest.mark.django_db
def test_the_page_follows_a_changed_period(client, settings):
    settings.ATTENDANCE_RETENTION_DAYS = 5 * 365
    settings.PENDING_ACCOUNT_RETENTION_DAYS = 45
    table = unescape(_conservation_table(_page(client, "fr")))
    assert {"5 ans", "45 jours"} <= _periods(table)
    assert "90 jours après l'inscription" not in table


@pytest.mark.django_db
def test_the_page_says_in_english_what_it_says_in_french(client):
    french = _conservation_table(_page(client, "fr"))
    english = _conservation_table(_page(client, "en"))
    assert "Compte et profil" in french and "Compte et profil" not in english
    assert french.count("<tr>") == english.count("<tr>") == len(RETENTION) + 1


def _sections() -> dict[int, str]:
    text = REGISTER.read_text(encoding="utf-8")
    return {
        int(number): body
        for number, body in re.findall(r"\n## (\d+)\. (.*?)(?=\n## |\Z)", text, re.S)
    }


def _conservation(section: str) -> str:
    return re.search(r"\*\*Conservation\*\* :(.*?)(?=\n- \*\*|\Z)", section, re.S).group(1)


def test_every_processing_of_the_record_has_its_row_on_the_page():
    assert {rule.processing for rule in RETENTION} == set(_sections())


def test_the_record_states_for_each_processing_the_periods_the_code_applies():
    for number, section in _sections().items():
        rules = [rule for rule in RETENTION if rule.processing == number]
        said = _periods(" ".join(_conservation(section).split()))
        assert said == _expected("fr", rules), f"section {number} of the record"


def _beat_task_sources() -> str:
    """The code of every task the beat schedule runs, found by its registered name."""
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    # The apps' tasks modules, imported as a worker's autodiscovery does; not through
    # Celery's loader, whose Django fixup runs the model checks (a query on SQLite).
    for config in django_apps.get_app_configs():
        if find_spec(f"{config.name}.tasks"):
            import_module(f"{config.name}.tasks")
    tasks = [app.tasks[name] for name in names]
    return "\n".join(inspect.getsource(task.run) for task in tasks)


def test_each_period_is_applied_by_a_daily_task_and_read_by_its_service():
    tasks = _beat_task_sources()
    for rule in RETENTION:
        assert bool(rule.periods) == bool(rule.applied_by), rule.data
        read = ""
        for path in rule.applied_by:
            module, name = path.rsplit(".", 1)
            assert callable(getattr(import_module(module), name)), path
            assert re.search(rf"\b{name}\(", tasks), f"{path} is run by no task of the beat"
            read += inspect.getsource(import_module(module))
        for setting in rule.periods.values():
            assert f"settings.{setting}" in read, f"{setting} is read by none of {rule.applied_by}"


def test_the_settings_are_whole_days():
    for rule in RETENTION:
        for setting in rule.periods.values():
            value = period_days(setting)
            assert isinstance(value, int) and value > 0, setting
    # The rules the brief of issue 13 sets, as the page and the record state them.
    assert settings.PENDING_ACCOUNT_RETENTION_DAYS == 90
    assert settings.INACTIVE_ACCOUNT_RETENTION_DAYS == 2 * 365
