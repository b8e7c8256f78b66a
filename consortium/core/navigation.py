"""The header navigation. Each app adds its entries here, with who may see them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import is_coordinator


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[object], bool]


def everyone(user) -> bool:
    return True


def coordinators(user) -> bool:
    return is_coordinator(user)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Accueil"), "pages:home", everyone),
    NavItem(_("Administration"), "admin:index", coordinators),
]


def items_for(user, current_path: str) -> list[dict]:
    """Entries visible to `user`, with the one matching the current page marked."""
    items = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
