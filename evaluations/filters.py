"""Filters of the survey list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import SurveyKind
from .models import Survey


class SurveyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Titre contient"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=SurveyKind.choices, empty_label=_("Tous les types")
    )

    class Meta:
        model = Survey
        fields = ["q", "kind"]

    def filter_text(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(title__folded_contains=term)
        return queryset


class ExperimentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Titre contient"), method="filter_text")

    class Meta:
        from .models import ExperimentEvaluation

        model = ExperimentEvaluation
        fields = ["q"]

    def filter_text(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(project__title__folded_contains=term)
        return queryset
