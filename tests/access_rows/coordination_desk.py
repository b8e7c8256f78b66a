"""The coordinator's desk: the coordination and the Observation group read it; partners
and members never learn it exists (404)."""

from access import coordination_only

ROUTES = {
    "coordination:dashboard": coordination_only(observer=200),
}


def samples(base: dict) -> dict:
    return {}
