"""The bulk import form: what the file holds, and the file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.core.uploads import validate_spreadsheet

from ..imports import KINDS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Le fichier contient"),
        choices=list(KINDS.items()),
        widget=forms.RadioSelect,
        help_text=_("Importez d'abord les structures, puis les personnes qui y travaillent."),
    )
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        validators=[validate_spreadsheet],
        help_text=_(
            "2 Mo au plus. La première ligne nomme les colonnes, comme dans les modèles "
            "ci-dessous (l'ordre des colonnes est libre)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
