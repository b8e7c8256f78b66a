"""What the projects app shows whom: the organisations a user acts for, and the gate of
the partners' pages (the rules of who may do what are in rules.py)."""

from functools import wraps

from django.http import Http404

from consortium.core.french import french_order
from consortium.core.permissions import is_coordinator
from members.access import member_required
from members.rules import active_person

from .rules import acts_in_network


def organizations_acted_for(user):
    """The organisations `user` acts for (opens a dossier, leads a project, proposes a
    sheet): their own active ones; every active one for the coordination."""
    from members.models import Organization  # access is imported by models

    if is_coordinator(user):
        return Organization.objects.active().order_by(french_order("name"))
    if not acts_in_network(user):
        return Organization.objects.none()
    return Organization.objects.acted_for_by(active_person(user)).order_by(french_order("name"))


def partner_required(view):
    """Pending partners go to their status page; observers without a profile get 404."""

    @wraps(view)
    @member_required
    def wrapped(request, *args, **kwargs):
        if not acts_in_network(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
