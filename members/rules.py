"""Who may do what in the network: pure predicates on a user (and an object).

Views use them to answer 404 before showing a page; services use them to refuse a change
(PermissionRefused), so that a rule holds whatever the entry point (view, admin, task).
"""

from consortium.core.permissions import is_coordinator, is_observer

from .access import person_of
from .enums import AffiliationStatus, GroupMembershipStatus, OrganizationStatus


def can_import_network(user) -> bool:
    """Loading organisations and people from a spreadsheet is the coordination's."""
    return is_coordinator(user)


def active_person(user):
    """The user's Person when they are a validated member of the network, else None."""
    person = person_of(user)
    return person if person is not None and person.is_active_member else None


def is_active_member_of(user, organization) -> bool:
    """`user` is an active member of `organization`, itself active (an archived or pending
    one is read-only): the one test of "acts for this organisation"."""
    from .models import Organization  # models import access, which rules import

    if organization is None:
        return False
    acted_for = Organization.objects.acted_for_by(active_person(user))
    return acted_for.filter(pk=organization.pk).exists()


def is_referent_of(user, organization) -> bool:
    """An active referent of `organization` (active or still pending)."""
    person = person_of(user)
    if organization is None or person is None:
        return False
    return person.affiliations.filter(
        organization=organization,
        is_referent=True,
        status=AffiliationStatus.ACTIVE,
        organization__status__in=[OrganizationStatus.ACTIVE, OrganizationStatus.PENDING],
    ).exists()


def can_validate_members(user, obj=None) -> bool:
    """Welcoming or refusing people and organisations is the coordination's."""
    return is_coordinator(user)


def can_edit_organization(user, organization) -> bool:
    """Its referents and the coordination edit an organisation's page."""
    return is_coordinator(user) or is_referent_of(user, organization)


def can_decide_affiliation(user, affiliation) -> bool:
    """The organisation's referents and the coordination accept or refuse newcomers."""
    return is_coordinator(user) or is_referent_of(user, affiliation.organization)


def can_leave_affiliation(user, affiliation) -> bool:
    """Only the person leaves (the coordination archives an organisation instead)."""
    return user.is_authenticated and affiliation.person.user_id == user.pk


def group_membership_of(user, group):
    """The user's membership of `group` (any status), or None."""
    from .models import GroupMembership

    person = person_of(user)
    if person is None:
        return None
    return GroupMembership.objects.filter(group=group, person=person).first()


def _is_member(membership) -> bool:
    return membership is not None and membership.status == GroupMembershipStatus.MEMBER


def can_manage_groups(user, group=None) -> bool:
    """Opening groups and adding members directly is the coordination's."""
    return is_coordinator(user)


def can_contribute_to_group(user, group) -> bool:
    """The group's members and the coordination add documents and actions."""
    return is_coordinator(user) or _is_member(group_membership_of(user, group))


def can_decide_group_requests(user, group) -> bool:
    """Facilitators and the coordination accept or refuse requests to join."""
    if is_coordinator(user):
        return True
    membership = group_membership_of(user, group)
    return _is_member(membership) and membership.is_facilitator


def can_act_on_needs(user) -> bool:
    """Members with a profile and the coordination express and support needs; observers
    only read."""
    return is_coordinator(user) or (not is_observer(user) and person_of(user) is not None)


def can_manage_needs(user, need=None) -> bool:
    """Tagging, merging and closing needs is the coordination's work."""
    return is_coordinator(user)
