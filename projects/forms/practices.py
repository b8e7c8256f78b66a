"""Forms of the best practices: the sheet with its images, review steps and comments."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from consortium.core.uploads import strip_image_metadata, validate_image
from consortium.core.validators import reject_html
from members.enums import Sector
from members.models import AgeGroup, Commune, Discipline, Epci, Theme

from ..enums import BudgetRange
from ..models import Practice, PracticeImage

RICH_TEXT_HELP = _(
    "Mise en forme conservée : paragraphes (une ligne vide entre deux), gras, italique, "
    "listes et liens. Le reste est retiré."
)
PLAIN_TEXT_FIELDS = ("title", "summary", "partners", "duration", "contact")
M2M_FIELDS = ("communes", "epcis", "age_groups", "disciplines", "themes")
MAX_IMAGES = 6


class PracticeForm(forms.ModelForm):
    """Every field of a sheet. `organizations`: those the author may propose it for."""

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "organization",
            "sector",
            "context",
            "what_was_done",
            "partners",
            "communes",
            "epcis",
            "age_groups",
            "disciplines",
            "themes",
            "duration",
            "budget_range",
            "replication",
            "lessons",
            "contact",
            "project",
        ]
        labels = {
            "title": _("Titre de la fiche"),
            "summary": _("En bref"),
            "organization": _("Structure qui propose la fiche"),
            "context": _("Contexte"),
            "what_was_done": _("Ce qui a été fait"),
            "partners": _("Partenaires"),
            "communes": _("Communes concernées"),
            "epcis": _("Intercommunalités concernées"),
            "age_groups": _("Âges concernés"),
            "disciplines": _("Disciplines"),
            "themes": _("Thèmes"),
            "duration": _("Durée"),
            "budget_range": _("Budget"),
            "replication": _("Conditions pour la reproduire"),
            "lessons": _("Enseignements"),
            "project": _("Projet du réseau dont elle est issue"),
        }
        help_texts = {
            "title": _("Par exemple : « Des berceuses du monde au relais petite enfance »."),
            "summary": _("Deux ou trois phrases, affichées dans le catalogue. 600 caractères."),
            "context": RICH_TEXT_HELP,
            "what_was_done": RICH_TEXT_HELP,
            "replication": RICH_TEXT_HELP,
            "lessons": RICH_TEXT_HELP,
            "partners": _("Les structures et artistes associés, séparés par des virgules."),
            "communes": _(
                "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Leurs intercommunalités "
                "sont ajoutées d'elles-mêmes."
            ),
            "epcis": _("Laissez vide si l'action concerne tout le département."),
            "duration": _("Par exemple : « trois mois, une séance par semaine »."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "context": forms.Textarea(attrs={"rows": 5}),
            "what_was_done": forms.Textarea(attrs={"rows": 8}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "replication": forms.Textarea(attrs={"rows": 5}),
            "lessons": forms.Textarea(attrs={"rows": 5}),
            "communes": forms.SelectMultiple(attrs={"size": 8}),
            "epcis": forms.CheckboxSelectMultiple,
            "age_groups": forms.CheckboxSelectMultiple,
            "disciplines": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organizations, projects, organization_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PLAIN_TEXT_FIELDS:
            self.fields[name].validators.append(reject_html)
        fields = self.fields
        fields["sector"].choices = [("", _("Choisissez un secteur")), *Sector.choices]
        fields["budget_range"].choices = [("", _("Non précisé")), *BudgetRange.choices]
        fields["communes"].queryset = Commune.objects.order_by(french_order("name"))
        fields["epcis"].queryset = Epci.objects.all()
        fields["age_groups"].queryset = AgeGroup.objects.all()
        fields["disciplines"].queryset = Discipline.objects.all()
        fields["themes"].queryset = Theme.objects.all()
        fields["project"].queryset = projects.order_by(french_order("title"))
        fields["project"].empty_label = _("Aucun")
        self._organization_field(organizations, required=organization_required)

    def _organization_field(self, organizations, *, required: bool) -> None:
        # A member proposes for one of their organisations; without any, for none.
        field = self.fields["organization"]
        field.queryset = organizations
        field.empty_label = _("Choisissez une structure")
        field.required = required
        if not organizations.exists():
            del self.fields["organization"]
        elif self.instance.pk is None and organizations.count() == 1:
            self.initial["organization"] = organizations.first().pk

    def service_arguments(self) -> dict:
        """`fields` and `m2m` of services.practice_create / practice_update."""
        data = dict(self.cleaned_data)
        m2m = {name: data.pop(name) for name in M2M_FIELDS}
        return {"fields": data, "m2m": m2m}


class PracticeImageForm(forms.ModelForm):
    class Meta:
        model = PracticeImage
        fields = ["image", "alt_text", "caption"]
        labels = {"alt_text": _("Texte alternatif"), "caption": _("Légende")}
        help_texts = {
            "image": _("PNG, JPEG ou WebP, 5 Mo au plus."),
            "alt_text": _(
                "Obligatoire : ce que montre l'image, pour les personnes qui ne la voient pas."
            ),
            "caption": _("Affichée sous l'image, avec les crédits photo."),
        }
        # No "currently: <link>" to the stored file: media files are never linked directly
        # (the image itself is shown above the field, through the sheet's image view).
        widgets = {"image": forms.FileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].validators.append(reject_html)
        self.fields["caption"].validators.append(reject_html)

    def clean_image(self):
        """A new image, once validated, loses its metadata (EXIF: GPS position, camera...)
        before anyone else can download it."""
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # the stored image, kept as it is
        validate_image(image)
        return strip_image_metadata(image)

    def service_row(self) -> dict | None:
        """This form as one row of services' `images`, or None when left empty."""
        if not self.has_changed() and self.instance.pk is None:
            return None
        data = self.cleaned_data
        return {
            "id": self.instance.pk,
            "image": data.get("image") if "image" in self.changed_data else None,
            "alt_text": data.get("alt_text", ""),
            "caption": data.get("caption", ""),
            "delete": data.get("DELETE", False),
        }


PracticeImageFormSet = forms.inlineformset_factory(
    Practice,
    PracticeImage,
    form=PracticeImageForm,
    extra=2,
    max_num=MAX_IMAGES,
    validate_max=True,
    can_delete=True,
)


def image_rows(formset) -> list[dict]:
    """The images of a valid formset, in order, as services' `images` rows."""
    rows = (form.service_row() for form in formset.forms)
    return [row for row in rows if row is not None]


class PracticeStepForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PracticeCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visible des auteurs de la fiche et de la coordination seulement."),
    )
