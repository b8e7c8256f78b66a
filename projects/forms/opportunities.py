"""The coordinator's form of an opportunity: what, who funds it, how much, until when, for whom."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.forms import PlainTextMixin
from consortium.core.uploads import validate_document
from consortium.core.validators import reject_bidi_controls, reject_html
from members.enums import Sector

from ..enums import OpportunityKind
from ..models import Opportunity, OpportunityAttachment


class DateInput(forms.DateInput):
    """The browser's date picker (ISO values, shown in the visitor's format)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


M2M_FIELDS = ("eligible_types", "eligible_disciplines", "eligible_ages", "eligible_epcis", "themes")


class OpportunityForm(PlainTextMixin, forms.ModelForm):
    eligible_sectors = forms.MultipleChoiceField(
        label=_("Secteurs éligibles"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les secteurs."),
    )
    attachment_title = forms.CharField(
        label=_("Titre de la pièce jointe"),
        max_length=200,
        required=False,
        validators=[reject_bidi_controls],
        help_text=_("Par exemple : « Règlement de l'appel »."),
    )
    attachment_file = forms.FileField(
        label=_("Ajouter une pièce jointe"),
        required=False,
        validators=[validate_document],
        help_text=_("PDF, documents bureautiques, images ou texte ; 10 Mo au maximum."),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Retirer des pièces jointes"),
        queryset=OpportunityAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "kind",
            "funder",
            "summary",
            "description",
            "link",
            "amount_min",
            "amount_max",
            "opens_on",
            "deadline",
            "eligible_types",
            "eligible_disciplines",
            "eligible_ages",
            "eligible_epcis",
            "themes",
            "is_public",
        ]
        labels = {
            "title": _("Intitulé"),
            "kind": _("Type de financement"),
            "funder": _("Financeur"),
            "summary": _("Résumé"),
            "description": _("Description détaillée"),
            "link": _("Lien vers l'appel"),
            "amount_min": _("Montant minimum (€)"),
            "amount_max": _("Montant maximum (€)"),
            "opens_on": _("Date d'ouverture"),
            "deadline": _("Date limite de dépôt"),
            "eligible_types": _("Types de structure éligibles"),
            "eligible_disciplines": _("Disciplines"),
            "eligible_ages": _("Âges"),
            "eligible_epcis": _("Intercommunalités"),
            "themes": _("Thèmes"),
            "is_public": _("Publier aussi sur la page publique des financements"),
        }
        help_texts = {
            "summary": _("Deux ou trois phrases, reprises dans la liste et la lettre de veille."),
            "description": _(
                "Paragraphes séparés par une ligne vide ; listes et liens simples acceptés."
            ),
            "eligible_types": _("Aucun coché : tous les types de structure."),
            "eligible_disciplines": _("Aucune cochée : toutes les disciplines."),
            "eligible_ages": _("Aucun coché : tous les âges."),
            "eligible_epcis": _("Aucune cochée : tout le Val-d'Oise."),
            "themes": _("Facultatif, pour la recherche."),
            "deadline": _("Sans date : appel permanent."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "opens_on": DateInput,
            "deadline": DateInput,
            **dict.fromkeys(M2M_FIELDS, forms.CheckboxSelectMultiple),
        }
        error_messages = {
            "title": {"required": _("Donnez un intitulé au financement.")},
            "funder": {"required": _("Indiquez le financeur.")},
            "summary": {"required": _("Résumez le financement en quelques phrases.")},
            "kind": {"required": _("Choisissez le type de financement.")},
            "link": {"invalid": _("Saisissez une adresse web complète (https://…).")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OpportunityKind.choices  # no blank radio
        # The description is rich text (sanitised on save): HTML is welcome there.
        self.fields["description"].validators.remove(reject_html)
        if self.instance.pk:
            self.initial["eligible_sectors"] = list(
                self.instance.eligible_sectors.values_list("sector", flat=True)
            )
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove_attachments"]

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "amount_max", _("Le montant maximum doit être supérieur ou égal au minimum.")
            )
        opens, deadline = data.get("opens_on"), data.get("deadline")
        if opens and deadline and opens > deadline:
            self.add_error("deadline", _("La date limite doit venir après la date d'ouverture."))
        if data.get("attachment_title") and not data.get("attachment_file"):
            self.add_error("attachment_file", _("Choisissez le fichier de la pièce jointe."))
        return data

    def service_fields(self) -> dict:
        """The plain fields the services take (relations apart)."""
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name not in M2M_FIELDS
        }

    def service_relations(self) -> dict:
        return {name: self.cleaned_data[name] for name in M2M_FIELDS}

    def attachment(self) -> dict:
        return {
            "attachment_title": self.cleaned_data.get("attachment_title", ""),
            "attachment_file": self.cleaned_data.get("attachment_file"),
        }
