"""Forms of the dossiers: the dossier itself, a pipeline step, a checklist line, a key date."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from consortium.core.permissions import is_coordinator
from consortium.core.uploads import validate_document
from consortium.core.validators import reject_bidi_controls, reject_html
from members.enums import AffiliationStatus, PersonStatus
from members.models import Person

from ..access import organizations_acted_for
from ..enums import DossierKind, PublicationStatus
from ..models import Dossier, DossierDeadline, Opportunity, Project

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def people_of(organizations):
    """Active people actively affiliated with one of `organizations`, by name."""
    return (
        Person.objects.filter(
            status=PersonStatus.ACTIVE,
            affiliations__organization__in=organizations,
            affiliations__status=AffiliationStatus.ACTIVE,
        )
        .select_related("user")
        .distinct()
        .order_by(french_order("user__last_name"), french_order("user__first_name"), "pk")
    )


def referents_of(organization):
    """The organisation's active referents: a dossier's default owners."""
    return Person.objects.filter(
        status=PersonStatus.ACTIVE,
        affiliations__organization=organization,
        affiliations__status=AffiliationStatus.ACTIVE,
        affiliations__is_referent=True,
    )


class OwnersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DossierForm(forms.ModelForm):
    """A dossier, new (with its organisation) or edited (its organisation is fixed).

    The coordination creating a dossier for any organisation picks no owners here: the
    organisation's referents are proposed by default, and the edit page adjusts them.
    """

    owners = OwnersField(
        label=_("Responsables"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ils et elles reçoivent les rappels avant les échéances du dossier."),
    )

    class Meta:
        model = Dossier
        fields = [
            "organization",
            "title",
            "kind",
            "opportunity",
            "project",
            "funder",
            "amount_requested",
            "owners",
            "notes",
        ]
        help_texts = {
            "title": _("Par exemple : « Subvention DRAC 2027 – résidence en crèche »."),
            "opportunity": _("L'appel ou l'aide de la veille du réseau auquel ce dossier répond."),
            "project": _("Le projet du réseau que ce dossier finance ou encadre."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        creating = self.instance.pk is None
        self.fields["title"].validators.append(reject_html)
        self.fields["funder"].validators.append(reject_html)
        self._limit_links()
        if creating:
            self.fields["organization"].queryset = organizations_acted_for(user)
            self.fields["organization"].empty_label = _("Choisissez la structure")
            self.fields["kind"].choices = [("", _("Choisissez un type")), *DossierKind.choices]
        else:
            del self.fields["organization"]
        if creating and is_coordinator(user):
            del self.fields["owners"]
        else:
            scope = organizations_acted_for(user) if creating else [self.instance.organization_id]
            self.fields["owners"].queryset = people_of(scope)

    def _limit_links(self):
        """Published opportunities; the projects of one's organisations (all: coordination).

        The dossier's current links stay choosable, even if no longer in these lists.
        """
        current = self.instance
        opportunities = Q(status=PublicationStatus.PUBLISHED) | Q(pk=current.opportunity_id)
        projects = Project.objects.all()
        if not is_coordinator(self.user):
            mine = Q(partners__in=organizations_acted_for(self.user)) | Q(pk=current.project_id)
            projects = projects.filter(mine).distinct()
        self.fields["opportunity"].queryset = Opportunity.objects.filter(opportunities).order_by(
            "title"
        )
        self.fields["opportunity"].empty_label = _("Aucune")
        self.fields["project"].queryset = projects.order_by(french_order("title"))
        self.fields["project"].empty_label = _("Aucun")

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization") or getattr(self.instance, "organization", None)
        owners = cleaned.get("owners")
        if organization and owners:
            allowed = people_of([organization.pk]).filter(pk__in=[o.pk for o in owners])
            if allowed.count() != len(owners):
                self.add_error(
                    "owners",
                    _("Les responsables doivent faire partie de la structure du dossier."),
                )
        return cleaned

    def service_fields(self) -> dict:
        """The plain fields, for services.dossier_create / dossier_update."""
        names = ("title", "kind", "opportunity", "project", "funder", "amount_requested", "notes")
        return {name: self.cleaned_data[name] for name in names}


class TransitionForm(forms.Form):
    """The comment (and, on "accorder", the granted amount) sent with a pipeline step."""

    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardé dans l'historique du dossier. Obligatoire pour rouvrir un dossier."),
    )
    amount_granted = forms.IntegerField(
        label=_("Montant accordé (€)"),
        required=False,
        min_value=0,
        help_text=_("Seulement si vous marquez le dossier comme accordé."),
    )

    def __init__(self, *args, with_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_amount:
            del self.fields["amount_granted"]


class DocumentAddForm(forms.Form):
    label = forms.CharField(
        label=_("Pièce à ajouter à la liste"),
        max_length=200,
        validators=[reject_html, reject_bidi_controls],
    )
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        validators=[validate_document],
        help_text=_(
            "PDF, bureautique, image ou texte ; 10 Mo au plus. Vous pourrez l'ajouter plus tard."
        ),
    )


class DocumentFileForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        validators=[validate_document],
        help_text=_("PDF, bureautique, image ou texte ; 10 Mo au plus."),
    )


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = DossierDeadline
        fields = ["kind", "due_on", "label"]
        widgets = {"due_on": DATE_WIDGET}
        help_texts = {
            "kind": _("Les dates de dépôt et de bilan déclenchent un rappel 7 jours avant."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].validators.append(reject_html)
