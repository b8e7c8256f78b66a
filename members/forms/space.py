"""Forms of the member area: profile, organisation, preferences, account deletion."""

import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from consortium.core.validators import reject_bidi_controls, reject_html, validate_phone

from ..consents import CONSENTS
from ..enums import ConsentPurpose, OrganizationStatus, Sector
from ..models import AgeGroup, Discipline, Organization, OrganizationType
from .fields import CommuneChoiceField


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        validators=[reject_html, reject_bidi_controls],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        validators=[reject_html, reject_bidi_controls],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    job_title = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        validators=[reject_html, reject_bidi_controls],
        help_text=_(
            "Par exemple : éducatrice de jeunes enfants, bibliothécaire jeunesse, "
            "directeur de conservatoire."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    phone = forms.CharField(
        label=_("Téléphone professionnel"),
        max_length=30,
        required=False,
        validators=[validate_phone],
        help_text=_("Seules la coordination et les membres validés du réseau le voient."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    @classmethod
    def for_person(cls, person, data=None):
        user = person.user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": person.job_title,
            "phone": person.phone,
        }
        return cls(data, initial=initial)


class OrganizationForm(forms.ModelForm):
    """An organisation as its referent describes it (creation and edition)."""

    M2M_FIELDS = ("disciplines", "age_groups")

    commune = CommuneChoiceField(
        label=_("Commune"),
        empty_label=_("Choisissez la commune"),
        help_text=_("Tapez les premières lettres pour aller plus vite dans la liste."),
    )
    type = forms.ModelChoiceField(
        label=_("Type de structure"),
        queryset=OrganizationType.objects.all(),
        empty_label=_("Choisissez le type"),
        help_text=_("Les types sont rangés par secteur."),
    )
    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines artistiques"),
        queryset=Discipline.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_groups = forms.ModelMultipleChoiceField(
        label=_("Âges accueillis"),
        queryset=AgeGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,  # room for the spaces people type; 14 digits once they are removed
        help_text=_("14 chiffres. Il nous aide à repérer les structures en double."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    listed_publicly = forms.BooleanField(
        label=CONSENTS[ConsentPurpose.PUBLIC_LISTING].label,
        required=False,
        help_text=CONSENTS[ConsentPurpose.PUBLIC_LISTING].help_text,
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "siret",
            "sector",
            "type",
            "disciplines",
            "age_groups",
            "commune",
            "address",
            "website",
            "email",
            "phone",
            "public_description",
            "listed_publicly",
        ]
        widgets = {
            "sector": forms.RadioSelect,
            "public_description": forms.Textarea(attrs={"rows": 5}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        labels = {
            "name": _("Nom de la structure"),
            "sector": _("Secteur"),
            "address": _("Adresse"),
            "website": _("Site web"),
            "email": _("E-mail de contact de la structure"),
            "phone": _("Téléphone de la structure"),
            "public_description": _("Présentation"),
        }
        help_texts = {
            "name": _("Le nom sous lequel les familles et les partenaires la connaissent."),
            "website": _("Par exemple : https://www.mediatheque-cergy.fr"),
            "public_description": _(
                "Quelques lignes sur vos publics et vos projets d'éveil artistique "
                "(1 500 caractères au plus)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "address", "public_description"):
            self.fields[name].validators.append(reject_html)
        self.fields["phone"].validators.append(validate_phone)
        self.fields["sector"].choices = Sector.choices
        self.fields["type"].choices = self._types_by_sector()
        if self.instance.pk:
            # The list is keyed by INSEE code, the instance knows its commune by pk.
            self.initial["commune"] = self.instance.commune.insee_code

    def _types_by_sector(self):
        # One <optgroup> per sector, so that the list reads like the sectors above it.
        types = list(OrganizationType.objects.order_by("position", "name"))
        groups = [("", self.fields["type"].empty_label)]
        for value, label in Sector.choices:
            options = [(t.pk, t.name) for t in types if t.sector == value]
            if options:
                groups.append((label, options))
        return groups

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split())
        if not siret:
            return siret
        if not re.fullmatch(r"\d{14}", siret):
            raise ValidationError(_("Le SIRET compte 14 chiffres, sans lettre."), code="siret")
        others = Organization.objects.filter(siret=siret).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                _(
                    "Une structure du réseau porte déjà ce SIRET : cherchez-la plutôt pour "
                    "demander à la rejoindre."
                ),
                code="siret_taken",
            )
        return siret

    def clean(self):
        cleaned = super().clean()
        kind, sector = cleaned.get("type"), cleaned.get("sector")
        if kind and sector and kind.sector != sector:
            self.add_error(
                "type",
                _(
                    "Ce type ne correspond pas au secteur choisi : choisissez-en un "
                    "de la rubrique « %(sector)s »."
                )
                % {"sector": Sector(sector).label},
            )
        return cleaned

    def service_arguments(self) -> dict:
        """`fields` and `m2m` for services.organization_create / organization_update."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name not in self.M2M_FIELDS}
        return {"fields": fields, "m2m": {name: data[name] for name in self.M2M_FIELDS}}


class OrganizationSearch(django_filters.FilterSet):
    """Find one's organisation among the active and pending ones, by name or commune."""

    q = django_filters.CharFilter(
        label=_("Nom de la structure, commune ou code postal"),
        method="search",
        help_text=_("Par exemple : crèche Pirouette, médiathèque, Sarcelles ou 95200."),
    )

    class Meta:
        model = Organization
        fields = ["q"]

    def search(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(name__folded_contains=term)
                | Q(commune__name__folded_contains=term)
                | Q(commune__postal_codes__folded_contains=term)
            )
        return queryset

    @property
    def qs(self):
        # Without a search, list nothing: 80 to 800 organisations help nobody choose.
        if not self.form.is_valid() or not self.form.cleaned_data.get("q"):
            return self.queryset.none()
        return super().qs

    @staticmethod
    def base_queryset():
        return (
            Organization.objects.filter(
                status__in=[OrganizationStatus.ACTIVE, OrganizationStatus.PENDING]
            )
            .select_related("commune", "type")
            .order_by(french_order("name"), "pk")
        )


class PreferencesForm(forms.Form):
    wants_reminders = forms.BooleanField(
        label=_("Recevoir un rappel par e-mail avant les rencontres auxquelles je suis inscrit·e"),
        help_text=_("Une semaine avant, puis la veille."),
        required=False,
    )
    wants_digest = forms.BooleanField(label=CONSENTS[ConsentPurpose.DIGEST].label, required=False)
    language = forms.ChoiceField(
        label=_("Langue des e-mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_person(cls, person, data=None):
        initial = {
            "wants_reminders": person.wants_reminders,
            "wants_digest": person.wants_digest,
            "language": person.user.language,
        }
        return cls(data, initial=initial)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe actuel"),
        strip=False,
        help_text=_("Par sécurité, confirmez que c'est bien vous."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression de mon compte est définitive."),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("Ce mot de passe n'est pas le bon : votre compte n'a pas été supprimé."),
                code="wrong_password",
            )
        return password
