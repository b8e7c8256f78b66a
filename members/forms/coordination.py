"""Forms of the coordination's validation queue."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from consortium.core.validators import reject_html

from ..enums import AffiliationStatus, OrganizationStatus
from ..models import Affiliation, Person

MESSAGE_HELP = _("Le message est envoyé par e-mail, tel quel.")


class WelcomeForm(forms.Form):
    """Validating: a welcome message is optional."""

    message = forms.CharField(
        label=_("Message de bienvenue"),
        required=False,
        max_length=2000,
        validators=[reject_html],
        help_text=MESSAGE_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefusalForm(forms.Form):
    """Refusing: the person is told why."""

    message = forms.CharField(
        label=_("Raison du refus"),
        max_length=2000,
        validators=[reject_html],
        help_text=MESSAGE_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Expliquez en quelques mots la raison du refus : elle est envoyée.")
        },
    )


class OptionalRefusalForm(RefusalForm):
    """A referent declining a request to join may say why, or not."""

    message = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=2000,
        validators=[reject_html],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _creates_an_organization():
    return Exists(
        Affiliation.objects.filter(
            person=OuterRef("pk"),
            status=AffiliationStatus.PENDING,
            organization__status=OrganizationStatus.PENDING,
            organization__created_by=OuterRef("user"),
        )
    )


class ValidationFilter(django_filters.FilterSet):
    """Narrow the queue: by name, address or organisation, and by kind of request."""

    KIND_CHOICES = [
        ("creation", _("Nouvelle structure")),
        ("rattachement", _("Rattachement à une structure existante")),
    ]

    q = django_filters.CharFilter(label=_("Nom, e-mail ou structure"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Type de demande"),
        choices=KIND_CHOICES,
        method="by_kind",
        empty_label=_("Toutes les demandes"),
    )

    class Meta:
        model = Person
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(user__first_name__folded_contains=term)
                | Q(user__last_name__folded_contains=term)
                | Q(user__email__folded_contains=term)
                | Q(
                    pk__in=Affiliation.objects.filter(
                        organization__name__folded_contains=term
                    ).values("person_id")
                )
            )
        return queryset

    def by_kind(self, queryset, name, value):
        creates = _creates_an_organization()
        return queryset.filter(creates if value == "creation" else ~creates)
