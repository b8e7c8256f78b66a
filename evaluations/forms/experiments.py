"""Forms of the evaluation of experiments: the grid, a round's measurements, a decision
on a measurement, the model sheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.forms import PlainTextMixin

from ..enums import IndicatorKind, MeasurementStatus
from ..models import Indicator, ModelSheetVersion


class IndicatorForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["label", "kind", "unit", "target"]
        widgets = {"kind": forms.RadioSelect}


class MeasurementsForm(PlainTextMixin, forms.Form):
    """One field per indicator of the grid, for one round; validated values are shown and
    cannot change. Values are checked by the service (one French message per field)."""

    def __init__(self, *args, indicators, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            measurement = existing.get(indicator.pk)
            name = f"i{indicator.pk}"
            locked = measurement is not None and measurement.status == MeasurementStatus.VALIDATED
            help_text = indicator.unit
            if measurement is not None:
                help_text = f"{help_text} · {measurement.get_status_display()}".strip(" ·")
            if indicator.kind == IndicatorKind.TEXT:
                field = forms.CharField(
                    label=indicator.label,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                initial = measurement.text if measurement else ""
            else:
                attrs = {"inputmode": "decimal", "autocomplete": "off"}
                field = forms.CharField(
                    label=indicator.label,
                    required=False,
                    max_length=20,
                    widget=forms.TextInput(attrs=attrs),
                )
                initial = (
                    f"{measurement.value.normalize():f}".replace(".", ",")
                    if measurement is not None and measurement.value is not None
                    else ""
                )
            field.help_text = help_text
            field.initial = initial
            field.disabled = locked
            self.fields[name] = field

    def values(self) -> dict:
        return {
            indicator.pk: self.cleaned_data.get(f"i{indicator.pk}", "")
            for indicator in self.indicators
            if not self.fields[f"i{indicator.pk}"].disabled
        }


class DecisionForm(forms.Form):
    transition = forms.ChoiceField(choices=[("valider", _("Valider")), ("refuser", _("Refuser"))])
    comment = forms.CharField(label=_("Motif du refus"), required=False, max_length=2000)


class SheetForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = ModelSheetVersion
        fields = [
            "title",
            "summary",
            "objectives",
            "steps",
            "duration",
            "resources",
            "budget",
            "partners",
            "figures",
            "conditions",
            "pitfalls",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in (
                "summary",
                "objectives",
                "steps",
                "resources",
                "partners",
                "figures",
                "conditions",
                "pitfalls",
            )
        }
