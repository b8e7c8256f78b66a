"""The coordinator's desk: the coordination and the Observation group read it; partners
and members never learn it exists (404)."""

from access import network

ROUTES = {
    "coordination:dashboard": network(
        newcomer=404, pending=404, member=404, observer=200, coordinator=200
    ),
}


def samples(base: dict) -> dict:
    return {}
