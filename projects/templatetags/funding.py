"""Funding opportunities as the lists show them: state badges and amounts.

Drawn in Python rather than by includes: each card of a list of twenty shows them, and an
include with its filters and translations per card was most of the list's time.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from consortium.core.numbers import grouped

register = template.Library()


@register.filter
def amount_range(opportunity) -> str:
    """« de 5 000 à 20 000 € », « jusqu'à 20 000 € », « à partir de 5 000 € », or ""."""
    low, high = opportunity.amount_min, opportunity.amount_max
    if low is not None and high is not None:
        return gettext("de %(low)s à %(high)s €") % {"low": grouped(low), "high": grouped(high)}
    if high is not None:
        return gettext("jusqu'à %(high)s €") % {"high": grouped(high)}
    if low is not None:
        return gettext("à partir de %(low)s €") % {"low": grouped(low)}
    return ""


@register.simple_tag
def opportunity_badges(opportunity, closing_soon_days: int) -> str:
    """The state of an opportunity in words (never by colour alone): its kind, draft,
    closed or closing soon; on the members' list, followed and matching their structure
    (`matches_mine`, `is_followed` when annotated)."""
    badges = [("badge--neutral", opportunity.get_kind_display())]
    if opportunity.status == "draft":
        badges.append(("badge--warning", gettext("Brouillon")))
    badges += _deadline_badges(getattr(opportunity, "days_left", None), closing_soon_days)
    if getattr(opportunity, "matches_mine", False):
        badges.append(("badge--success", gettext("Correspond à ma structure")))
    if getattr(opportunity, "is_followed", False):
        badges.append(("badge--success", gettext("Suivie")))
    spans = format_html_join("\n  ", '<span class="badge {}">{}</span>', badges)
    return format_html('<p class="cluster">\n  {}\n</p>', spans)


def _deadline_badges(days_left: int | None, closing_soon_days: int) -> list[tuple[str, str]]:
    if days_left is None:
        return [("badge--neutral", gettext("Sans date limite"))]
    if days_left < 0:
        return [("badge--neutral", gettext("Clôturée"))]
    if days_left == 0:
        return [("badge--error", gettext("Clôture aujourd'hui"))]
    if days_left <= closing_soon_days:
        label = ngettext("Clôture dans %(days)s jour", "Clôture dans %(days)s jours", days_left)
        return [("badge--warning", label % {"days": days_left})]
    return []
