"""Writes of the best practices: propose and edit a sheet, review it, comment on it.

A sheet is written by a member (for their organisation), reviewed by the coordination
through PRACTICE_TRANSITIONS, then public. E-mails go through the outbox: the
coordination hears of each proposal, the proposer of each request for changes, each
publication, each withdrawal (with its reason) and each remark of the coordination.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.enums import Role
from consortium.core.exceptions import DomainError
from consortium.core.models import User
from consortium.core.outbox import outbox_enqueue
from consortium.core.permissions import is_coordinator
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug
from consortium.core.workflows import Transition, workflow_apply
from members.models import Person

from ..enums import PracticeStatus, ProjectsAuditAction
from ..models import Practice, PracticeComment, PracticeImage
from ..rules import can_edit_practice, practice_authors
from ..workflows import PRACTICE_TRANSITIONS

# Fixed addresses under /bonnes-pratiques/ (see urls/practices.py), which no slug may take.
PRACTICE_RESERVED_SLUGS = ("proposer", "relecture", "mes-propositions")
M2M_FIELDS = ("communes", "epcis", "age_groups", "disciplines", "themes")

__all__ = [
    "PRACTICE_RESERVED_SLUGS",
    "DomainError",
    "practice_comment_add",
    "practice_create",
    "practice_transition",
    "practice_update",
]


@transaction.atomic
def practice_create(
    *, actor: User, person: Person | None, fields: dict, m2m: dict, images: Iterable[dict]
) -> Practice:
    """A member (`person`, None for the coordination without a profile) writes a draft.

    `fields`: the model's own fields; `m2m`: the values of M2M_FIELDS; `images`: see
    `_images_save`. The EPCIs of the chosen communes are added to the territory.
    """
    slug = unique_slug(model=Practice, text=fields["title"], reserved=PRACTICE_RESERVED_SLUGS)
    practice = Practice(**fields, slug=slug, proposed_by=person, status=PracticeStatus.DRAFT)
    practice.full_clean(exclude=M2M_FIELDS)
    practice.save()
    _relations_set(practice, m2m)
    _images_save(practice, images)
    audit_log_record(actor=actor, action=ProjectsAuditAction.PRACTICE_CREATED, target=practice)
    return practice


@transaction.atomic
def practice_update(
    *, practice: Practice, actor: User, fields: dict, m2m: dict, images: Iterable[dict]
) -> Practice:
    """Edit a sheet: its authors while it is theirs to edit, the coordination anytime."""
    if not can_edit_practice(actor, practice):
        raise DomainError(
            _("Cette fiche n'est plus modifiable : elle est en relecture ou publiée.")
        )
    for name, value in fields.items():
        setattr(practice, name, value)
    practice.full_clean(exclude=M2M_FIELDS)
    practice.save()
    _relations_set(practice, m2m)
    _images_save(practice, images)
    audit_log_record(actor=actor, action=ProjectsAuditAction.PRACTICE_UPDATED, target=practice)
    return practice


def _relations_set(practice: Practice, m2m: dict) -> None:
    for name in M2M_FIELDS:
        if name in m2m:
            getattr(practice, name).set(m2m[name])
    # The catalogue filters on EPCIs: a commune always brings its EPCI along.
    epcis = practice.communes.values_list("epci_id", flat=True).distinct()
    practice.epcis.add(*epcis)


def _images_save(practice: Practice, images: Iterable[dict]) -> None:
    """Apply the image rows: {"id": pk or None, "image", "alt_text", "caption", "delete"}.

    A row with an id changes (or deletes) that image of this sheet, never another's.
    """
    own = {image.pk: image for image in practice.images.all()}
    for position, row in enumerate(images):
        image = own.get(row.get("id")) if row.get("id") else PracticeImage(practice=practice)
        if image is None:
            continue
        if row.get("delete"):
            if image.pk:
                image.image.delete(save=False)
                image.delete()
            continue
        if row.get("image"):
            image.image = row["image"]
        image.alt_text = row["alt_text"].strip()
        image.caption = row.get("caption", "").strip()
        image.position = position
        image.full_clean(exclude=["practice"])
        image.save()


@transaction.atomic
def practice_transition(
    *, practice: Practice, name: str, actor: User, comment: str = ""
) -> Transition:
    """Move a sheet along the review workflow, log it, and tell who needs to know.

    Raises workflows.TransitionError when the step is unknown, not possible from the
    current state, not the actor's to take, or lacks its required comment. The first
    publication dates the sheet; a later one (after a withdrawal) keeps that date.
    """
    extra = {}
    if name == "publier" and practice.published_at is None:
        extra["published_at"] = timezone.now()
    transition = workflow_apply(
        transitions=PRACTICE_TRANSITIONS,
        obj=practice,
        name=name,
        actor=actor,
        comment=comment,
        history=practice.transitions,
        audit_action=ProjectsAuditAction.PRACTICE_TRANSITION,
        extra=extra,
    )
    step = practice.transitions.order_by("-pk").values_list("pk", flat=True).first()
    _notify_transition(practice, transition.target, step=step, comment=comment.strip())
    return transition


def _notify_transition(practice: Practice, target: str, *, step: int, comment: str) -> None:
    context = {"practice": practice, "comment": comment}
    if target == PracticeStatus.SUBMITTED:
        _notify_coordination(practice, "coordinator_practice_proposed", key=step, context=context)
    elif target == PracticeStatus.CHANGES_REQUESTED:
        _notify_proposer(practice, "member_practice_changes_requested", key=step, context=context)
    elif target == PracticeStatus.PUBLISHED:
        _notify_proposer(practice, "member_practice_published", key=step, context=context)
    elif target == PracticeStatus.WITHDRAWN:
        _notify_proposer(practice, "member_practice_withdrawn", key=step, context=context)


def _coordinators():
    return User.objects.filter(groups__name=Role.COORDINATION, is_active=True).distinct()


def _notify_coordination(practice: Practice, template: str, *, key, context: dict) -> None:
    # The kind carries the history step (or comment): each proposal is its own message,
    # and queueing the same one twice is a no-op.
    for user in _coordinators():
        outbox_enqueue(
            template=template,
            recipient=user,
            context=context,
            target=practice,
            kind=f"{template}:{key}",
        )


def _notify_proposer(practice: Practice, template: str, *, key, context: dict) -> None:
    # Someone who has since left the sheet's organisation no longer hears of it.
    proposer = practice.proposed_by
    if proposer is None or not proposer.user.is_active:
        return
    if not practice_authors(proposer.user, practice):
        return
    outbox_enqueue(
        template=template,
        recipient=proposer.user,
        context=context,
        target=practice,
        kind=f"{template}:{key}",
    )


@transaction.atomic
def practice_comment_add(*, practice: Practice, actor: User, body: str) -> PracticeComment:
    """A review remark by the sheet's authors or the coordination, e-mailed to the other side."""
    if not practice_authors(actor, practice):
        raise DomainError(_("Seuls les auteurs de la fiche et la coordination la commentent."))
    body = body.strip()
    if not body:
        raise DomainError(_("Le commentaire est vide."))
    comment = PracticeComment.objects.create(practice=practice, author=actor, body=body)
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.PRACTICE_COMMENTED,
        target=practice,
        data={"comment": comment.pk},
    )
    context = {"practice": practice, "comment": body}
    key = f"comment-{comment.pk}"
    if is_coordinator(actor):
        _notify_proposer(practice, "member_practice_commented", key=key, context=context)
    else:
        _notify_coordination(practice, "coordinator_practice_commented", key=key, context=context)
    return comment
