"""Field validators shared by the forms of every app."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A tag, not any "<": "enfants de <3 ans" or "2 < 3" stay allowed (and are shown escaped).
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>")
PHONE = re.compile(r"^\+?[\d\s.()-]{6,25}$")


def reject_html(value: str) -> None:
    """Refuse HTML tags in a plain-text field, with an error that says why.

    Text is always shown escaped, so a tag would never be harmful; but it would show
    as is (``<b>`` and all), which is never what the person meant.
    """
    if HTML_TAG.search(value or ""):
        raise ValidationError(
            _(
                "Écrivez sans balise HTML (comme <b> ou <a href>) : le texte est affiché "
                "tel quel, sans mise en forme."
            ),
            code="html",
        )


def validate_phone(value: str) -> None:
    """A French or international phone number, written the way people write them.

    Digits with spaces, dots, dashes or brackets, and an optional leading "+"; an
    empty value is left to the field's `required`.
    """
    if value and not PHONE.match(value):
        raise ValidationError(
            _("Saisissez un numéro de téléphone, par exemple 01 34 25 30 30."), code="phone"
        )
