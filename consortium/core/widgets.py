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
