"""django-filter filter sets of the directory and the needs list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import NeedStatus, Sector
from .models import AgeGroup, Commune, Discipline, Epci, Need, Organization, OrganizationType, Theme

# The vocabularies' filters, alike on every list; `options` change the label, the field...


def discipline_filter(field_name: str = "disciplines", **options):
    defaults = {"label": _("Discipline"), "empty_label": _("Toutes les disciplines")}
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Discipline.objects.all(), **(defaults | options)
    )


def age_filter(field_name: str = "age_groups", **options):
    defaults = {"label": _("Âge"), "empty_label": _("Tous les âges")}
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=AgeGroup.objects.all(), **(defaults | options)
    )


def epci_filter(field_name: str, **options):
    defaults = {"label": _("Intercommunalité"), "empty_label": _("Tout le Val-d'Oise")}
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Epci.objects.all(), **(defaults | options)
    )


def theme_filter(field_name: str = "themes", **options):
    defaults = {"label": _("Thème"), "empty_label": _("Tous les thèmes")}
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Theme.objects.all(), **(defaults | options)
    )


def sector_filter(**options):
    defaults = {"label": _("Secteur"), "empty_label": _("Tous les secteurs")}
    return django_filters.ChoiceFilter(choices=Sector.choices, **(defaults | options))


def _text_search(fields):
    def search(queryset, name, value):
        terms = value.split()
        for term in terms[:8]:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__folded_contains": term})
            queryset = queryset.filter(condition)
        return queryset

    return search


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method=_text_search(["name", "public_description", "commune__name"]),
        help_text=_("Nom, présentation ou commune."),
    )
    sector = sector_filter()
    type = django_filters.ModelChoiceFilter(
        label=_("Type de structure"),
        queryset=OrganizationType.objects.all(),
        empty_label=_("Tous les types"),
    )
    discipline = discipline_filter()
    age = age_filter()
    epci = epci_filter("commune__epci")
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
    theme = theme_filter("theme")
    sector = sector_filter()
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=NeedStatus.choices, empty_label=_("Tous, sauf fusionnés")
    )
    age = age_filter()
    epci = epci_filter("commune__epci")

    class Meta:
        model = Need
        fields = ["q", "theme", "sector", "status", "age", "epci"]
