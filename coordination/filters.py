"""Filters of the coordination's list pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import MailingStatus
from .models import Mailing


class MailingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"), field_name="subject", lookup_expr="icontains"
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=MailingStatus.choices, empty_label=_("Tous les états")
    )

    class Meta:
        model = Mailing
        fields = ["q", "status"]
