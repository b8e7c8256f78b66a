"""Who acts in the projects app: the coordination and active partners (not observers,
who read the network's figures but have no organisation to act for)."""

from functools import wraps

from django.http import Http404

from consortium.core.french import french_order
from consortium.core.permissions import is_coordinator, is_observer
from members.access import member_required, person_of
from members.enums import PersonStatus


def active_person(user):
    """The user's Person when validated, else None."""
    person = person_of(user)
    return person if person is not None and person.status == PersonStatus.ACTIVE else None


def acts_in_network(user) -> bool:
    """The coordination, and validated partners (who act for their organisations). Not an
    observer, even with a profile (opening /espace/ gives them an active one): they read."""
    if is_coordinator(user):
        return True
    return not is_observer(user) and active_person(user) is not None


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
