"""Panels an app adds to another app's page, which does not know it (imports flow one way).

An app registers, from its AppConfig.ready, a function for a named slot; the page
renders the slot with `{% load panels %}{% panels "slot" object %}`. Each function takes
the request and the object and returns HTML (safe) or "" when it has nothing to show
to this user.
"""

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

PANELS: dict[str, list[Callable]] = {}


def register_panel(slot: str, render: Callable) -> None:
    if render not in PANELS.setdefault(slot, []):
        PANELS[slot].append(render)


def render_panels(slot: str, request, obj) -> SafeString:
    # Each panel's HTML is escaped unless the panel marked it safe (render_to_string does).
    return format_html_join(
        "", "{}", ((render(request, obj) or "",) for render in PANELS.get(slot, []))
    )
