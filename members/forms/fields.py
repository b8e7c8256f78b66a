"""Form fields shared by the forms of the members app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order

from ..models import Commune


class CommuneChoiceField(forms.ModelChoiceField):
    """A commune of the Val-d'Oise, listed by name and postal code, posted by INSEE code.

    The INSEE code (not the pk) keeps the posted value stable across databases, so that
    links and tests can name a commune.
    """

    default_error_messages = {
        "invalid_choice": _(
            "Cette commune n'est pas dans la liste du Val-d'Oise : choisissez-la parmi "
            "les communes proposées."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Commune.objects.order_by(french_order("name")))
        super().__init__(to_field_name="insee_code", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.postal_codes.split()[0]})"
