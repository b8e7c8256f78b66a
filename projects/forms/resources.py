"""The coordination's form of a resource: a file or a link, never both."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consortium.core.uploads import validate_document
from consortium.core.validators import reject_html
from consortium.core.widgets import StoredFileInput

from ..models import Resource

M2M_FIELDS = ("themes", "age_groups", "disciplines")


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "title",
            "kind",
            "summary",
            "file",
            "url",
            "themes",
            "age_groups",
            "disciplines",
            "is_public",
        ]
        labels = {"url": _("ou lien vers la ressource en ligne")}
        help_texts = {
            "summary": _("À quoi sert la ressource, pour qui. 1 500 caractères au plus."),
            "file": _(
                "PDF, document bureautique (Word, Excel, PowerPoint, LibreOffice), image PNG ou "
                "JPEG, texte ou CSV ; 10 Mo au maximum. Un fichier ou un lien."
            ),
            "url": _("Une page web, une vidéo en ligne… Un fichier ou un lien."),
            "is_public": _(
                "Cochée : tout le monde la voit sur le site. Sinon : réservée aux membres."
            ),
            "age_groups": _("Laissez vide si la ressource concerne tous les âges."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "age_groups": forms.CheckboxSelectMultiple,
            "disciplines": forms.CheckboxSelectMultiple,
            "file": StoredFileInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(reject_html)
        self.fields["summary"].validators.append(reject_html)
        self.fields["url"].assume_scheme = "https"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:  # a new upload: size, extension and content (a stored file is skipped)
            validate_document(upload)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        has_file, has_url = bool(cleaned_data.get("file")), bool(cleaned_data.get("url"))
        if has_file == has_url and not self.errors:
            kept = has_file and cleaned_data["file"] == self.instance.file
            if kept:  # the stored file, with a new link: say how to swap one for the other
                message = _(
                    "Joignez un fichier ou indiquez un lien, l'un des deux seulement : pour "
                    "passer du fichier au lien, cochez « Effacer » sous le fichier actuel."
                )
            else:
                message = _("Joignez un fichier ou indiquez un lien, l'un des deux seulement.")
            raise ValidationError(message, code="file_or_url")
        return cleaned_data

    def validate_constraints(self):
        """clean() says in French what the database constraints guard (file or link);
        Django's generic "Constraint … is violated" would only repeat it, in English."""

    def service_arguments(self) -> tuple[dict, dict]:
        """The resource's own fields and its many-to-many values, for the services.

        A file box left empty keeps the current file; "Effacer" ticked removes it.
        """
        data = self.cleaned_data
        fields = {name: data[name] for name in self._meta.fields if name not in M2M_FIELDS}
        if fields["file"] is False:
            fields["file"] = ""
        elif fields["file"] is None:
            fields["file"] = self.instance.file if self.instance.pk else ""
        return fields, {name: data[name] for name in M2M_FIELDS}
