"""django-filter filter sets of the best practices: the public catalogue with its facet
counts, the coordination's review queue and a member's proposals."""

import django_filters
from django.utils.translation import gettext_lazy as _

from members.enums import Sector
from members.filters import (
    age_filter,
    discipline_filter,
    epci_filter,
    sector_filter,
    theme_filter,
)

from ..enums import PracticeStatus
from ..models import Practice


def _text(queryset, name, value):
    return queryset.search(value)


class PracticeFilter(django_filters.FilterSet):
    """The catalogue's facets. Each option says how many sheets it would give, the other
    active filters applied (classic faceted search): see `facets_count`."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method=_text,
        help_text=_("Un mot du titre, du résumé ou de la description."),
    )
    discipline = discipline_filter()
    age = age_filter()
    sector = sector_filter()
    epci = epci_filter("epcis")
    theme = theme_filter()

    class Meta:
        model = Practice
        fields = ["q", "discipline", "age", "sector", "epci", "theme"]

    # Facet -> the field its counts group by.
    FACETS = {
        "discipline": "disciplines",
        "age": "age_groups",
        "sector": "sector",
        "epci": "epcis",
        "theme": "themes",
    }

    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.filters)

    def queryset_without(self, excluded: str):
        """The sheets selected by every valid filter except `excluded`."""
        self.errors  # noqa: B018 - validates the form, which fills cleaned_data
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets_count(self) -> dict[str, dict]:
        """{facet: {option value: count}}, one GROUP BY query per facet; the option
        labels of the form then show the counts ("Musique (12)")."""
        counts = {
            facet: self.queryset_without(facet).count_by(field)
            for facet, field in self.FACETS.items()
        }
        self._labels_with_counts(counts)
        return counts

    def _labels_with_counts(self, counts: dict[str, dict]) -> None:
        fields = self.form.fields
        for facet in ("discipline", "age", "epci", "theme"):
            facet_counts = counts[facet]
            fields[facet].label_from_instance = lambda obj, c=facet_counts: _with_count(
                obj, c.get(obj.pk, 0)
            )
        sectors = counts["sector"]
        options = [
            (value, _with_count(label, sectors.get(value, 0))) for value, label in Sector.choices
        ]
        fields["sector"].choices = [("", _("Tous les secteurs")), *options]


def _with_count(label, count: int) -> str:
    return f"{label} ({count})"


class PracticeReviewFilter(django_filters.FilterSet):
    """The coordination's queue: sheets to review by default, any state on demand."""

    q = django_filters.CharFilter(label=_("Rechercher"), method=_text)
    status = django_filters.ChoiceFilter(
        label=_("État"),
        choices=PracticeStatus.choices,
        empty_label=_("À relire (proposées)"),
    )

    class Meta:
        model = Practice
        fields = ["q", "status"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.awaiting_review()
        return queryset

    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.filters)


class MyPracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method=_text)
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=PracticeStatus.choices, empty_label=_("Tous les états")
    )

    class Meta:
        model = Practice
        fields = ["q", "status"]

    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.filters)
