"""Helpers of the project's forms."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .security import Extract, SecurityKind
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


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SecurityExtractForm(PlainTextMixin, forms.Form):
    """The period and kind of the data-protection officer's extract of security events.

    The log keeps one year (AUDIT_LOG_RETENTION_DAYS): a longer period would promise what
    has been purged."""

    start = forms.DateField(label=_("Du"), widget=_DateInput())
    end = forms.DateField(label=_("Au (inclus)"), widget=_DateInput())
    kind = forms.ChoiceField(
        label=_("Événements"),
        required=False,
        choices=[("", _("Tous les événements de sécurité")), *SecurityKind.choices],
    )

    @classmethod
    def initial_period(cls) -> dict:
        today = timezone.localdate()
        return {"start": today - timedelta(days=30), "end": today}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        if start and end and (end - start).days > settings.AUDIT_LOG_RETENTION_DAYS:
            raise forms.ValidationError(
                _("Le journal est conservé %(days)s jours : choisissez une période plus courte.")
                % {"days": settings.AUDIT_LOG_RETENTION_DAYS}
            )
        return cleaned

    def extract(self):
        data = self.cleaned_data
        return Extract(start=data["start"], end=data["end"], kind=data.get("kind") or "")
