"""Forms of the agenda's member pages."""

from django import forms


class FeedActionForm(forms.Form):
    """The POST of « mes inscriptions »: only the new secret address of the feed for now."""

    REGENERATE = "regenerate"

    action = forms.ChoiceField(choices=[(REGENERATE, REGENERATE)], widget=forms.HiddenInput)
