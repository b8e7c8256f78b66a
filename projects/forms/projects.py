"""Forms of the projects and experiments: the project itself and its partner organisations."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from consortium.core.validators import reject_html
from members.models import Commune, Organization

from ..enums import PartnerRole
from ..models import Project

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Rich text (sanitised by nh3) is allowed there; every other text field is plain text.
RICH_TEXT_FIELDS = ("description", "protocol")
M2M_FIELDS = ("communes", "age_groups", "disciplines", "themes")


class CommunesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.postal_codes.split()[0]})"


class ProjectForm(forms.ModelForm):
    """A project or an experiment. With `organizations`, the lead organisation is chosen too
    (creation); an experiment must state its hypothesis."""

    communes = CommunesField(
        label=_("Communes"),
        queryset=Commune.objects.order_by(french_order("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Où le projet se déroule. Maintenez Ctrl (ou Cmd sur Mac) pour en choisir plusieurs."
        ),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "description",
            "status",
            "starts_on",
            "ends_on",
            "working_group",
            "communes",
            "age_groups",
            "disciplines",
            "themes",
            "budget",
            "funding_sources",
            "is_experiment",
            "hypothesis",
            "protocol",
        ]
        labels = {"is_experiment": _("C'est une expérimentation")}
        help_texts = {
            "summary": _("Deux ou trois phrases : ce que fait le projet, avec qui, pour qui."),
            "description": _(
                "Le déroulé, les étapes, le public. Paragraphes, listes, gras et liens acceptés."
            ),
            "funding_sources": _("Par exemple : Département, DRAC, CAF, fonds propres."),
            "is_experiment": _(
                "Une expérimentation teste une hypothèse selon un protocole, puis est évaluée."
            ),
            "hypothesis": _("Obligatoire pour une expérimentation : ce que vous voulez vérifier."),
            "protocol": _("Comment l'hypothèse est testée : durée, publics, mesures."),
            "age_groups": _("Laissez vide si le projet s'adresse à tous les âges."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "funding_sources": forms.Textarea(attrs={"rows": 3}),
            "hypothesis": forms.Textarea(attrs={"rows": 4}),
            "protocol": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "age_groups": forms.CheckboxSelectMultiple,
            "disciplines": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name not in RICH_TEXT_FIELDS:
                field.validators.append(reject_html)
        self.fields["working_group"].queryset = self.fields["working_group"].queryset.filter(
            archived_at__isnull=True
        )
        self.fields["working_group"].empty_label = _("Aucun")
        if organizations is not None:
            self.fields = {"organization": _lead_field(organizations), **self.fields}

    def clean(self):
        cleaned_data = super().clean()
        starts_on, ends_on = cleaned_data.get("starts_on"), cleaned_data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin ne peut pas précéder le début."))
        missing = not cleaned_data.get("hypothesis", "").strip()
        if cleaned_data.get("is_experiment") and missing and "hypothesis" not in self.errors:
            self.add_error("hypothesis", _("Une expérimentation doit énoncer son hypothèse."))
        return cleaned_data

    def validate_constraints(self):
        """clean() says in French what the database constraints guard (dates, hypothesis);
        Django's generic "Constraint … is violated" would only repeat it, in English."""

    def service_arguments(self) -> tuple[dict, dict]:
        """The project's own fields and its many-to-many values, for the services."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in self._meta.fields
            if name not in M2M_FIELDS and name in data
        }
        return fields, {name: data[name] for name in M2M_FIELDS}


def _lead_field(organizations) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("Structure porteuse"),
        queryset=organizations,
        help_text=_("La structure qui porte le projet ; vous ajouterez ensuite ses partenaires."),
    )
    field.empty_label = None if organizations.count() == 1 else _("Choisissez une structure")
    return field


class PartnerForm(forms.Form):
    """Add a partner organisation to a project, or change the role of one."""

    organization = forms.ModelChoiceField(
        label=_("Structure"),
        queryset=Organization.objects.none(),
        empty_label=_("Choisissez une structure du réseau"),
    )
    role = forms.ChoiceField(label=_("Rôle dans le projet"), choices=PartnerRole.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.active().order_by(
            french_order("name")
        )
        self.fields["role"].initial = PartnerRole.PARTNER

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if organization is None:
            raise ValidationError(_("Choisissez une structure du réseau."))
        return organization
