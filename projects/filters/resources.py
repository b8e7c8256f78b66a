"""django-filter filter set of /ressources/."""

import django_filters
from django.utils.translation import gettext_lazy as _

from consortium.core.permissions import is_coordinator
from members.filters import age_filter, discipline_filter, theme_filter

from ..enums import PublicationStatus, ResourceKind
from ..models import Resource


class ResourceFilter(django_filters.FilterSet):
    """Filters of the resources; the publication state is offered to the coordination only
    (the others only ever see published resources)."""

    q = django_filters.CharFilter(
        label=_("Rechercher"), method="filter_text", help_text=_("Titre ou présentation.")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=ResourceKind.choices, empty_label=_("Tous les types")
    )
    theme = theme_filter(distinct=True)
    age = age_filter(distinct=True)
    discipline = discipline_filter(distinct=True)
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=PublicationStatus.choices, empty_label=_("Tous les états")
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "theme", "age", "discipline", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not is_coordinator(request.user):
            del self.filters["status"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)
