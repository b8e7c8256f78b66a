"""django-filter filter set of /projets/."""

import django_filters
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from members.filters import age_filter, discipline_filter, epci_filter
from members.models import WorkingGroup

from ..enums import ProjectStatus
from ..models import Project

EXPERIMENT_CHOICES = [("oui", _("Expérimentations seulement")), ("non", _("Hors expérimentations"))]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"), method="filter_text", help_text=_("Titre, résumé ou description.")
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=ProjectStatus.choices, empty_label=_("Tous les états")
    )
    experiment = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=EXPERIMENT_CHOICES,
        empty_label=_("Projets et expérimentations"),
        method="filter_experiment",
    )
    discipline = discipline_filter(distinct=True)
    age = age_filter(distinct=True)
    epci = epci_filter("communes__epci", distinct=True)
    group = django_filters.ModelChoiceFilter(
        label=_("Groupe de travail"),
        field_name="working_group",
        queryset=WorkingGroup.objects.order_by(french_order("title")),
        empty_label=_("Tous les groupes"),
    )
    # A name to type rather than a list: the network has hundreds of organisations.
    partner = django_filters.CharFilter(
        label=_("Structure partenaire"),
        field_name="partners__name",
        lookup_expr="folded_contains",
        help_text=_("Une partie de son nom."),
        distinct=True,
    )

    class Meta:
        model = Project
        fields = ["q", "status", "experiment", "discipline", "age", "epci", "group", "partner"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_experiment(self, queryset, name, value):
        return queryset.filter(is_experiment=value == "oui")
