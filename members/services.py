"""Writes of the members app. Each service is atomic, keyword-only, and logs what matters."""

from datetime import timedelta

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.outbox import outbox_enqueue
from consortium.core.permissions import can_observe
from consortium.core.privacy import erase_account, managed_accounts
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug
from consortium.core.workflows import workflow_apply

from .access import person_of
from .consents import CONSENTS
from .enums import (
    AffiliationStatus,
    ConsentPurpose,
    GroupMembershipStatus,
    MembersAuditAction,
    NeedStatus,
    OrganizationStatus,
    PersonStatus,
)
from .models import (
    Action,
    Affiliation,
    ConsentRecord,
    GroupDocument,
    GroupMembership,
    Need,
    NeedSupport,
    Organization,
    Person,
    WorkingGroup,
)
from .rules import (
    can_contribute_to_group,
    can_decide_group_requests,
    can_edit_organization,
    can_import_network,
    can_manage_groups,
    can_manage_needs,
)
from .workflows import (
    AFFILIATION_TRANSITIONS,
    NEED_TRANSITIONS,
    ORGANIZATION_TRANSITIONS,
    PERSON_TRANSITIONS,
)

# Fixed addresses under /reseau/ and /groupes/ (see urls.py), which no slug may take.
ORGANIZATION_RESERVED_SLUGS = ("couverture",)
GROUP_RESERVED_SLUGS = ("nouveau",)


def _notify(*, user: User, name: str, context: dict) -> None:
    # Through the outbox, so that it is sent once, after the commit, by a worker. These
    # notifications answer a decision, each one its own message: the kind carries when.
    outbox_enqueue(
        template=name,
        recipient=user,
        context=context,
        kind=f"{name}:{timezone.now().isoformat()}",
    )


def _record_consent(*, person: Person | None, purpose: str, given: bool) -> None:
    """Append what `person` agreed to (or withdrew), with the wording they were shown."""
    if person is None:  # the coordination without a profile acts for the organisation
        return
    wording = CONSENTS[purpose]
    ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        given=given,
        wording_version=wording.version,
        wording=wording.text(),
    )


# --- People and organisations ----------------------------------------------------------


def person_ensure(*, actor: User) -> Person:
    """The profile of `actor` (the visitor), created on first use: pending for a partner.

    The coordination and the observers belong to the network by their role: nobody
    validates them, so their profile starts active (and stays out of the queue).
    """
    status = PersonStatus.ACTIVE if can_observe(actor) else PersonStatus.PENDING
    person, _created = Person.objects.get_or_create(user=actor, defaults={"status": status})
    return person


@transaction.atomic
def person_profile_update(
    *, person: Person, first_name: str, last_name: str, job_title: str, phone: str
) -> Person:
    """Update the name (on the account) and the professional details of a person."""
    user = person.user
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    person.job_title, person.phone = job_title.strip(), phone.strip()
    person.save(update_fields=["job_title", "phone", "updated_at"])
    return person


@transaction.atomic
def organization_create(*, person: Person, fields: dict, m2m: dict) -> Organization:
    """A partner creates their organisation: pending, with them as pending referent."""
    organization = Organization(
        **fields,
        slug=unique_slug(
            model=Organization, text=fields["name"], reserved=ORGANIZATION_RESERVED_SLUGS
        ),
        created_by=person.user,
        status=OrganizationStatus.PENDING,
    )
    # The SIRET constraint is left to the database, which answers in French just below.
    organization.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as error:
        raise DomainError(_("Une structure avec ce SIRET existe déjà dans le réseau.")) from error
    for name, values in m2m.items():
        getattr(organization, name).set(values)
    if organization.listed_publicly:
        _record_consent(person=person, purpose=ConsentPurpose.PUBLIC_LISTING, given=True)
    Affiliation.objects.create(
        person=person,
        organization=organization,
        is_referent=True,
        status=AffiliationStatus.PENDING,
    )
    audit_log_record(
        actor=person.user, action=MembersAuditAction.ORGANIZATION_CREATED, target=organization
    )
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: User, fields: dict, m2m: dict
) -> Organization:
    """A referent or the coordinator (`actor`) edits an organisation.

    A change of `listed_publicly` is a consent given or withdrawn: it is recorded for the
    actor's profile (none for the coordination without one: it acts for the organisation).
    """
    if not can_edit_organization(actor, organization):
        raise PermissionRefused(_("Vous ne pouvez pas modifier cette structure."))
    was_listed = organization.listed_publicly
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as error:
        raise DomainError(_("Une structure avec ce SIRET existe déjà dans le réseau.")) from error
    for name, values in m2m.items():
        getattr(organization, name).set(values)
    if organization.listed_publicly != was_listed:
        _record_consent(
            person=person_of(actor),
            purpose=ConsentPurpose.PUBLIC_LISTING,
            given=organization.listed_publicly,
        )
    audit_log_record(
        actor=actor, action=MembersAuditAction.ORGANIZATION_UPDATED, target=organization
    )
    return organization


def active_referents(organization: Organization):
    return Person.objects.filter(
        affiliations__organization=organization,
        affiliations__is_referent=True,
        affiliations__status=AffiliationStatus.ACTIVE,
        status=PersonStatus.ACTIVE,
    ).select_related("user")


@transaction.atomic
def affiliation_request(*, person: Person, organization: Organization) -> Affiliation:
    """A person asks to join an organisation; its referents (if any) may accept them."""
    if organization.status not in (OrganizationStatus.ACTIVE, OrganizationStatus.PENDING):
        raise DomainError(_("Cette structure n'accepte plus de nouveaux membres."))
    affiliation, _created = Affiliation.objects.get_or_create(
        person=person, organization=organization
    )
    workflow_apply(
        transitions=AFFILIATION_TRANSITIONS,
        obj=affiliation,
        name="demander",
        actor=person.user,
        audit_action=MembersAuditAction.AFFILIATION_REQUESTED,
        audit_target=organization,
    )
    for referent in active_referents(organization):
        _notify(
            user=referent.user,
            name="referent_affiliation_requested",
            context={"person": person, "organization": organization},
        )
    return affiliation


@transaction.atomic
def affiliation_accept(*, affiliation: Affiliation, actor: User) -> Affiliation:
    """A referent or the coordinator accepts a newcomer.

    A person accepted by the referent of an active organisation becomes an active
    member without waiting for the coordinator (who still sees it in the log).
    """
    _decide_affiliation(affiliation=affiliation, name="accepter", actor=actor)
    person = affiliation.person
    organization_active = affiliation.organization.status == OrganizationStatus.ACTIVE
    if person.status == PersonStatus.PENDING and organization_active:
        _decide_person(person=person, name="admettre", actor=actor, message="")
    _notify(
        user=person.user,
        name="partner_affiliation_accepted",
        context={"organization": affiliation.organization},
    )
    return affiliation


@transaction.atomic
def affiliation_refuse(*, affiliation: Affiliation, actor: User, message: str) -> Affiliation:
    """A referent or the coordinator declines a request to join an organisation."""
    _decide_affiliation(affiliation=affiliation, name="refuser", actor=actor, message=message)
    _notify(
        user=affiliation.person.user,
        name="partner_affiliation_refused",
        context={"organization": affiliation.organization, "message": message},
    )
    return affiliation


@transaction.atomic
def affiliation_leave(*, affiliation: Affiliation, actor: User) -> Affiliation:
    """A person leaves an organisation (the link is kept, marked left, for history)."""
    workflow_apply(
        transitions=AFFILIATION_TRANSITIONS,
        obj=affiliation,
        name="quitter",
        actor=actor,
        audit_action=MembersAuditAction.AFFILIATION_LEFT,
        audit_target=affiliation.organization,
        extra={"is_referent": False},
    )
    return affiliation


def _decide_person(*, person: Person, name: str, actor: User, message: str) -> None:
    action = {
        "refuser": MembersAuditAction.PERSON_REFUSED,
    }.get(name, MembersAuditAction.PERSON_VALIDATED)
    workflow_apply(
        transitions=PERSON_TRANSITIONS,
        obj=person,
        name=name,
        actor=actor,
        comment=message,
        audit_action=action,
        audit_target=person.user,  # the log names accounts by number, not people
        extra={"decided_by": actor, "decided_at": timezone.now(), "decision_message": message},
    )


AFFILIATION_AUDIT = {
    "accepter": MembersAuditAction.AFFILIATION_ACCEPTED,
    "refuser": MembersAuditAction.AFFILIATION_REFUSED,
}


def _decide_affiliation(
    *, affiliation: Affiliation, name: str, actor: User, message: str = ""
) -> None:
    workflow_apply(
        transitions=AFFILIATION_TRANSITIONS,
        obj=affiliation,
        name=name,
        actor=actor,
        comment=message,
        audit_action=AFFILIATION_AUDIT[name],
        audit_target=affiliation.organization,
        extra={"decided_by": actor, "decided_at": timezone.now()},
    )


def _require_reason(message: str) -> None:
    # A refusal is e-mailed: without a reason it reads as a door slammed shut.
    if not message.strip():
        raise DomainError(_("Expliquez en quelques mots la raison du refus : elle est envoyée."))


ORGANIZATION_AUDIT = {
    "valider": MembersAuditAction.ORGANIZATION_VALIDATED,
    "refuser": MembersAuditAction.ORGANIZATION_REFUSED,
    "archiver": MembersAuditAction.ORGANIZATION_ARCHIVED,
}


def _decide_organization(
    *, organization: Organization, name: str, actor: User, message: str = "", **extra
) -> None:
    workflow_apply(
        transitions=ORGANIZATION_TRANSITIONS,
        obj=organization,
        name=name,
        actor=actor,
        comment=message,
        audit_action=ORGANIZATION_AUDIT[name],
        extra={"decided_by": actor, "decided_at": timezone.now(), **extra},
    )


@transaction.atomic
def person_validate(*, person: Person, actor: User, message: str = "") -> Person:
    """The coordinator welcomes a partner, with the organisations they created or joined."""
    _decide_person(person=person, name="valider", actor=actor, message=message)
    for affiliation in person.affiliations.filter(status=AffiliationStatus.PENDING).select_related(
        "organization"
    ):
        organization = affiliation.organization
        if organization.status == OrganizationStatus.PENDING:
            _decide_organization(organization=organization, name="valider", actor=actor)
        _decide_affiliation(affiliation=affiliation, name="accepter", actor=actor)
    _notify(user=person.user, name="partner_validated", context={"message": message})
    return person


@transaction.atomic
def person_refuse(*, person: Person, actor: User, message: str) -> Person:
    """The coordinator declines a request; the organisations it created are refused too."""
    _require_reason(message)
    _decide_person(person=person, name="refuser", actor=actor, message=message)
    for affiliation in person.affiliations.filter(status=AffiliationStatus.PENDING).select_related(
        "organization"
    ):
        if affiliation.organization.status == OrganizationStatus.PENDING:
            _decide_organization(organization=affiliation.organization, name="refuser", actor=actor)
        _decide_affiliation(affiliation=affiliation, name="refuser", actor=actor)
    _notify(user=person.user, name="partner_refused", context={"message": message})
    return person


def _decide_pending_affiliations_of_members(
    *, organization: Organization, name: str, actor: User, message: str = ""
) -> None:
    # People still pending are decided with their own request (person_validate/refuse).
    affiliations = organization.affiliations.filter(
        status=AffiliationStatus.PENDING, person__status=PersonStatus.ACTIVE
    ).select_related("person__user")
    for affiliation in affiliations:
        _decide_affiliation(affiliation=affiliation, name=name, actor=actor, message=message)
        accepted = name == "accepter"
        _notify(
            user=affiliation.person.user,
            name="partner_affiliation_accepted" if accepted else "partner_affiliation_refused",
            context={"organization": organization, "message": message},
        )


@transaction.atomic
def organization_validate(*, organization: Organization, actor: User) -> Organization:
    """The coordinator validates a structure proposed by someone already a member."""
    _decide_organization(organization=organization, name="valider", actor=actor)
    _decide_pending_affiliations_of_members(organization=organization, name="accepter", actor=actor)
    return organization


@transaction.atomic
def organization_refuse(*, organization: Organization, actor: User, message: str) -> Organization:
    """The coordinator declines a structure proposed by a member, saying why."""
    _require_reason(message)
    _decide_organization(organization=organization, name="refuser", actor=actor, message=message)
    _decide_pending_affiliations_of_members(
        organization=organization, name="refuser", actor=actor, message=message
    )
    return organization


@transaction.atomic
def account_delete(*, actor: User) -> None:
    """A person deletes their own account (RGPD): logged without personal data, then erased.

    Needs, documents and actions stay, without their author; the rest goes.
    """
    audit_log_record(actor=None, action=MembersAuditAction.ACCOUNT_DELETED, target=actor)
    erase_account(user=actor)


def pending_accounts() -> models.QuerySet:
    """Accounts older than PENDING_ACCOUNT_RETENTION_DAYS never confirmed (no verified
    address) or never validated (no active profile), the Département's own aside."""
    limit = timezone.now() - timedelta(days=settings.PENDING_ACCOUNT_RETENTION_DAYS)
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    validated = Person.objects.filter(user=OuterRef("pk"), status=PersonStatus.ACTIVE)
    return (
        User.objects.filter(date_joined__lt=limit)
        .exclude(Exists(confirmed) & Exists(validated))
        .exclude(pk__in=User.objects.filter(managed_accounts()))
    )


def pending_accounts_delete() -> int:
    """Retention (daily): erase the accounts never confirmed or validated in time, each
    with an audit entry that names the account by its number only. Returns how many."""
    users = list(pending_accounts())
    for user in users:
        _pending_account_delete(user)
    return len(users)


@transaction.atomic
def _pending_account_delete(user: User) -> None:
    audit_log_record(actor=None, action=MembersAuditAction.PENDING_ACCOUNT_DELETED, target=user)
    erase_account(user=user)


@transaction.atomic
def organization_archive(*, organization: Organization, actor: User) -> Organization:
    """Archive an organisation: it leaves the directory, its history stays."""
    workflow_apply(
        transitions=ORGANIZATION_TRANSITIONS,
        obj=organization,
        name="archiver",
        actor=actor,
        audit_action=MembersAuditAction.ORGANIZATION_ARCHIVED,
        extra={"archived_at": timezone.now()},
    )
    return organization


@transaction.atomic
def person_preferences_update(
    *, person: Person, wants_reminders: bool, wants_digest: bool, language: str
) -> Person:
    """Notification preferences; a change of digest consent is recorded with its wording."""
    if wants_digest != person.wants_digest:
        _record_consent(person=person, purpose=ConsentPurpose.DIGEST, given=wants_digest)
    person.wants_reminders, person.wants_digest = wants_reminders, wants_digest
    person.save(update_fields=["wants_reminders", "wants_digest", "updated_at"])
    if language in dict(settings.LANGUAGES) and person.user.language != language:
        person.user.language = language
        person.user.save(update_fields=["language"])
    return person


# --- Working groups --------------------------------------------------------------------


@transaction.atomic
def group_create(*, actor: User, title: str, fields: dict) -> WorkingGroup:
    """The coordinator opens a working group."""
    if not can_manage_groups(actor):
        raise PermissionRefused(_("Seule la coordination ouvre un groupe de travail."))
    slug = unique_slug(model=WorkingGroup, text=title, reserved=GROUP_RESERVED_SLUGS)
    group = WorkingGroup(title=title, slug=slug, **fields)
    group.full_clean()
    group.save()
    _audit_group(actor, group, "created")
    return group


def _audit_group(actor: User | None, group: WorkingGroup, change: str, **data) -> None:
    # The group is the target: a membership's or document's name may be a person's.
    audit_log_record(
        actor=actor,
        action=MembersAuditAction.GROUP_CHANGED,
        target=group,
        data={"change": change, **data},
    )


def _ensure_writable(group: WorkingGroup) -> None:
    """Archived groups are kept for their history: nothing is added or changed any more."""
    if group.archived_at:
        raise DomainError(_("Ce groupe est archivé : il n'est plus modifiable."))


def _group_facilitators(group: WorkingGroup):
    """The active people who facilitate `group`: they decide on requests to join."""
    return Person.objects.filter(
        memberships__group=group,
        memberships__status=GroupMembershipStatus.MEMBER,
        memberships__is_facilitator=True,
        status=PersonStatus.ACTIVE,
    ).select_related("user")


@transaction.atomic
def group_join(*, group: WorkingGroup, person: Person) -> GroupMembership:
    """Join an open group at once; for a closed one, ask its facilitators (by e-mail)."""
    _ensure_writable(group)
    status = GroupMembershipStatus.MEMBER if group.is_open else GroupMembershipStatus.REQUESTED
    membership, created = GroupMembership.objects.get_or_create(
        group=group, person=person, defaults={"status": status}
    )
    already_asked = not created and membership.status == GroupMembershipStatus.REQUESTED
    if not created:
        if membership.status == GroupMembershipStatus.MEMBER:
            raise DomainError(_("Vous êtes déjà membre de ce groupe."))
        membership.status = status
        membership.save(update_fields=["status", "updated_at"])
    if status == GroupMembershipStatus.REQUESTED and not already_asked:
        for facilitator in _group_facilitators(group):
            _notify(
                user=facilitator.user,
                name="member_group_requested",
                context={"group": group, "person": person},
            )
    _audit_group(person.user, group, "joined", status=membership.status)
    return membership


def _set_membership_status(
    membership: GroupMembership, status: str, *, actor: User, change: str
) -> GroupMembership:
    membership.status = status
    membership.save(update_fields=["status", "updated_at"])
    _audit_group(actor, membership.group, change, membership=membership.pk)
    return membership


def _decide_membership(membership: GroupMembership, actor: User) -> None:
    """Refuse a decision the actor may not take, or on a request already decided (the
    row is re-read under a lock: two facilitators clicking at once decide once)."""
    _ensure_writable(membership.group)
    if not can_decide_group_requests(actor, membership.group):
        raise PermissionRefused(
            _("Seuls les animateur·rices du groupe et la coordination répondent aux demandes.")
        )
    locked = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if locked.status != GroupMembershipStatus.REQUESTED:
        raise DomainError(_("Cette demande a déjà été traitée."))


@transaction.atomic
def group_membership_accept(*, membership: GroupMembership, actor: User) -> GroupMembership:
    """A facilitator or the coordinator accepts a request to join a closed group."""
    _decide_membership(membership, actor)
    _notify(
        user=membership.person.user,
        name="member_group_accepted",
        context={"group": membership.group},
    )
    return _set_membership_status(
        membership, GroupMembershipStatus.MEMBER, actor=actor, change="accepted"
    )


@transaction.atomic
def group_membership_refuse(*, membership: GroupMembership, actor: User) -> GroupMembership:
    """A facilitator or the coordinator declines a request to join."""
    _decide_membership(membership, actor)
    return _set_membership_status(
        membership, GroupMembershipStatus.REFUSED, actor=actor, change="refused"
    )


@transaction.atomic
def group_leave(*, membership: GroupMembership) -> GroupMembership:
    """A member leaves a group (or withdraws their request)."""
    membership.is_facilitator = False
    membership.save(update_fields=["is_facilitator"])
    return _set_membership_status(
        membership, GroupMembershipStatus.LEFT, actor=membership.person.user, change="left"
    )


@transaction.atomic
def group_member_add(
    *, group: WorkingGroup, actor: User, person: Person, is_facilitator: bool = False
) -> GroupMembership:
    """The coordinator adds someone to a group, open or closed."""
    _ensure_writable(group)
    if not can_manage_groups(actor, group):
        raise PermissionRefused(_("Seule la coordination ajoute des membres."))
    membership, _created = GroupMembership.objects.update_or_create(
        group=group,
        person=person,
        defaults={"status": GroupMembershipStatus.MEMBER, "is_facilitator": is_facilitator},
    )
    _audit_group(actor, group, "member_added", membership=membership.pk)
    return membership


@transaction.atomic
def group_document_add(
    *, group: WorkingGroup, actor: User, title: str, file=None, url: str = ""
) -> GroupDocument:
    """Share a file (validated: size, type, content) or a link with a group."""
    _ensure_writable(group)
    if not can_contribute_to_group(actor, group):
        raise PermissionRefused(
            _("Seuls les membres du groupe et la coordination y ajoutent des documents.")
        )
    document = GroupDocument(group=group, added_by=person_of(actor), title=title, url=url)
    if file:
        document.file = file
    document.full_clean()
    document.save()
    _audit_group(actor, group, "document_added", document=document.pk)
    return document


@transaction.atomic
def action_save(
    *, action: Action | None = None, group: WorkingGroup, actor: User, fields: dict
) -> Action:
    """Create or update an action of a group."""
    _ensure_writable(group)
    if not can_contribute_to_group(actor, group):
        raise PermissionRefused(
            _("Seuls les membres du groupe et la coordination y ajoutent des actions.")
        )
    change = "action_updated" if action else "action_added"
    action = action or Action(group=group)
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    _audit_group(actor, group, change, action=action.pk)
    return action


# --- Needs -----------------------------------------------------------------------------


@transaction.atomic
def need_create(*, actor: User, fields: dict, age_groups) -> Need:
    """A member expresses a need (the coordination without a profile records one heard
    elsewhere: it has no author)."""
    need = Need(author=person_of(actor), **fields)
    need.full_clean()
    need.save()
    need.age_groups.set(age_groups)
    audit_log_record(actor=actor, action=MembersAuditAction.NEED_CREATED, target=need)
    return need


@transaction.atomic
def need_support(*, need: Need, person: Person) -> NeedSupport:
    """ "Moi aussi": a member shares a need (once)."""
    if need.status not in (NeedStatus.OPEN, NeedStatus.IN_PROGRESS):
        raise DomainError(_("Ce besoin est clos : il ne peut plus recevoir de « moi aussi »."))
    if need.author_id == person.pk:
        raise DomainError(_("Vous avez exprimé ce besoin : il compte déjà pour vous."))
    support, _created = NeedSupport.objects.get_or_create(need=need, person=person)
    return support


@transaction.atomic
def need_unsupport(*, need: Need, person: Person) -> None:
    """Withdraw one's "moi aussi"."""
    NeedSupport.objects.filter(need=need, person=person).delete()


@transaction.atomic
def need_triage(*, need: Need, actor: User, tags, group: WorkingGroup | None) -> Need:
    """The coordinator tags a need and links it to a working group (which takes it on)."""
    if not can_manage_needs(actor, need):
        raise PermissionRefused(_("Seule la coordination traite les besoins."))
    need.tags.set(tags)
    need.group = group
    need.save(update_fields=["group", "updated_at"])
    if group and need.status == NeedStatus.OPEN:
        workflow_apply(
            transitions=NEED_TRANSITIONS,
            obj=need,
            name="prendre-en-charge",
            actor=actor,
            audit_action=MembersAuditAction.NEED_TRIAGED,
            data={"group": group.pk},
        )
    else:
        audit_log_record(
            actor=actor,
            action=MembersAuditAction.NEED_TRIAGED,
            target=need,
            data={"group": group.pk if group else None},
        )
    return need


@transaction.atomic
def need_merge(*, need: Need, into: Need, actor: User) -> Need:
    """Merge a duplicate into another need; its supporters (and author) follow."""
    if need.pk == into.pk or into.status not in (NeedStatus.OPEN, NeedStatus.IN_PROGRESS):
        raise DomainError(_("Choisissez un autre besoin, encore ouvert, pour la fusion."))
    workflow_apply(
        transitions=NEED_TRANSITIONS,
        obj=need,
        name="fusionner",
        actor=actor,
        audit_action=MembersAuditAction.NEED_MERGED,
        extra={"merged_into": into},
        data={"into": into.pk},
    )
    supporters = set(need.supports.values_list("person_id", flat=True))
    if need.author_id:
        supporters.add(need.author_id)
    supporters.discard(into.author_id)
    existing = set(into.supports.values_list("person_id", flat=True))
    NeedSupport.objects.bulk_create(
        [NeedSupport(need=into, person_id=pk) for pk in supporters - existing]
    )
    return need


@transaction.atomic
def need_close(*, need: Need, actor: User, answer: str) -> Need:
    """The coordinator closes a need with an answer, sent to its author and supporters."""
    if not answer.strip():
        raise DomainError(
            _("Rédigez la réponse apportée : elle est envoyée aux personnes concernées.")
        )
    workflow_apply(
        transitions=NEED_TRANSITIONS,
        obj=need,
        name="clore",
        actor=actor,
        audit_action=MembersAuditAction.NEED_CLOSED,
        extra={"answer": answer.strip(), "closed_at": timezone.now()},
    )
    people = Person.objects.filter(need_supports__need=need).select_related("user")
    recipients = {p.user for p in people}
    if need.author_id:
        recipients.add(need.author.user)
    for user in recipients:
        _notify(user=user, name="member_need_closed", context={"need": need})
    return need


# --- Bulk import ----------------------------------------------------------------------


@transaction.atomic
def network_import(*, actor: User, kind: str, rows: list[dict]):
    """Import organisations or people from a spreadsheet's rows, as the dry run showed.

    The rows are planned again here (what exists may have changed since the preview):
    new ones are created active, matched ones updated where a cell differs, refused
    ones left out. New people get an account without a password and an e-mail to choose
    one (through the outbox, once per person); nobody is ever given a password. One
    audit entry tells what was done. Returns the plan that was applied.
    """
    from .imports import NEW, ORGANIZATIONS, UPDATED, plan_import

    if not can_import_network(actor):
        raise PermissionRefused(_("Seule la coordination importe des structures et des personnes."))
    plan = plan_import(kind=kind, rows=rows)
    create, update = (
        (_import_organization, _update_organization)
        if kind == ORGANIZATIONS
        else (_import_person, _update_person)
    )
    for row in plan.rows:
        if row.action == NEW:
            create(row, actor)
        elif row.action == UPDATED:
            update(row, actor)
    data = {"kind": kind, **plan.counts}
    audit_log_record(actor=actor, action=MembersAuditAction.NETWORK_IMPORTED, data=data)
    return plan


def _import_organization(row, actor: User) -> Organization:
    values = row.values
    organization = Organization(
        **values,
        slug=unique_slug(
            model=Organization, text=values["name"], reserved=ORGANIZATION_RESERVED_SLUGS
        ),
        status=OrganizationStatus.ACTIVE,
        created_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    organization.save()
    return organization


def _update_organization(row, actor: User) -> None:
    from .imports import ORGANIZATION_FIELDS

    organization = Organization.objects.select_for_update().get(pk=row.existing.pk)
    changed = [name for name in ORGANIZATION_FIELDS if row.values[name]]
    for name in changed:
        setattr(organization, name, row.values[name])
    organization.save(update_fields=[*changed, "updated_at"])


def _import_person(row, actor: User) -> Person:
    values = row.values
    user = User.objects.create_user(
        email=values["email"],
        password=None,  # unusable: they choose theirs from the invitation
        first_name=values["first_name"],
        last_name=values["last_name"],
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    person = Person.objects.create(
        user=user,
        status=PersonStatus.ACTIVE,
        phone=values["phone"],
        job_title=values["job_title"],
        decided_by=actor,
        decided_at=timezone.now(),
    )
    _affiliate(person, values)
    _invite(person)
    return person


def _update_person(row, actor: User) -> None:
    from .imports import PERSON_FIELDS

    person = Person.objects.select_for_update().get(pk=row.existing.pk)
    changed = [name for name in PERSON_FIELDS if row.values[name]]
    for name in changed:
        setattr(person, name, row.values[name])
    person.save(update_fields=[*changed, "updated_at"])
    _affiliate(person, row.values)


def _affiliate(person: Person, values: dict) -> None:
    affiliation, _created = Affiliation.objects.get_or_create(
        person=person, organization=values["organization"]
    )
    affiliation.status = AffiliationStatus.ACTIVE
    affiliation.is_referent = affiliation.is_referent or values["is_referent"]
    affiliation.save()


def _invite(person: Person) -> None:
    """The e-mail that lets an imported person choose a password and sign in."""
    user = person.user
    key = {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}
    outbox_enqueue(
        template="member_import_invitation",
        recipient=user,
        context={"activate_path": reverse("account_reset_password_from_key", kwargs=key)},
        target=person,
        kind="member_import_invitation",
    )
