"""The statuses of the network's people, organisations, affiliations and needs, as
explicit transitions: where a step may start, where it ends, who may take it.

The services apply them (`workflow_apply`): a status changes nowhere else, always under a
row lock, always in the audit log.
"""

from django.utils.translation import gettext_lazy as _

from consortium.core.workflows import Transition

from .enums import AffiliationStatus, NeedStatus, OrganizationStatus, PersonStatus
from .rules import (
    can_decide_affiliation,
    can_leave_affiliation,
    can_manage_needs,
    can_validate_members,
)


def _consequence(user, obj) -> bool:
    # Taken by a service as the consequence of another step it has already authorised
    # (a referent's acceptance admits a pending person; a newcomer's own request).
    return True


def _declare(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


ALREADY_DECIDED = _("Cette demande a déjà été traitée.")
ALREADY_EXAMINED = _("Cette structure a déjà été examinée.")

P = PersonStatus
PERSON_TRANSITIONS = _declare(
    Transition(
        "valider",
        _("Valider"),
        frozenset({P.PENDING}),
        P.ACTIVE,
        can_validate_members,
        unavailable=ALREADY_DECIDED,
    ),
    Transition(
        "refuser",
        _("Refuser"),
        frozenset({P.PENDING}),
        P.REFUSED,
        can_validate_members,
        needs_comment=True,
        unavailable=ALREADY_DECIDED,
    ),
    # A referent accepting a pending person into an active organisation admits them.
    Transition("admettre", _("Admettre"), frozenset({P.PENDING}), P.ACTIVE, _consequence),
)

S = OrganizationStatus
ORGANIZATION_TRANSITIONS = _declare(
    Transition(
        "valider",
        _("Valider"),
        frozenset({S.PENDING}),
        S.ACTIVE,
        can_validate_members,
        unavailable=ALREADY_EXAMINED,
    ),
    Transition(
        "refuser",
        _("Refuser"),
        frozenset({S.PENDING}),
        S.REFUSED,
        can_validate_members,
        unavailable=ALREADY_EXAMINED,
    ),
    Transition(
        "archiver",
        _("Archiver"),
        frozenset({S.PENDING, S.ACTIVE, S.REFUSED}),
        S.ARCHIVED,
        can_validate_members,
        unavailable=_("Cette structure est déjà archivée."),
    ),
)

A = AffiliationStatus
AFFILIATION_TRANSITIONS = _declare(
    Transition(
        "demander",
        _("Demander à rejoindre"),
        frozenset({A.PENDING, A.REFUSED, A.LEFT}),
        A.PENDING,
        _consequence,
        unavailable=_("Vous êtes déjà rattaché·e à cette structure."),
    ),
    Transition(
        "accepter",
        _("Accepter"),
        frozenset({A.PENDING}),
        A.ACTIVE,
        can_decide_affiliation,
        unavailable=ALREADY_DECIDED,
    ),
    Transition(
        "refuser",
        _("Refuser"),
        frozenset({A.PENDING}),
        A.REFUSED,
        can_decide_affiliation,
        unavailable=ALREADY_DECIDED,
    ),
    Transition(
        "quitter",
        _("Quitter la structure"),
        frozenset({A.ACTIVE, A.PENDING}),
        A.LEFT,
        can_leave_affiliation,
        unavailable=_("Vous ne faites déjà plus partie de cette structure."),
    ),
)

N = NeedStatus
STILL_OPEN = frozenset({N.OPEN, N.IN_PROGRESS})
NEED_TRANSITIONS = _declare(
    Transition(
        "prendre-en-charge",
        _("Prendre en charge"),
        frozenset({N.OPEN}),
        N.IN_PROGRESS,
        can_manage_needs,
    ),
    Transition(
        "fusionner",
        _("Fusionner"),
        frozenset({N.OPEN, N.IN_PROGRESS, N.CLOSED}),
        N.MERGED,
        can_manage_needs,
        unavailable=_("Ce besoin a déjà été fusionné avec un autre."),
    ),
    Transition(
        "clore",
        _("Clore"),
        STILL_OPEN,
        N.CLOSED,
        can_manage_needs,
        unavailable=_("Ce besoin est déjà clos."),
    ),
)
