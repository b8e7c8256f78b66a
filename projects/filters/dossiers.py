"""django-filter filter sets of the dossiers list and of the coordination's board."""

import django_filters
from django.utils.translation import gettext_lazy as _

from members.filters import epci_filter

from ..enums import DossierKind, DossierStatus
from ..forms.dossiers import DATE_WIDGET


class DossierBoardFilter(django_filters.FilterSet):
    """Kind, organisation and EPCI: what narrows the board (its columns are the statuses)."""

    kind = django_filters.ChoiceFilter(
        label=_("Type de dossier"), choices=DossierKind.choices, empty_label=_("Tous les types")
    )
    # A name to type rather than a list: the coordination follows hundreds of organisations.
    organization = django_filters.CharFilter(
        label=_("Structure"),
        field_name="organization__name",
        lookup_expr="folded_contains",
        help_text=_("Une partie de son nom."),
    )
    epci = epci_filter("organization__commune__epci")


class DossierFilter(DossierBoardFilter):
    """The list: the board's filters, plus the step, words and the next key date."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_text",
        help_text=_("Intitulé, financeur ou structure."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Étape"), choices=DossierStatus.choices, empty_label=_("Toutes les étapes")
    )
    deadline_before = django_filters.DateFilter(
        label=_("Prochaine échéance avant le"),
        field_name="next_due_on",
        lookup_expr="lte",
        widget=DATE_WIDGET,
        help_text=_("Les dossiers qui ont une échéance à venir d'ici cette date."),
    )

    ORDER = ["q", "status", "kind", "organization", "epci", "deadline_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.order_fields(self.ORDER)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)
