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


# Invisible characters that change the direction text is shown in: embeddings and overrides
# (U+202A–U+202E), isolates (U+2066–U+2069), the left-to-right, right-to-left and Arabic
# letter marks (U+200E, U+200F, U+061C).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def reject_bidi_controls(value: str) -> None:
    """Refuse the invisible characters that reorder how a name or a title is shown.

    "\u202eevil" would show reversed: a name could pass for another one, a file name
    could hide its extension. Nobody types them on purpose in a French name or title.
    """
    if BIDI_CONTROLS.search(value or ""):
        raise ValidationError(
            _(
                "Retirez les caractères invisibles qui inversent le sens d'affichage du texte "
                "(caractères de contrôle bidirectionnels) : ils peuvent faire passer un nom "
                "pour un autre."
            ),
            code="bidi",
        )


# A date outside these years is a typing slip or a probe; year 1 at 00:00 in Paris is in
# year 0 in UTC, which PostgreSQL refuses (a 500 before this check).
DATE_YEARS = range(1900, 2101)


def reject_unlikely_year(value) -> None:
    """Refuse a date or a date and time outside 1900–2100."""
    if value is not None and value.year not in DATE_YEARS:
        raise ValidationError(
            _("Indiquez une date entre %(first)s et %(last)s.")
            % {"first": DATE_YEARS[0], "last": DATE_YEARS[-1]},
            code="year",
        )
