"""Whole numbers as the active language writes them: « 12 500 » in French, « 12,500 » in
English. The same result as humanize's `intcomma`, for a fraction of its time: list pages
format two or three amounts on each of dozens of rows."""

from django.utils.formats import get_format


def grouped(value: int) -> str:
    """`value` with the thousands separator of the active language."""
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
