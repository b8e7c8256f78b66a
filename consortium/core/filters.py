"""django-filter pieces that every list uses."""

import django_filters
from django.db.models import Q


def vocabulary_filter(queryset, field_name: str, defaults: dict, options: dict):
    """A drop-down filter on one value of a vocabulary; `options` override the `defaults`
    (label, empty label) that the vocabulary's app gives."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=queryset, **(defaults | options)
    )


def text_search(fields):
    """A filter method: every word (eight at most) must match one of `fields`."""

    def search(queryset, name, value):
        terms = value.split()
        for term in terms[:8]:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__folded_contains": term})
            queryset = queryset.filter(condition)
        return queryset

    return search
