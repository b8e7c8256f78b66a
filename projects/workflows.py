"""The two pipelines of the app, dossiers and practice reviews, as explicit transitions.

A transition names where it may start, where it ends, and who may take it; the services
apply it (`workflow_apply`) and log it in the object's history and in the audit log.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consortium.core.permissions import is_coordinator
from consortium.core.services import audit_log_record
from members.access import person_of
from members.enums import AffiliationStatus, OrganizationStatus, PersonStatus

from .enums import DossierStatus, PracticeStatus, ProjectsAuditAction


class TransitionError(Exception):
    """A transition that does not exist, does not start here, or is not the user's to take."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    allowed: Callable[[object, models.Model], bool]
    needs_comment: bool = False


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


def available_transitions(transitions: dict[str, Transition], obj, user) -> list[Transition]:
    """The transitions `user` may take from `obj`'s current status, in declaration order."""
    return [t for t in transitions.values() if obj.status in t.sources and t.allowed(user, obj)]


def _check(transition: Transition, current: models.Model, actor, comment: str) -> None:
    """Refuse a step that does not start here, is not the actor's, or lacks its reason."""
    if current.status not in transition.sources:
        raise TransitionError(_("Cette étape n'est plus possible : l'état a changé entre-temps."))
    if not transition.allowed(actor, current):
        raise TransitionError(_("Vous ne pouvez pas effectuer cette étape."))
    if transition.needs_comment and not comment.strip():
        raise TransitionError(_("Expliquez en quelques mots pourquoi (commentaire requis)."))


def workflow_apply(
    *,
    transitions: dict[str, Transition],
    obj: models.Model,
    name: str,
    actor,
    comment: str = "",
    history: models.Manager,
    audit_action: str,
    extra: dict | None = None,
) -> Transition:
    """Move `obj` along transition `name`, record it in `history` and the audit log.

    Raises TransitionError when the transition is unknown, does not start from the
    current status, is not `actor`'s to take, or needs a comment that is missing. The
    status is re-read under a row lock so that two people cannot both take a step.
    `extra`: other fields to set with the status (a publication date, say).
    """
    transition = transitions.get(name)
    if transition is None:
        raise TransitionError(_("Cette étape n'existe pas."))
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        _check(transition, locked, actor, comment)
        previous = locked.status
        changes = {"status": transition.target, "updated_at": timezone.now(), **(extra or {})}
        type(obj).objects.filter(pk=obj.pk).update(**changes)
        for field, value in changes.items():
            setattr(obj, field, value)
        history.create(
            from_status=previous, to_status=transition.target, actor=actor, comment=comment.strip()
        )
        data = {"from": previous, "to": transition.target}
        audit_log_record(actor=actor, action=audit_action, target=obj, data=data)
    return transition


__all__ = [
    "DOSSIER_TRANSITIONS",
    "PRACTICE_TRANSITIONS",
    "ProjectsAuditAction",
    "Transition",
    "TransitionError",
    "available_transitions",
    "workflow_apply",
]
