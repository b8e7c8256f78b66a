"""django-filter filter sets of the funding watch: the members' list and the public page.

Eligibility facets read "open to": an opportunity without restriction on a dimension is
open to every value of it, so choosing "Musique" keeps the calls open to all disciplines.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from members.filters import age_filter, discipline_filter, epci_filter, sector_filter
from members.models import Organization

from ..enums import OpportunityKind
from ..forms.opportunities import DateInput
from ..models import Opportunity

OPEN, ALL, CLOSED = "ouvertes", "toutes", "cloturees"
PERIOD_CHOICES = [
    (OPEN, _("Ouvertes seulement")),
    (ALL, _("Toutes, clôturées comprises")),
    (CLOSED, _("Clôturées seulement")),
]


def _text_search(queryset, name, value):
    return queryset.search(value)


class OpportunityFilter(django_filters.FilterSet):
    """Facets of /financements/; "open only" unless asked otherwise."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method=_text_search,
        help_text=_("Intitulé, financeur ou résumé."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=OpportunityKind.choices, empty_label=_("Tous les types")
    )
    sector = sector_filter(label=_("Ouvertes au secteur"), method="filter_sector")
    discipline = discipline_filter(label=_("Ouvertes à la discipline"), method="filter_discipline")
    age = age_filter(label=_("Ouvertes à l'âge"), method="filter_age")
    epci = epci_filter("epci", label=_("Ouvertes à l'intercommunalité"), method="filter_epci")
    avant = django_filters.DateFilter(
        label=_("Date limite au plus tard le"),
        field_name="deadline",
        lookup_expr="lte",
        widget=DateInput,
        error_messages={"invalid": _("Saisissez une date valide, par exemple 31/12/2026.")},
    )
    periode = django_filters.ChoiceFilter(
        label=_("Afficher"),
        choices=PERIOD_CHOICES,
        empty_label=None,
        method="filter_period",
    )
    pour_moi = django_filters.BooleanFilter(
        label=_("Correspond à ma structure"),
        help_text=_("Seulement les financements auxquels l'une de vos structures est éligible."),
        method="filter_mine",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    suivies = django_filters.BooleanFilter(
        label=_("Celles que je suis"),
        help_text=_("Les financements pour lesquels vous recevez les rappels de date limite."),
        method="filter_followed",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    class Meta:
        model = Opportunity
        fields = ["q", "kind", "sector", "discipline", "age", "epci", "avant", "periode"]

    def __init__(self, data=None, *args, person=None, **kwargs):
        # The list opens on the open opportunities: "periode" takes its default value
        # when the query string does not carry it (first visit, or a bare ?page=2).
        data = data.copy() if data is not None else None
        if data is not None and not data.get("periode"):
            data["periode"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.person = person
        if person is None:
            del self.filters["suivies"]  # observers and staff without a profile follow nothing
        self.organizations = Organization.objects.acted_for_by(person)
        if person is None or not self.organizations.exists():
            # Nothing to match without an organisation: no switch that would empty the list.
            del self.filters["pour_moi"]

    def filter_sector(self, queryset, name, value):
        return queryset.open_to_sector(value)

    def filter_discipline(self, queryset, name, value):
        return queryset.open_to_discipline(value)

    def filter_age(self, queryset, name, value):
        return queryset.open_to_age(value)

    def filter_epci(self, queryset, name, value):
        return queryset.open_to_epci(value)

    def filter_period(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        return queryset.closed() if value == CLOSED else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.matching(self.organizations) if value else queryset

    def filter_followed(self, queryset, name, value):
        return queryset.filter(follows__person=self.person) if value else queryset


class PublicOpportunityFilter(django_filters.FilterSet):
    """Filters of the public page: the open public opportunities only."""

    q = django_filters.CharFilter(
        label=_("Rechercher"), method=_text_search, help_text=_("Intitulé, financeur ou résumé.")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=OpportunityKind.choices, empty_label=_("Tous les types")
    )

    class Meta:
        model = Opportunity
        fields = ["q", "kind"]
