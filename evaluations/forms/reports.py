"""The period of an activity report or of an export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.exceptions import DomainError

from ..figures import Period
from ..reports import period_check


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DateInput())
    end = forms.DateField(label=_("Au (inclus)"), widget=DateInput())

    @classmethod
    def initial_period(cls) -> dict:
        period = Period.current_year()
        return {"start": period.start, "end": period.end}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            try:
                period_check(cleaned["start"], cleaned["end"])
            except DomainError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])
