"""Forms of the needs pages: express a need, and the coordination's triage, merge and close."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.validators import reject_html

from ..enums import Sector
from ..models import AgeGroup, Need, NeedTag, Theme, WorkingGroup
from .fields import CommuneChoiceField


class NeedForm(forms.ModelForm):
    """What a member needs. Without `can_be_anonymous` (no profile), the anonymity box goes."""

    commune = CommuneChoiceField(
        label=_("Commune concernée"), empty_label=_("Choisissez une commune")
    )

    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "theme",
            "sector",
            "age_groups",
            "commune",
            "is_anonymous",
        ]
        labels = {
            "title": _("Votre besoin en une phrase"),
            "description": _("Décrivez-le"),
            "theme": _("Thème"),
            "sector": _("Secteur concerné"),
            "age_groups": _("Âges concernés"),
            "is_anonymous": _("Publier ce besoin sans mon nom"),
        }
        help_texts = {
            "title": _("Par exemple : « Former l'équipe de la crèche à la lecture à voix haute »."),
            "description": _(
                "Le contexte, ce que vous avez déjà essayé, ce qui vous aiderait. "
                "4 000 caractères au plus."
            ),
            "age_groups": _(
                "Cochez les âges concernés ; laissez vide si le besoin les concerne tous."
            ),
            "is_anonymous": _(
                "Anonyme pour les autres membres ; la coordination voit toujours qui l'a exprimé."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "age_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, can_be_anonymous: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(reject_html)
        self.fields["description"].validators.append(reject_html)
        self.fields["theme"].empty_label = _("Choisissez un thème")
        self.fields["sector"].choices = [("", _("Choisissez un secteur")), *Sector.choices]
        self.fields["age_groups"].queryset = AgeGroup.objects.all()
        self.fields["theme"].queryset = Theme.objects.all()
        if not can_be_anonymous:
            del self.fields["is_anonymous"]

    def service_arguments(self) -> dict:
        """The keyword arguments of services.need_create, from the cleaned data."""
        fields = dict(self.cleaned_data)
        return {"age_groups": fields.pop("age_groups"), "fields": fields}


class NeedTriageForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Étiquettes"),
        queryset=NeedTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Groupe de travail qui s'en saisit"),
        queryset=WorkingGroup.objects.current(),
        required=False,
        empty_label=_("Aucun groupe"),
        help_text=_("Un besoin ouvert confié à un groupe passe à l'état « Pris en charge »."),
    )


def _merge_choices(need: Need) -> list:
    """Open needs other than `need`, grouped by theme, the same theme first."""
    candidates = (
        Need.objects.open()
        .exclude(pk=need.pk)
        .select_related("theme", "commune")
        .order_by("theme__position", "theme__name", "-created_at")
    )
    groups: dict = {}
    for other in candidates:
        label = f"n° {other.pk} · {other.title} ({other.commune.name})"
        groups.setdefault(other.theme, []).append((other.pk, label))
    ordered = sorted(groups.items(), key=lambda item: item[0].pk != need.theme_id)
    return [("", _("Choisissez le besoin à garder")), *((t.name, c) for t, c in ordered)]


class NeedMergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=_("Fusionner dans le besoin"),
        coerce=int,
        help_text=_(
            "Ce besoin disparaît des listes ; son auteur·rice et ses soutiens rejoignent "
            "le besoin choisi."
        ),
        error_messages={
            "invalid_choice": _(
                "Ce besoin n'est plus ouvert ou n'existe pas : choisissez-en un dans la liste."
            ),
            "required": _("Choisissez le besoin dans lequel fusionner celui-ci."),
        },
    )

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = _merge_choices(need)

    def clean_into(self) -> Need:
        return Need.objects.get(pk=self.cleaned_data["into"])


class NeedCloseForm(forms.Form):
    answer = forms.CharField(
        label=_("Réponse apportée"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Envoyée par e-mail à la personne qui a exprimé le besoin et à celles qui l'ont "
            "soutenu, puis affichée sur la page du besoin."
        ),
        error_messages={
            "required": _(
                "Rédigez la réponse apportée : elle est envoyée aux personnes concernées."
            )
        },
    )
