"""The form a person fills in at /questionnaires/<token>/, built from the survey's questions."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.validators import reject_bidi_controls

from ..enums import QuestionKind

SCALE_CHOICES = [(str(value), str(value)) for value in range(1, 6)]


def _field(question, *, partial: bool) -> forms.Field:
    common = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required and not partial,
        "error_messages": {"required": _("Répondez à cette question.")},
    }
    match question.kind:
        case QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=SCALE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                **common,
            )
        case QuestionKind.SINGLE:
            return forms.ChoiceField(
                choices=[(c, c) for c in question.choices], widget=forms.RadioSelect, **common
            )
        case QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in question.choices],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        case QuestionKind.NUMBER:
            return forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
        case QuestionKind.SHORT_TEXT:
            return forms.CharField(max_length=300, validators=[reject_bidi_controls], **common)
        case _:
            return forms.CharField(
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                validators=[reject_bidi_controls],
                **common,
            )


def _initial(question, value):
    if question.kind == QuestionKind.SCALE:
        return str(value)
    if question.kind == QuestionKind.NUMBER:
        return Decimal(value)
    return value


class SurveyAnswerForm(forms.Form):
    """One field per question (named q<pk>). `partial`: saving a draft, nothing required."""

    def __init__(self, *args, questions, draft=None, partial: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.field_name] = _field(question, partial=partial)
            value = (draft or {}).get(str(question.pk))
            if value is not None:
                self.initial[question.field_name] = _initial(question, value)

    def answers(self) -> dict[int, object]:
        """{question pk: value} of the cleaned form, for the services."""
        return {
            question.pk: self.cleaned_data.get(question.field_name) for question in self.questions
        }
