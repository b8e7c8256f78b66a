"""Roles and scope. Objects outside a user's scope answer 404, never 403."""

import logging
from functools import wraps

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from .enums import Role

# Refusals of a role-restricted page, for the hosting's log collector (ASVS 16.3.2). The
# path is written with repr(): a newline typed in a URL cannot forge another log line.
security_log = logging.getLogger("consortium.security")


def role_names(user) -> frozenset[str]:
    """The role groups of `user`, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.COORDINATION in role_names(user))


def is_observer(user) -> bool:
    return Role.OBSERVATION in role_names(user)


def can_observe(user) -> bool:
    """Coordinators and the Département's management see figures and reports."""
    return is_coordinator(user) or is_observer(user)


def _require(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                log_refusal(request, predicate.__name__)
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def log_refusal(request, rule: str) -> None:
    """One warning line: which account (by number) was refused what, and where."""
    security_log.warning(
        "access refused: account #%s, rule %s, %s %r",
        request.user.pk,
        rule,
        request.method,
        request.path,
    )


coordinator_required = _require(is_coordinator)
observer_required = _require(can_observe)


def get_visible_object_or_404(queryset: models.QuerySet, user, **lookups):
    """Fetch one object among those `user` may see (queryset.visible_to), else 404."""
    return get_object_or_404(queryset.visible_to(user), **lookups)
