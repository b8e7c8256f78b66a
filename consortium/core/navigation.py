"""The header navigation. Each app registers its entries, with who may see them."""

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
    position: int
    query: str = ""  # for an area link to a filtered list: "?suivies=1"


def everyone(user) -> bool:
    return True


def coordinators(user) -> bool:
    return is_coordinator(user)


def superusers(user) -> bool:
    return user.is_authenticated and user.is_superuser


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Accueil"), "pages:home", everyone, 0),
    NavItem(_("Journal de sécurité"), "security_log", superusers, 95),
    NavItem(_("Administration"), "admin:index", coordinators, 100),
]


# Links of the member area that other apps bring (the member area knows none of them).
AREA_LINKS: list[NavItem] = []


def register(item: NavItem) -> None:
    """Add a header entry (apps call this from their AppConfig.ready)."""
    NAV_ITEMS.append(item)
    NAV_ITEMS.sort(key=lambda entry: entry.position)


def register_area_link(item: NavItem) -> None:
    """Add a link to the member area's shortcuts."""
    AREA_LINKS.append(item)
    AREA_LINKS.sort(key=lambda entry: entry.position)


def area_links_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name) + item.query}
        for item in AREA_LINKS
        if item.visible(user)
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
