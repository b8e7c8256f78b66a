"""The one workflow engine: declared transitions, a row lock, history and audit.

Each app declares its transitions (where a step may start, where it ends, who may take it)
in its own `workflows.py`; services move objects with `workflow_apply`, which re-reads the
status under a row lock, checks the step, records it in the audit log and, when the object
keeps one, in its history, all in one transaction. It is the one way a status changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .exceptions import DomainError
from .pagecache import content_changed
from .services import audit_log_record


class TransitionError(DomainError):
    """A transition that does not exist, does not start here, or is not the user's to take."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    allowed: Callable[[object, models.Model], bool]
    needs_comment: bool = False
    # Shown when the object is no longer in a source status ("already cancelled"...);
    # without it, the engine's generic message.
    unavailable: str | Promise = ""


def available_transitions(transitions: dict[str, Transition], obj, user) -> list[Transition]:
    """The transitions `user` may take from `obj`'s current status, in declaration order."""
    return [t for t in transitions.values() if obj.status in t.sources and t.allowed(user, obj)]


def _check(transition: Transition, current: models.Model, actor, comment: str) -> None:
    """Refuse a step that does not start here, is not the actor's, or lacks its reason."""
    if current.status not in transition.sources:
        raise TransitionError(
            transition.unavailable
            or _("Cette étape n'est plus possible : l'état a changé entre-temps.")
        )
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
    audit_action: str,
    history: models.Manager | None = None,
    extra: dict | None = None,
    audit_target: models.Model | None = None,
    data: dict | None = None,
) -> Transition:
    """Move `obj` along transition `name`, record it in the audit log and in `history`.

    Raises TransitionError when the transition is unknown, does not start from the
    current status, is not `actor`'s to take, or needs a comment that is missing. The
    status is re-read under a row lock so that two people cannot both take a step.
    `history`: the object's history manager (rows with from_status, to_status, actor,
    comment), or None for an object that keeps none: the audit log then carries the
    comment. `extra`: other fields to set with the status (a decision date, say).
    `audit_target`: what the audit entry points at, when not `obj` itself (an account
    rather than its profile, say). `data`: more for the audit entry (no personal data).
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
        content_changed()  # an update sends no post_save: public pages must know
        for field, value in changes.items():
            setattr(obj, field, value)
        if history is not None:
            history.create(
                from_status=previous,
                to_status=transition.target,
                actor=actor,
                comment=comment.strip(),
            )
        audit_log_record(
            actor=actor,
            action=audit_action,
            target=obj if audit_target is None else audit_target,
            message="" if history is not None else comment.strip(),
            data={"from": previous, "to": transition.target, **(data or {})},
        )
    return transition
