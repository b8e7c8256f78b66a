"""Who may do what with events and registrations: pure predicates on a user and an object.

Views use them to answer 404; services use them to refuse (PermissionRefused), whatever
the entry point. Events are the coordination's; registering is an active member's.
"""

from consortium.core.permissions import is_coordinator
from members.rules import active_person


def can_manage_events(user, event=None) -> bool:
    """Creating, editing, publishing and cancelling events is the coordination's."""
    return is_coordinator(user)


def can_edit_event(user, event) -> bool:
    return can_manage_events(user, event)


def participant(user):
    """The person who may register: an active member with a profile, else None."""
    return active_person(user)


def acts_for_registrant(user, registration) -> bool:
    """The coordination, or the registered person themself (while an active member)."""
    if is_coordinator(user):
        return True
    person = participant(user)
    return person is not None and registration.person_id == person.pk


def can_register_outside_dates(user, event) -> bool:
    """The coordination registers someone before or after the opening dates."""
    return is_coordinator(user)


def can_cancel_after_start(user, registration) -> bool:
    """Once the event has begun, only the coordination still cancels a registration."""
    return is_coordinator(user)
