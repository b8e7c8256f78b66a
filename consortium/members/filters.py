"""django-filter filter sets of the directory and the needs list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import NeedStatus, Sector
from .models import AgeGroup, Commune, Discipline, Epci, Need, Organization, OrganizationType, Theme


def _text_search(fields):
    def search(queryset, name, value):
        terms = value.split()
        for term in terms[:8]:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset

    return search


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method=_text_search(["name", "public_description", "commune__name"]),
    )
    sector = django_filters.ChoiceFilter(label=_("Secteur"), choices=Sector.choices)
    type = django_filters.ModelChoiceFilter(
        label=_("Type de structure"), queryset=OrganizationType.objects.all()
    )
    discipline = django_filters.ModelChoiceFilter(
        label=_("Discipline"), field_name="disciplines", queryset=Discipline.objects.all()
    )
    age = django_filters.ModelChoiceFilter(
        label=_("Âge"), field_name="age_groups", queryset=AgeGroup.objects.all()
    )
    epci = django_filters.ModelChoiceFilter(
        label=_("Intercommunalité"), field_name="commune__epci", queryset=Epci.objects.all()
    )
    commune = django_filters.ModelChoiceFilter(label=_("Commune"), queryset=Commune.objects.all())

    class Meta:
        model = Organization
        fields = ["q", "sector", "type", "discipline", "age", "epci", "commune"]


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"), method=_text_search(["title", "description"])
    )
    theme = django_filters.ModelChoiceFilter(label=_("Thème"), queryset=Theme.objects.all())
    sector = django_filters.ChoiceFilter(label=_("Secteur"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("État"), choices=NeedStatus.choices)
    age = django_filters.ModelChoiceFilter(
        label=_("Âge"), field_name="age_groups", queryset=AgeGroup.objects.all()
    )
    epci = django_filters.ModelChoiceFilter(
        label=_("Intercommunalité"), field_name="commune__epci", queryset=Epci.objects.all()
    )

    class Meta:
        model = Need
        fields = ["q", "theme", "sector", "status", "age", "epci"]
