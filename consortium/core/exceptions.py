"""The one family of domain errors.

A service refuses a change by raising a `DomainError` whose message is for the user (in
French, through gettext). Views catch this one class, whatever the app or the rule.
"""


class DomainError(Exception):
    """A business rule refused the change; the message is shown to the user as is."""


class PermissionRefused(DomainError):
    """The actor may not do this (views answer 404 before it comes to that)."""
