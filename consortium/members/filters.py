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
        help_text=_("Nom, présentation ou commune."),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Secteur"), choices=Sector.choices, empty_label=_("Tous les secteurs")
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type de structure"),
        queryset=OrganizationType.objects.all(),
        empty_label=_("Tous les types"),
    )
    discipline = django_filters.ModelChoiceFilter(
        label=_("Discipline"),
        field_name="disciplines",
        queryset=Discipline.objects.all(),
        empty_label=_("Toutes les disciplines"),
    )
    age = django_filters.ModelChoiceFilter(
        label=_("Âge"),
        field_name="age_groups",
        queryset=AgeGroup.objects.all(),
        empty_label=_("Tous les âges"),
    )
    epci = django_filters.ModelChoiceFilter(
        label=_("Intercommunalité"),
        field_name="commune__epci",
        queryset=Epci.objects.all(),
        empty_label=_("Tout le Val-d'Oise"),
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.all(), empty_label=_("Toutes les communes")
    )

    class Meta:
        model = Organization
        fields = ["q", "sector", "type", "discipline", "age", "epci", "commune"]


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"), method=_text_search(["title", "description"])
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), queryset=Theme.objects.all(), empty_label=_("Tous les thèmes")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Secteur"), choices=Sector.choices, empty_label=_("Tous les secteurs")
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=NeedStatus.choices, empty_label=_("Tous, sauf fusionnés")
    )
    age = django_filters.ModelChoiceFilter(
        label=_("Âge"),
        field_name="age_groups",
        queryset=AgeGroup.objects.all(),
        empty_label=_("Tous les âges"),
    )
    epci = django_filters.ModelChoiceFilter(
        label=_("Intercommunalité"),
        field_name="commune__epci",
        queryset=Epci.objects.all(),
        empty_label=_("Tout le Val-d'Oise"),
    )

    class Meta:
        model = Need
        fields = ["q", "theme", "sector", "status", "age", "epci"]
