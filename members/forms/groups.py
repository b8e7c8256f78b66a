"""Forms of the working groups: list filters, creation, members, documents and actions."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortium.core.forms import PlainTextMixin
from consortium.core.validators import reject_bidi_controls

from ..access import sees_everything
from ..enums import GroupMembershipStatus
from ..models import Action, Person, Theme, WorkingGroup


class GroupFilter(django_filters.FilterSet):
    """Filters of /groupes/. Archived groups are only offered to those who see them."""

    STATE_CHOICES = [("archives", _("Groupes archivés")), ("tous", _("Tous les groupes"))]

    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_text")
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), queryset=Theme.objects.all(), empty_label=_("Tous les thèmes")
    )
    mine = django_filters.BooleanFilter(
        label=_("Seulement mes groupes"), method="filter_mine", widget=forms.CheckboxInput
    )
    state = django_filters.ChoiceFilter(
        label=_("État"),
        choices=STATE_CHOICES,
        empty_label=_("Groupes en cours"),
        method="filter_state",
    )

    class Meta:
        model = WorkingGroup
        fields = ["q", "theme", "mine", "state"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not sees_everything(request.user):
            del self.filters["state"]

    def filter_text(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__folded_contains=term) | Q(description__folded_contains=term)
            )
        return queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(is_mine=True) if value else queryset

    def filter_state(self, queryset, name, value):
        if value == "archives":
            return queryset.filter(archived_at__isnull=False)
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Without a choice, current groups only: archives are there on request.
        if "state" in self.filters and not self.form.cleaned_data.get("state"):
            queryset = queryset.current()
        return queryset


class GroupForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["title", "theme", "description", "is_open"]
        help_texts = {
            "description": _("À quoi sert le groupe, qui il réunit, à quel rythme il se retrouve."),
            "is_open": _(
                "Ouvert : chaque membre du réseau le rejoint librement. Fermé : on demande à le "
                "rejoindre, et les animateur·rices ou la coordination acceptent."
            ),
        }


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Personne à ajouter"),
        queryset=Person.objects.none(),
        help_text=_("Membres validés du réseau qui ne font pas encore partie du groupe."),
    )
    is_facilitator = forms.BooleanField(label=_("Animateur·rice du groupe"), required=False)

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.active()
            .exclude(memberships__group=group, memberships__status=GroupMembershipStatus.MEMBER)
            .select_related("user")
        )
        self.fields["person"].label_from_instance = _person_label


def _person_label(person: Person) -> str:
    return f"{person} ({person.user.email})"


class DocumentForm(PlainTextMixin, forms.Form):
    title = forms.CharField(
        label=_("Titre du document"), max_length=200, validators=[reject_bidi_controls]
    )
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_(
            "PDF, document bureautique (Word, Excel, PowerPoint, LibreOffice), image PNG ou "
            "JPEG, texte ou CSV ; 10 Mo au maximum."
        ),
    )
    url = forms.URLField(
        label=_("ou lien vers un document en ligne"),
        required=False,
        assume_scheme="https",
        help_text=_("Par exemple un dossier partagé ou une page web. Un fichier ou un lien."),
    )

    def clean(self):
        cleaned_data = super().clean()
        has_file, has_url = bool(cleaned_data.get("file")), bool(cleaned_data.get("url"))
        if has_file == has_url and not self.errors:
            raise ValidationError(
                _("Joignez un fichier ou indiquez un lien, l'un des deux seulement.")
            )
        return cleaned_data


class ActionForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "status"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"owner": _("Une personne membre du groupe.")}

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = Person.objects.filter(
            memberships__group=group, memberships__status=GroupMembershipStatus.MEMBER
        ).select_related("user")
        owner.empty_label = _("Personne pour l'instant")
