"""The form renderer: Django's widgets by Jinja2, widgets that only Django draws by Django."""

from django import forms
from django.forms.renderers import get_default_renderer

from consortium.core.widgets import StoredFileInput


def test_django_widgets_are_drawn_by_jinja2_and_the_admins_by_the_template_language():
    renderer = get_default_renderer()
    select = renderer.get_template("django/forms/widgets/select.html")
    assert type(select).__module__ == "django.template.backends.jinja2"
    wrapper = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(wrapper).__module__ == "django.template.backends.django"


class _Form(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B & C")], initial="b")
    file = forms.FileField(widget=StoredFileInput, required=False)


class _Stored:
    name = "practices/2026/secret-plan.pdf"
    url = "/media/practices/2026/secret-plan.pdf"


def test_the_markup_is_escaped_and_names_the_stored_file_without_a_link():
    html = str(_Form(initial={"file": _Stored()}))
    assert '<option value="a">&lt;A&gt;</option>' in html
    assert '<option value="b" selected>B &amp; C</option>' in html
    assert '<span class="stored-file">secret-plan.pdf</span>' in html
    assert "/media/" not in html and "<a " not in html
