"""The Jinja2 environment of the pages' hot fragments.

A list page spends most of its time in the template language: each `{{ need.title }}`
walks a chain of lookups, each `{% blocktranslate %}` builds a node tree. Jinja2 compiles
a template to Python code, several times faster, so the loops of the busiest member and
coordination pages (one card per row) are Jinja2 fragments that the Django page includes
with `{% jinja "app/….html" %}` (consortium.core.templatetags.fragments), while the layout
and the rest of each page stay in the template language.

Fragments translate with `_("…")`, which `makemessages` extracts from `.html` files like
the template language's own `{{ _("…") }}`; plurals come from Python (`ngettext` in a
function the view provides), where `makemessages` finds them.
"""

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment


def url(name: str, *args, **kwargs) -> str:
    """`{% url %}`: the path of the route `name`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    """The environment Django's Jinja2 backend builds (settings.TEMPLATES)."""
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 (autoescape is on: settings.TEMPLATES)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(url=url, static=static)
    return env
