"""Helpers of the project's forms."""

from django import forms
from django.core.exceptions import ValidationError

from .validators import reject_html, reject_unlikely_year


def show_service_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (the others on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class PlainTextMixin:
    """Text fields take plain text: HTML tags get a clear error instead of being stored.
    Dates and times take a year between 1900 and 2100."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.URLField):
                field.validators.append(reject_html)
            elif isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(reject_unlikely_year)
