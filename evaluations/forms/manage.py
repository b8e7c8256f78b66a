"""Forms of the coordination's survey pages: a survey, its settings, its questions."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from consortium.core.forms import PlainTextMixin
from events.forms.coordination import DateTimeLocalInput
from events.models import Event
from projects.models import Project

from ..enums import QuestionKind, SurveyKind
from ..models import Question, Survey

MAX_CHOICES = 20


class SurveyCreateForm(PlainTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de questionnaire"), choices=SurveyKind.choices, widget=forms.RadioSelect
    )
    event = forms.ModelChoiceField(
        label=_("Rencontre"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("Choisissez une rencontre"),
        help_text=_("Pour un questionnaire de satisfaction."),
    )
    project = forms.ModelChoiceField(
        label=_("Expérimentation"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Choisissez une expérimentation"),
        help_text=_("Pour un questionnaire avant ou après l'expérimentation."),
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    closes_at = forms.DateTimeField(
        label=_("Date de clôture"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Sans date, le questionnaire ferme 30 jours après l'envoi des invitations."),
    )
    default_questions = forms.BooleanField(
        label=_("Partir des questions de satisfaction par défaut"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        has_survey = Survey.objects.filter(event=OuterRef("pk"), kind=SurveyKind.SATISFACTION)
        self.fields["event"].queryset = (
            Event.objects.exclude(Exists(has_survey)).order_by("-created_at").only("title")
        )
        self.fields["project"].queryset = Project.objects.filter(is_experiment=True).only("title")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SurveyKind.SATISFACTION and not data.get("event"):
            self.add_error("event", _("Choisissez la rencontre dont vous mesurez la satisfaction."))
        if kind in (SurveyKind.BEFORE, SurveyKind.AFTER) and not data.get("project"):
            self.add_error("project", _("Choisissez l'expérimentation évaluée."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        satisfaction = data["kind"] == SurveyKind.SATISFACTION
        return {
            "kind": data["kind"],
            "title": data["title"],
            "event": data["event"] if satisfaction else None,
            "project": None if satisfaction else data["project"],
            "closes_at": data["closes_at"],
            "default_questions": data["default_questions"],
        }


class SurveySettingsForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "closes_at"]
        widgets = {
            "closes_at": DateTimeLocalInput(),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }


class QuestionForm(PlainTextMixin, forms.ModelForm):
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Pour un choix unique ou multiple : une option par ligne (2 au moins)."),
    )

    class Meta:
        model = Question
        fields = ["kind", "label", "help_text", "required"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "help_text": _("Une précision affichée sous la question (facultatif)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = QuestionKind.choices  # no blank radio
        if self.instance.pk:
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in data.get("choices", "").splitlines() if line.strip()]
        data["choices"] = lines
        if data.get("kind") in QuestionKind.with_choices():
            if len(lines) < 2:
                self.add_error("choices", _("Donnez au moins deux options, une par ligne."))
            elif len(lines) > MAX_CHOICES:
                self.add_error("choices", _("Vingt options au plus."))
            elif len(set(lines)) != len(lines):
                self.add_error("choices", _("Chaque option ne doit figurer qu'une fois."))
            elif any(len(line) > 200 for line in lines):
                self.add_error("choices", _("Une option compte au plus 200 caractères."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("kind", "label", "help_text", "required", "choices")}
