"""Form widgets of the project."""

from pathlib import PurePosixPath

from django import forms


class StoredFileInput(forms.ClearableFileInput):
    """A file box that names the stored file without linking to it: files are served by
    views that check who may see them, never from the media folder."""

    template_name = "widgets/stored_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        stored = getattr(value, "name", "") or ""
        context["widget"]["file_name"] = PurePosixPath(stored).name
        return context


class FilterableCheckboxes(forms.CheckboxSelectMultiple):
    """A long list of checkboxes in a box that scrolls, with a search box above it that
    static/js/filter-list.js adds (`filter_label` names it); without JavaScript, the
    whole list. The box carries the attributes, not each checkbox."""

    template_name = "widgets/filterable_checkboxes.html"

    def __init__(self, *, filter_label, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.filter_label = filter_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = self.filter_label
        return context
