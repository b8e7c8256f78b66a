"""Forms of the coordination app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.forms import PlainTextMixin
from consortium.core.uploads import validate_document
from consortium.core.validators import reject_html
from consortium.core.widgets import StoredFileInput
from events.models import Event
from members.enums import Sector
from members.models import Commune, Epci, Need, OrganizationType, WorkingGroup
from projects.models import Opportunity

from .models import Mailing
from .services import M2M_FIELDS

SEGMENT_FIELDS = ("everyone", "sectors", *M2M_FIELDS)


class MailingForm(PlainTextMixin, forms.ModelForm):
    """The message and who it goes to: each criterion chosen adds its people."""

    sectors = forms.MultipleChoiceField(
        label=_("Secteurs"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les membres des structures actives de ces secteurs."),
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        validators=[validate_document],
        widget=StoredFileInput,
        help_text=_("PDF, documents bureautiques, images ou texte ; 10 Mo au maximum."),
    )

    class Meta:
        model = Mailing
        fields = ["subject", "body", "attachment", *SEGMENT_FIELDS]
        labels = {
            "subject": _("Objet"),
            "body": _("Message"),
            "everyone": _("Tout le réseau (chaque membre actif)"),
            "organization_types": _("Types de structure"),
            "epcis": _("Intercommunalités (EPCI)"),
            "communes": _("Communes"),
            "groups": _("Groupes de travail"),
            "registrants_of": _("Personnes inscrites aux rencontres"),
            "attendees_of": _("Personnes présentes aux rencontres"),
            "needs": _("Personnes qui portent ou soutiennent les besoins"),
            "opportunities": _("Personnes qui suivent les financements"),
        }
        help_texts = {
            "body": _("Paragraphes séparés par une ligne vide ; listes et liens simples acceptés."),
            "communes": _("Les membres des structures de ces communes (Ctrl ou Cmd : plusieurs)."),
            "registrants_of": _("Inscriptions confirmées (Ctrl ou Cmd : plusieurs)."),
            "attendees_of": _("Émargement : présent·es à au moins une séance."),
            "needs": _("Qui a exprimé le besoin et qui a dit « moi aussi »."),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "organization_types": forms.CheckboxSelectMultiple,
            "epcis": forms.CheckboxSelectMultiple,
            "groups": forms.CheckboxSelectMultiple,
            "communes": forms.SelectMultiple(attrs={"size": 8}),
            "registrants_of": forms.SelectMultiple(attrs={"size": 6}),
            "attendees_of": forms.SelectMultiple(attrs={"size": 6}),
            "needs": forms.SelectMultiple(attrs={"size": 6}),
            "opportunities": forms.SelectMultiple(attrs={"size": 6}),
        }
        error_messages = {
            "subject": {"required": _("Donnez un objet au message.")},
            "body": {"required": _("Écrivez le message.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.remove(reject_html)  # rich text, sanitised on save
        events = Event.objects.order_by("-created_at", "-pk")
        fields = self.fields
        fields["organization_types"].queryset = OrganizationType.objects.all()
        fields["epcis"].queryset = Epci.objects.all()
        fields["communes"].queryset = Commune.objects.all()
        fields["groups"].queryset = WorkingGroup.objects.current()
        fields["registrants_of"].queryset = events
        fields["attendees_of"].queryset = events
        fields["needs"].queryset = Need.objects.listed().order_by("-created_at", "-pk")
        fields["opportunities"].queryset = Opportunity.objects.order_by("-created_at", "-pk")

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in SEGMENT_FIELDS]
        if not any(chosen):
            raise forms.ValidationError(
                _("Choisissez au moins un groupe de destinataires (tout le réseau, par exemple)."),
                code="no_segment",
            )
        return data

    def service_arguments(self) -> dict:
        """What the services take: the fields, the segment's relations, the file."""
        data = self.cleaned_data
        return {
            "fields": {name: data[name] for name in ("subject", "body", "everyone")}
            | {"sectors": list(data["sectors"])},
            "m2m": {name: data[name] for name in M2M_FIELDS},
            # A new file, False when the box "clear" is ticked, None to keep the current one.
            "attachment": data.get("attachment"),
        }


class ConfirmForm(forms.Form):
    """A bare POST (CSRF-protected): sending, testing, abandoning, leaving."""
