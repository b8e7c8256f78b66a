"""The two pipelines of the app, dossiers and practice reviews, as explicit transitions.

A transition names where it may start, where it ends, and who may take it; the services
apply it (`workflow_apply`) and log it in the object's history and in the audit log.
"""

from django.utils.translation import gettext_lazy as _

from consortium.core.permissions import is_coordinator
from consortium.core.workflows import Transition
from members.access import person_of
from members.enums import AffiliationStatus, OrganizationStatus, PersonStatus

from .enums import DossierStatus, PracticeStatus


def _is_active_member_of(user, organization) -> bool:
    person = person_of(user)
    if organization is None or person is None or person.status != PersonStatus.ACTIVE:
        return False
    return person.affiliations.filter(
        organization=organization,
        status=AffiliationStatus.ACTIVE,
        organization__status=OrganizationStatus.ACTIVE,  # an archived one is read-only
    ).exists()


def dossier_team(user, dossier) -> bool:
    """The organisation's active members and the coordination move a dossier on."""
    return is_coordinator(user) or _is_active_member_of(user, dossier.organization)


def practice_authors(user, practice) -> bool:
    """The coordination; the active members of the sheet's organisation; when it has
    none, its proposer (while active). Leaving the organisation ends the access."""
    if is_coordinator(user):
        return True
    if practice.organization_id is not None:
        return _is_active_member_of(user, practice.organization)
    person = person_of(user)
    is_author = person is not None and practice.proposed_by_id == person.pk
    return is_author and person.status == PersonStatus.ACTIVE


def coordination(user, obj) -> bool:
    return is_coordinator(user)


D = DossierStatus
DOSSIER_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "preparer",
            _("Commencer la préparation"),
            frozenset({D.IDEA}),
            D.PREPARING,
            dossier_team,
        ),
        Transition(
            "deposer",
            _("Marquer comme déposé"),
            frozenset({D.PREPARING}),
            D.SUBMITTED,
            dossier_team,
        ),
        Transition(
            "accorder",
            _("Marquer comme accordé"),
            frozenset({D.SUBMITTED}),
            D.GRANTED,
            dossier_team,
        ),
        Transition(
            "refuser", _("Marquer comme refusé"), frozenset({D.SUBMITTED}), D.REFUSED, dossier_team
        ),
        Transition(
            "bilan",
            _("Passer au bilan à rendre"),
            frozenset({D.GRANTED}),
            D.REPORT_DUE,
            dossier_team,
        ),
        Transition(
            "clore",
            _("Clore le dossier"),
            frozenset({D.IDEA, D.PREPARING, D.REFUSED, D.GRANTED, D.REPORT_DUE}),
            D.CLOSED,
            dossier_team,
        ),
        Transition(
            "rouvrir",
            _("Rouvrir le dossier"),
            frozenset({D.CLOSED}),
            D.PREPARING,
            coordination,
            needs_comment=True,
        ),
    )
}

P = PracticeStatus
PRACTICE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "proposer",
            _("Proposer à la coordination"),
            frozenset({P.DRAFT, P.CHANGES_REQUESTED}),
            P.SUBMITTED,
            practice_authors,
        ),
        Transition(
            "demander-modifications",
            _("Demander des modifications"),
            frozenset({P.SUBMITTED}),
            P.CHANGES_REQUESTED,
            coordination,
            needs_comment=True,
        ),
        Transition(
            "publier",
            _("Publier"),
            frozenset({P.SUBMITTED, P.WITHDRAWN}),
            P.PUBLISHED,
            coordination,
        ),
        Transition(
            "retirer",
            _("Retirer de la publication"),
            frozenset({P.PUBLISHED}),
            P.WITHDRAWN,
            coordination,
            needs_comment=True,
        ),
    )
}
