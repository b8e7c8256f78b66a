from .access import is_member, person_of
from .enums import PersonStatus


def membership(request):
    """Where the visitor stands in the network, for the layout and the pages."""
    user = request.user
    person = person_of(user)
    return {
        "user_is_member": is_member(user),
        "user_is_pending": bool(
            person and person.status == PersonStatus.PENDING and not is_member(user)
        ),
    }
