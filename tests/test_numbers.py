"""Whole numbers in the active language, as humanize's intcomma writes them."""

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from consortium.core.numbers import grouped


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("value", [0, 7, 999, 1000, 12500, 1234567])
def test_grouped_writes_what_intcomma_writes(language, value):
    with translation.override(language):
        assert grouped(value) == intcomma(value)


def test_french_and_english_separators():
    with translation.override("fr"):
        assert grouped(12500) == "12\xa0500"
    with translation.override("en"):
        assert grouped(12500) == "12,500"
