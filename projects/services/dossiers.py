"""Writes of the dossiers (suivi administratif): create, edit, move along the pipeline,
the checklist of documents, the key dates, and the owners' reminders before them.

Who may write: the organisation's active members and the coordination (the workflow's
`dossier_team`), the same people who see the dossier. A closed dossier is read-only
until the coordination reopens it.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from consortium.core.exceptions import DomainError
from consortium.core.models import User
from consortium.core.outbox import outbox_enqueue
from consortium.core.services import audit_log_record
from consortium.core.workflows import Transition, workflow_apply
from members.enums import AffiliationStatus, PersonStatus
from members.models import Organization, Person

from ..enums import (
    BEFORE_SUBMISSION,
    REPORT_OWED,
    DeadlineKind,
    DossierKind,
    DossierStatus,
    ProjectsAuditAction,
)
from ..models import Dossier, DossierDeadline, DossierDocument, DossierTransition
from ..rules import dossier_team
from ..workflows import DOSSIER_TRANSITIONS

# Days before a submission or report date when the owners are reminded.
REMINDER_DAYS = 7
# The key dates whose owners are reminded (while still to meet: see _due_deadlines).
REMINDED_KINDS = (DeadlineKind.SUBMISSION, DeadlineKind.REPORT)

# The checklist a new dossier starts with, by kind (French, as shown; marked for makemessages).
DEFAULT_CHECKLISTS: dict[str, tuple[str, ...]] = {
    DossierKind.CALL_FOR_PROJECTS: (
        gettext_noop("Note d'intention"),
        gettext_noop("Description du projet"),
        gettext_noop("Budget prévisionnel"),
        gettext_noop("Calendrier de réalisation"),
        gettext_noop("Lettres de soutien des partenaires"),
        gettext_noop("Statuts"),
        gettext_noop("RIB"),
    ),
    DossierKind.SUBSIDY: (
        gettext_noop("Note d'intention"),
        gettext_noop("Budget prévisionnel"),
        gettext_noop("Statuts"),
        gettext_noop("RIB"),
        gettext_noop("Dernier bilan financier"),
        gettext_noop("Rapport d'activité"),
        gettext_noop("Attestation Urssaf"),
    ),
    DossierKind.FESTIVAL: (
        gettext_noop("Présentation du spectacle ou de l'action"),
        gettext_noop("Fiche technique"),
        gettext_noop("Budget prévisionnel"),
        gettext_noop("Calendrier et lieux"),
        gettext_noop("Attestation d'assurance"),
        gettext_noop("Licence d'entrepreneur de spectacles"),
    ),
    DossierKind.PARTNERSHIP: (
        gettext_noop("Projet de convention"),
        gettext_noop("Annexe financière"),
        gettext_noop("Statuts des partenaires"),
        gettext_noop("Délibération ou décision de signature"),
        gettext_noop("Attestation d'assurance"),
    ),
}


def default_checklist(kind: str) -> list[str]:
    """The first documents to gather for a dossier of this kind, in the active language."""
    return [_(label) for label in DEFAULT_CHECKLISTS.get(kind, ())]


def _ensure_writable(dossier: Dossier, actor: User) -> None:
    if not dossier_team(actor, dossier):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    if dossier.status == DossierStatus.CLOSED:
        raise DomainError(
            _("Ce dossier est clos : la coordination peut le rouvrir s'il faut le modifier.")
        )


def _check_owners(organization: Organization, owners: Iterable[Person]) -> list[Person]:
    """Owners are people of the organisation (who receive its reminders)."""
    owners = list(owners)
    allowed = set(
        Person.objects.filter(
            pk__in=[owner.pk for owner in owners],
            affiliations__organization=organization,
            affiliations__status=AffiliationStatus.ACTIVE,
        ).values_list("pk", flat=True)
    )
    if any(owner.pk not in allowed for owner in owners):
        raise ValidationError(
            {"owners": _("Les responsables doivent faire partie de la structure du dossier.")}
        )
    return owners


def _deadline_of_opportunity(dossier: Dossier) -> None:
    """The call's closing date, when still ahead, becomes the dossier's submission date."""
    opportunity = dossier.opportunity
    if opportunity and opportunity.deadline and opportunity.deadline >= timezone.localdate():
        DossierDeadline.objects.create(
            dossier=dossier,
            kind=DeadlineKind.SUBMISSION,
            due_on=opportunity.deadline,
            label=_("Date limite de l'appel"),
        )


@transaction.atomic
def dossier_create(
    *,
    organization: Organization,
    actor: User,
    fields: dict,
    owners: Iterable[Person] = (),
    checklist: Iterable[str] | None = None,
) -> Dossier:
    """Open a dossier at the "idée" step, with its owners and a first checklist.

    `checklist`: the documents to gather (by default the usual ones for its kind). The
    creation is the first line of the history ("" → idée) and an audit entry.
    """
    dossier = Dossier(organization=organization, created_by=actor, **fields)
    if not dossier_team(actor, dossier):
        raise DomainError(_("Vous ne pouvez créer un dossier que pour votre structure."))
    dossier.status = DossierStatus.IDEA
    dossier.full_clean()
    dossier.save()
    dossier.owners.set(_check_owners(organization, owners))
    labels = default_checklist(dossier.kind) if checklist is None else list(checklist)
    DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, label=label, position=index)
        for index, label in enumerate(labels)
    )
    _deadline_of_opportunity(dossier)
    DossierTransition.objects.create(
        dossier=dossier, from_status="", to_status=DossierStatus.IDEA, actor=actor
    )
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.DOSSIER_CREATED,
        target=dossier,
        data={"kind": dossier.kind},
    )
    return dossier


@transaction.atomic
def dossier_update(
    *, dossier: Dossier, actor: User, fields: dict, owners: Iterable[Person] | None = None
) -> Dossier:
    """Change the description, amounts, links, notes and owners of a dossier.

    The status and the organisation do not change here: the status moves through
    `dossier_transition`, and a file never changes hands.
    """
    _ensure_writable(dossier, actor)
    for name in ("status", "organization", "organization_id", "created_by"):
        fields.pop(name, None)
    for name, value in fields.items():
        setattr(dossier, name, value)
    dossier.full_clean()
    dossier.save()
    if owners is not None:
        dossier.owners.set(_check_owners(dossier.organization, owners))
    audit_log_record(actor=actor, action=ProjectsAuditAction.DOSSIER_UPDATED, target=dossier)
    return dossier


@transaction.atomic
def dossier_transition(
    *,
    dossier: Dossier,
    name: str,
    actor: User,
    comment: str = "",
    amount_granted: int | None = None,
) -> Transition:
    """Move the dossier one step along its pipeline, logged in its history and the audit.

    "accorder" records the granted amount when given; "refuser" clears it (a refused
    file has none). Raises workflows.TransitionError when the step is not possible.
    """
    extra = {}
    if name == "accorder" and amount_granted is not None:
        extra["amount_granted"] = amount_granted
    if name == "refuser":
        extra["amount_granted"] = None
    return workflow_apply(
        transitions=DOSSIER_TRANSITIONS,
        obj=dossier,
        name=name,
        actor=actor,
        comment=comment,
        history=dossier.transitions,
        audit_action=ProjectsAuditAction.DOSSIER_TRANSITION,
        extra=extra,
    )


# --- The checklist of documents ----------------------------------------------------------


@transaction.atomic
def dossier_document_add(*, dossier: Dossier, actor: User, label: str, file=None):
    """Add a line to the checklist, with its file if it is ready (validated)."""
    _ensure_writable(dossier, actor)
    last = dossier.documents.order_by("-position").values_list("position", flat=True).first()
    document = DossierDocument(
        dossier=dossier, label=label, position=(last or 0) + 1, is_done=bool(file)
    )
    if file:
        document.file = file
    document.full_clean()
    document.save()
    _audit_document(actor, document, "added")
    return document


def _audit_document(actor: User, document: DossierDocument, change: str) -> None:
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.DOSSIER_DOCUMENT_CHANGED,
        target=document.dossier,
        data={"document": document.pk, "change": change},
    )


def _audit_deadline(actor: User, deadline: DossierDeadline, change: str) -> None:
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.DOSSIER_DEADLINE_CHANGED,
        target=deadline.dossier,
        data={"deadline": deadline.pk, "kind": deadline.kind, "change": change},
    )


@transaction.atomic
def dossier_document_toggle(*, document: DossierDocument, actor: User) -> DossierDocument:
    """Tick a document as ready, or untick it."""
    _ensure_writable(document.dossier, actor)
    document.is_done = not document.is_done
    document.save(update_fields=["is_done"])
    _audit_document(actor, document, "done" if document.is_done else "undone")
    return document


@transaction.atomic
def dossier_document_attach(*, document: DossierDocument, actor: User, file) -> DossierDocument:
    """Put the file of a checklist line (validated: type, size, content); it is then ready."""
    _ensure_writable(document.dossier, actor)
    previous = document.file.name if document.file else ""
    document.file = file
    document.is_done = True
    document.full_clean()
    document.save(update_fields=["file", "is_done"])
    if previous and previous != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(previous))
    _audit_document(actor, document, "attached")
    return document


@transaction.atomic
def dossier_document_delete(*, document: DossierDocument, actor: User) -> None:
    """Remove a line of the checklist, and its file once the removal is committed."""
    _ensure_writable(document.dossier, actor)
    if document.file:
        storage, name = document.file.storage, document.file.name
        transaction.on_commit(lambda: storage.delete(name))
    _audit_document(actor, document, "deleted")
    document.delete()


# --- Key dates -----------------------------------------------------------------------------


@transaction.atomic
def dossier_deadline_add(
    *, dossier: Dossier, actor: User, kind: str, due_on: date, label: str = ""
) -> DossierDeadline:
    """Add a key date; submission and report dates remind the owners at J-7."""
    _ensure_writable(dossier, actor)
    deadline = DossierDeadline(dossier=dossier, kind=kind, due_on=due_on, label=label)
    deadline.full_clean()
    deadline.save()
    _audit_deadline(actor, deadline, "added")
    return deadline


@transaction.atomic
def dossier_deadline_delete(*, deadline: DossierDeadline, actor: User) -> None:
    """Remove a key date."""
    _ensure_writable(deadline.dossier, actor)
    _audit_deadline(actor, deadline, "deleted")
    deadline.delete()


# --- Reminders -------------------------------------------------------------------------------


def _due_deadlines(today: date):
    """Submission and report dates within the next REMINDER_DAYS days, still to meet.

    A window rather than the single day J-7: a day without the task (a worker down)
    is caught up the next day; the outbox's uniqueness keeps each reminder single.
    """
    window = {"due_on__gte": today, "due_on__lte": today + timedelta(days=REMINDER_DAYS)}
    # A submission date matters until the file is submitted; a report date once granted.
    still_to_do = Q(kind=DeadlineKind.SUBMISSION, dossier__status__in=BEFORE_SUBMISSION) | Q(
        kind=DeadlineKind.REPORT, dossier__status__in=REPORT_OWED
    )
    return (
        DossierDeadline.objects.filter(still_to_do, **window)
        .select_related("dossier__organization")
        .order_by("due_on", "pk")
    )


def _owners_to_remind(dossier: Dossier):
    """Owners still in the network and still in the dossier's organisation."""
    return dossier.owners.filter(
        status=PersonStatus.ACTIVE,
        user__is_active=True,
        affiliations__organization=dossier.organization_id,
        affiliations__status=AffiliationStatus.ACTIVE,
    ).select_related("user")


def dossier_send_deadline_reminders(*, today: date | None = None) -> int:
    """Queue the J-7 reminders of key dates to each owner, once. Returns how many were queued.

    The kind carries the deadline and its date: a date moved later is reminded again.
    """
    today = today or timezone.localdate()
    queued = 0
    for deadline in _due_deadlines(today):
        days = (deadline.due_on - today).days
        for owner in _owners_to_remind(deadline.dossier):
            message = outbox_enqueue(
                template="member_dossier_deadline",
                recipient=owner.user,
                context={"dossier": deadline.dossier, "deadline": deadline, "days": days},
                target=deadline,
                kind=f"projects.dossier_deadline:{deadline.pk}:{deadline.due_on.isoformat()}",
            )
            queued += message is not None
    return queued
