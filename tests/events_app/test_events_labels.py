"""Dates and fill rates as the lists show them, formatted in Python (no include per row)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from events.templatetags.agenda import fill_rate, moment, status_badge

PARIS = ZoneInfo("Europe/Paris")


def test_a_date_is_said_in_the_active_language_even_once_remembered():
    when = datetime(2026, 12, 1, 9, 30, tzinfo=PARIS)
    with translation.override("fr"):
        assert moment(when) == "mardi 1er décembre 2026, 9\u00a0h\u00a030"
    with translation.override("en"):
        english = moment(when)
    assert "December" in english and "décembre" not in english
    with translation.override("fr"):
        assert (
            moment(datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)) == "mardi 8 décembre 2026, 14\u00a0h"
        )


@pytest.mark.parametrize(
    ("confirmed", "capacity", "text", "bar"),
    [
        (1, 2, "1 / 2 places (50 %)", 'width="50%"'),
        (0, 20, "0 / 20 places (0 %)", None),
        (2, 3, "2 / 3 places (67 %)", 'width="67%"'),
    ],
)
def test_the_fill_rate(confirmed, capacity, text, bar):
    with translation.override("fr"):
        html = fill_rate(confirmed, capacity)
    assert text in html
    assert ('class="bar-chart__bar"' in html) is (bar is not None)
    if bar:
        assert bar in html


class _Event:
    def __init__(self, status, label):
        self.status, self.label = status, label

    def get_status_display(self):
        return self.label


def test_the_status_badge_escapes_and_colours():
    assert (
        status_badge(_Event("published", "Publiée"))
        == '<span class="badge badge--success">Publiée</span>'
    )
    assert "badge--error" in status_badge(_Event("cancelled", "Annulée"))
    assert (
        status_badge(_Event("draft", "<b>x</b>"))
        == '<span class="badge badge--neutral">&lt;b&gt;x&lt;/b&gt;</span>'
    )
