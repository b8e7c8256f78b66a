"""Writes of the funding watch: the coordination's opportunities, members following them,
and the deadline alerts (J-14, J-3) to followers and to the owners of a dossier on them."""

from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.outbox import Addressee, already_queued, outbox_enqueue_many
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug
from members.enums import AffiliationStatus, PersonStatus
from members.models import Person

from ..enums import BEFORE_SUBMISSION, ProjectsAuditAction, PublicationStatus
from ..models import (
    Dossier,
    Opportunity,
    OpportunityAttachment,
    OpportunityFollow,
    OpportunitySector,
)
from ..rules import coordination

# Fixed addresses under /financements/ that no opportunity slug may take.
OPPORTUNITY_RESERVED_SLUGS = ("publiques", "nouvelle")

# Alerts before a deadline: (days before, last day of its window). Each alert covers the
# days down to the next one, so a missed daily run (or a follow started late) still gets
# it once; the outbox's unique kind makes every later run a no-op.
DEADLINE_ALERTS = ((14, 4), (3, 0))


# --- The coordination's opportunities --------------------------------------------------


def _require_coordination(actor: User) -> None:
    if not coordination(actor):
        raise PermissionRefused(_("Seule la coordination gère les opportunités."))


def _save_relations(opportunity: Opportunity, *, m2m: dict, sectors) -> None:
    for name, values in m2m.items():
        getattr(opportunity, name).set(values)
    opportunity.eligible_sectors.exclude(sector__in=list(sectors)).delete()
    existing = set(opportunity.eligible_sectors.values_list("sector", flat=True))
    OpportunitySector.objects.bulk_create(
        OpportunitySector(opportunity=opportunity, sector=sector)
        for sector in sectors
        if sector not in existing
    )


def _add_attachment(opportunity: Opportunity, title: str, file: UploadedFile | None) -> None:
    if file is not None:
        OpportunityAttachment.objects.create(
            opportunity=opportunity, title=title.strip() or file.name, file=file
        )


@transaction.atomic
def opportunity_create(
    *,
    actor: User,
    fields: dict,
    m2m: dict,
    sectors=(),
    attachment_title: str = "",
    attachment_file: UploadedFile | None = None,
) -> Opportunity:
    """The coordinator records an opportunity, as a draft (publishing is a separate step)."""
    _require_coordination(actor)
    slug = unique_slug(model=Opportunity, text=fields["title"], reserved=OPPORTUNITY_RESERVED_SLUGS)
    opportunity = Opportunity.objects.create(
        **fields, slug=slug, created_by=actor, status=PublicationStatus.DRAFT
    )
    _save_relations(opportunity, m2m=m2m, sectors=sectors)
    _add_attachment(opportunity, attachment_title, attachment_file)
    audit_log_record(
        actor=actor, action=ProjectsAuditAction.OPPORTUNITY_CREATED, target=opportunity
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    actor: User,
    fields: dict,
    m2m: dict,
    sectors=(),
    attachment_title: str = "",
    attachment_file: UploadedFile | None = None,
    remove_attachments=(),
) -> Opportunity:
    """Change an opportunity; its address (slug) stays, links already sent keep working."""
    _require_coordination(actor)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.save()
    _save_relations(opportunity, m2m=m2m, sectors=sectors)
    removed = opportunity.attachments.filter(pk__in=[a.pk for a in remove_attachments])
    names = [attachment.file.name for attachment in removed]
    removed.delete()
    storage = OpportunityAttachment._meta.get_field("file").storage
    # Files go once the change is committed: a rollback must not leave rows without file.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    _add_attachment(opportunity, attachment_title, attachment_file)
    audit_log_record(
        actor=actor, action=ProjectsAuditAction.OPPORTUNITY_UPDATED, target=opportunity
    )
    return opportunity


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, actor: User) -> Opportunity:
    """Publish for members (and the public if marked so). The first publication date
    stays: the digest relies on it, and an item must not come back in a later digest."""
    _require_coordination(actor)
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.status == PublicationStatus.PUBLISHED:
        raise DomainError(_("Ce financement est déjà publié."))
    opportunity.status = PublicationStatus.PUBLISHED
    opportunity.published_at = locked.published_at or timezone.now()
    opportunity.save(update_fields=["status", "published_at", "updated_at"])
    audit_log_record(
        actor=actor, action=ProjectsAuditAction.OPPORTUNITY_PUBLISHED, target=opportunity
    )
    return opportunity


@transaction.atomic
def opportunity_unpublish(*, opportunity: Opportunity, actor: User) -> Opportunity:
    """Take an opportunity back to draft (published by mistake, or withdrawn by its funder)."""
    _require_coordination(actor)
    opportunity.status = Opportunity.objects.select_for_update().get(pk=opportunity.pk).status
    if opportunity.status != PublicationStatus.PUBLISHED:
        raise DomainError(_("Ce financement n'est pas publié."))
    opportunity.status = PublicationStatus.DRAFT
    opportunity.save(update_fields=["status", "updated_at"])
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.OPPORTUNITY_UNPUBLISHED,
        target=opportunity,
    )
    return opportunity


# --- Following ---------------------------------------------------------------------------


@transaction.atomic
def opportunity_follow(*, opportunity: Opportunity, person: Person) -> OpportunityFollow:
    """`person` follows a published opportunity: deadline alerts at J-14 and J-3."""
    if opportunity.status != PublicationStatus.PUBLISHED:
        raise DomainError(_("Ce financement n'est pas publié."))
    follow, created = OpportunityFollow.objects.get_or_create(
        opportunity=opportunity, person=person
    )
    if created:
        audit_log_record(
            actor=person.user, action=ProjectsAuditAction.OPPORTUNITY_FOLLOWED, target=opportunity
        )
    return follow


@transaction.atomic
def opportunity_unfollow(*, opportunity: Opportunity, person: Person) -> None:
    """Stop following (no more deadline alerts, unless one of their dossiers is on it)."""
    deleted, _details = OpportunityFollow.objects.filter(
        opportunity=opportunity, person=person
    ).delete()
    if deleted:
        audit_log_record(
            actor=person.user,
            action=ProjectsAuditAction.OPPORTUNITY_UNFOLLOWED,
            target=opportunity,
        )


# --- Deadline alerts ---------------------------------------------------------------------


def _alerted_people(opportunity: Opportunity):
    """Followers, and owners of a dossier on it not yet submitted, each once."""
    follows = OpportunityFollow.objects.filter(opportunity=opportunity, person=OuterRef("pk"))
    dossiers = Dossier.objects.filter(
        opportunity=opportunity,
        status__in=BEFORE_SUBMISSION,
        owners=OuterRef("pk"),
        # Owners who left the organisation no longer hear of its files.
        organization__affiliations__person=OuterRef("pk"),
        organization__affiliations__status=AffiliationStatus.ACTIVE,
    )
    return (
        Person.objects.filter(status=PersonStatus.ACTIVE, user__is_active=True)
        .annotate(follows_it=Exists(follows), owns_dossier=Exists(dossiers))
        .filter(Q(follows_it=True) | Q(owns_dossier=True))
        .select_related("user")
    )


def _alert(opportunity: Opportunity, *, offset: int, today: date) -> int:
    kind = f"projects.deadline:{offset}:{opportunity.deadline.isoformat()}"
    # Those alerted already are left out before anything is rendered (a run repeated).
    alerted = already_queued(kind=kind, email="user__email", about=opportunity)
    people = list(_alerted_people(opportunity).exclude(alerted))
    context = {"opportunity": opportunity, "days_left": (opportunity.deadline - today).days}
    queued = 0
    # One text for each (owns a dossier, follows it) pair, rendered once per language.
    for why in sorted({(person.owns_dossier, person.follows_it) for person in people}):
        group = [p for p in people if (p.owns_dossier, p.follows_it) == why]
        messages = outbox_enqueue_many(
            template="member_deadline_alert",
            addressees=[Addressee(person.user, target=opportunity) for person in group],
            context={**context, "owns_dossier": why[0], "follows_it": why[1]},
            kind=kind,
        )
        queued += len(messages)
    return queued


def opportunity_send_deadline_alerts(*, today: date | None = None) -> int:
    """Queue the deadline alerts due today; returns how many e-mails were queued.

    J-14 covers deadlines 14 to 4 days away, J-3 those 3 to 0 days away: a day missed
    by beat is caught up the next day. The kind carries the offset and the deadline, so
    a run repeated the same day queues nothing, and a deadline moved is alerted again.
    """
    today = today or timezone.localdate()
    queued = 0
    for offset, last in DEADLINE_ALERTS:
        due = Opportunity.objects.published().filter(
            deadline__gte=today + timedelta(days=last),
            deadline__lte=today + timedelta(days=offset),
        )
        # One transaction per opportunity, not per sweep: a failure on one leaves the
        # others' alerts queued, and the next run completes the rest.
        for opportunity in due:
            with transaction.atomic():
                queued += _alert(opportunity, offset=offset, today=today)
    return queued
