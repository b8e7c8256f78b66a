"""The data-protection officer's extract of security events: superusers only (the
matrix has no superuser column; tests/test_security_events.py opens it as one). Every
other role, the coordinator included, never learns the page exists (404)."""

from access import signed_in

ROUTES = {
    "security_log": signed_in(404),
    "security_log_export": signed_in(404, kwargs=lambda s: {"fmt": "csv"}),
}


def samples(base: dict) -> dict:
    return {}
