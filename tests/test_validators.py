"""The field validators shared by every form: no HTML tags, phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from consortium.core.validators import reject_html, validate_phone


@pytest.mark.parametrize(
    "text",
    ["Atelier <b>musique</b>", "<script>alert(1)</script>", '<a href="x">ici</a>', "< img src=x>"],
)
def test_html_tags_are_refused_with_a_french_message(text):
    with pytest.raises(ValidationError) as error:
        reject_html(text)
    assert error.value.code == "html"
    assert "sans balise HTML" in error.value.messages[0]


@pytest.mark.parametrize("text", ["", "Enfants de <3 ans", "2 < 3 et 5 > 4", "Moins de 3 ans <"])
def test_comparison_signs_are_plain_text(text):
    reject_html(text)


@pytest.mark.parametrize("phone", ["", "01 34 25 30 30", "+33 1 34 25 30 30", "(01) 34.25.30-30"])
def test_phone_numbers_as_people_write_them(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["appelez-moi", "12345", "01 34 25 30 30 poste 12"])
def test_anything_else_is_not_a_phone_number(phone):
    with pytest.raises(ValidationError) as error:
        validate_phone(phone)
    assert error.value.messages == ["Saisissez un numéro de téléphone, par exemple 01 34 25 30 30."]
