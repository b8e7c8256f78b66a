"""The search page: open to everyone (each kind of result is scoped by its visible_to)."""

from access import everyone

ROUTES = {
    "projects:search": everyone(200),
}


def samples(base: dict) -> dict:
    return {}
