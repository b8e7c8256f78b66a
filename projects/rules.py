"""Who may do what in the projects app: pure predicates on a user and an object.

Views use them to answer 404; services use them to refuse (PermissionRefused or, for a
workflow step, TransitionError), whatever the entry point. Observers read the network's
figures but have no organisation to act for: they act on nothing here.
"""

from consortium.core.permissions import is_coordinator, is_observer
from members.rules import active_person, is_active_member_of

from .enums import PartnerRole, PracticeStatus

# While the coordination reviews a sheet (or once it is public) its authors no longer edit it.
AUTHOR_EDITABLE = frozenset({PracticeStatus.DRAFT, PracticeStatus.CHANGES_REQUESTED})


def acts_in_network(user) -> bool:
    """The coordination, and validated partners (who act for their organisations). Not an
    observer, even with a profile (opening /espace/ gives them an active one): they read."""
    if is_coordinator(user):
        return True
    return not is_observer(user) and active_person(user) is not None


def coordination(user, obj=None) -> bool:
    return is_coordinator(user)


def dossier_team(user, dossier) -> bool:
    """The organisation's active members and the coordination move a dossier on."""
    return is_coordinator(user) or is_active_member_of(user, dossier.organization)


def practice_authors(user, practice) -> bool:
    """The coordination; the active members of the sheet's organisation; when it has
    none, its proposer (while active). Leaving the organisation ends the access."""
    if is_coordinator(user):
        return True
    if practice.organization_id is not None:
        return is_active_member_of(user, practice.organization)
    person = active_person(user)
    return person is not None and practice.proposed_by_id == person.pk


def can_edit_practice(user, practice) -> bool:
    """The coordination edits anytime; authors while the sheet is a draft or sent back."""
    if is_coordinator(user):
        return True
    return practice.status in AUTHOR_EDITABLE and practice_authors(user, practice)


def _acts_for_a_partner(user, project, **partnership) -> bool:
    partners = project.partnerships.filter(**partnership).select_related("organization")
    return any(is_active_member_of(user, p.organization) for p in partners)


def can_edit_project(user, project) -> bool:
    """The coordination edits every project; a partner's active members edit theirs."""
    return is_coordinator(user) or _acts_for_a_partner(user, project)


def can_manage_partners(user, project) -> bool:
    """The lead organisations' active members (and the coordination) change the partners;
    other partners edit the description and may only leave."""
    return is_coordinator(user) or _acts_for_a_partner(user, project, role=PartnerRole.LEAD)


def can_remove_partner(user, partnership) -> bool:
    """Who manages the partners removes any; a partner's own members take it out."""
    return can_manage_partners(user, partnership.project) or is_active_member_of(
        user, partnership.organization
    )
