"""Who a user is in the network: coordination, observer, active member, pending, or nobody."""

from functools import wraps

from django.shortcuts import redirect

from consortium.core.permissions import can_observe, is_coordinator, is_observer

from .enums import PersonStatus


def person_of(user):
    """The Person of `user`, or None (anonymous, or a staff account without a profile)."""
    if not user.is_authenticated:
        return None
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "person", None)


def is_member(user) -> bool:
    """A validated partner, or the coordination and observers, who see the whole network."""
    if can_observe(user):
        return True
    person = person_of(user)
    return person is not None and person.status == PersonStatus.ACTIVE


def sees_everything(user) -> bool:
    return can_observe(user)


def acts_as_member(user) -> bool:
    """Members with a profile and the coordination act (express a need, say "moi aussi");
    observers only read, even with the profile their first visit of /espace/ gave them."""
    return is_coordinator(user) or (not is_observer(user) and person_of(user) is not None)


def member_required(view):
    """Validated members and staff only. A pending partner is sent to their status page.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to the login.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_member(request.user):
            return redirect("members:space")
        return view(request, *args, **kwargs)

    return wrapped
