"""django-filter filter set of the public agenda."""

from datetime import datetime

import django_filters
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from members.filters import epci_filter

from .enums import Audience, EventKind
from .models import Event

PAST = "passees"
MONTHS_IN_SELECT = 12


def _month_start(year: int, month: int) -> datetime:
    """Midnight on the 1st of the month, Paris time (an aware datetime)."""
    return timezone.make_aware(datetime(year, month, 1), timezone.get_default_timezone())


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def month_choices(*, past: bool = False, today=None) -> list[tuple[str, str]]:
    """The next twelve months ("2026-12", "décembre 2026"), or the last twelve when `past`."""
    today = today or timezone.localdate()
    step = -1 if past else 1
    choices = []
    for offset in range(MONTHS_IN_SELECT):
        year, month = _add_months(today.year, today.month, offset * step)
        label = dateformat.format(_month_start(year, month), pgettext("month filter", "F Y"))
        choices.append((f"{year:04d}-{month:02d}", label))
    return choices


def _text_search(queryset, name, value):
    for term in value.split()[:8]:
        queryset = queryset.filter(
            Q(title__folded_contains=term)
            | Q(description__folded_contains=term)
            | Q(venue__folded_contains=term)
            | Q(commune__name__folded_contains=term)
        )
    return queryset


def _audience(queryset, name, value):
    # An event for everyone is also for culture, and for early childhood.
    if value == Audience.BOTH:
        return queryset.filter(audience=Audience.BOTH)
    return queryset.filter(audience__in=[value, Audience.BOTH])


def _month(queryset, name, value):
    """Events whose first session starts in that month, in Paris time (needs with_dates)."""
    year, month = (int(part) for part in value.split("-"))
    start = _month_start(year, month)
    end = _month_start(*_add_months(year, month, 1))
    return queryset.filter(first_start__gte=start, first_start__lt=end)


class AgendaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"), method=_text_search, help_text=_("Titre, présentation, lieu.")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=EventKind.choices, empty_label=_("Tous les types")
    )
    audience = django_filters.ChoiceFilter(
        label=_("Public"),
        choices=Audience.choices,
        method=_audience,
        empty_label=_("Tous les publics"),
        help_text=_("Les rencontres pour la culture et la petite enfance sont toujours incluses."),
    )
    epci = epci_filter("commune__epci")
    month = django_filters.ChoiceFilter(
        label=_("Mois"), method=_month, empty_label=_("Tous les mois")
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "audience", "epci", "month"]

    def __init__(self, *args, past: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["month"].extra["choices"] = month_choices(past=past)
