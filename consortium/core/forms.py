"""Helpers of the project's forms."""

from django.core.exceptions import ValidationError


def show_service_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (the others on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
