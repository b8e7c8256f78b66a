"""Who a user is in the network: coordination, observer, active member, pending, or nobody."""

from functools import wraps

from django.shortcuts import redirect

from consortium.core.permissions import can_observe


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
    return person is not None and person.is_active_member


def sees_everything(user) -> bool:
    return can_observe(user)


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
