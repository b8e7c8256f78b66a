"""One way to change a status: the services apply the declared transitions, under a row
lock, audited, and refuse what the rules refuse whatever the entry point (view, admin)."""

import pytest
from event_factories import EventFactory, RegistrationFactory
from factories import CoordinatorFactory, UserFactory
from member_factories import AffiliationFactory, NeedFactory, OrganizationFactory, member_of

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.workflows import TransitionError
from events import services as events
from events.enums import EventStatus, RegistrationStatus
from members import services as members
from members.enums import AffiliationStatus, NeedStatus, OrganizationStatus, PersonStatus

pytestmark = pytest.mark.django_db


# --- Events ------------------------------------------------------------------------------


def test_a_cancelled_event_cannot_be_published_again():
    coordinator = CoordinatorFactory()
    event = EventFactory(status=EventStatus.CANCELLED)
    with pytest.raises(TransitionError):
        events.event_publish(event=event, actor=coordinator)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


def test_publishing_is_audited():
    coordinator = CoordinatorFactory()
    event = EventFactory(status=EventStatus.DRAFT)
    events.event_publish(event=event, actor=coordinator)
    entry = AuditLogEntry.objects.get(action="events.event_published")
    assert (entry.actor, entry.data) == (coordinator, {"from": "draft", "to": "published"})


def test_a_second_cancel_is_refused_and_emails_nobody_again():
    coordinator = CoordinatorFactory()
    event = EventFactory()
    RegistrationFactory.create_batch(2, event=event)
    events.event_cancel(event=event, actor=coordinator, message="La salle est fermée.")
    sent = OutboxMessage.objects.filter(template="participant_event_cancelled").count()
    assert sent == 2
    stale = EventFactory._meta.model.objects.get(pk=event.pk)
    stale.status = EventStatus.PUBLISHED  # a second tab, read before the first cancel
    with pytest.raises(TransitionError, match="déjà annulée"):
        events.event_cancel(event=stale, actor=coordinator, message="Encore.")
    assert OutboxMessage.objects.filter(template="participant_event_cancelled").count() == 2
    assert AuditLogEntry.objects.filter(action="events.event_cancelled").count() == 1


def test_only_the_coordination_cancels_an_event_even_outside_the_views():
    event = EventFactory()
    with pytest.raises(DomainError):
        events.event_cancel(event=event, actor=member_of().user, message="Non.")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_moving_the_registration_of_a_deleted_account_is_refused_by_the_service():
    coordinator = CoordinatorFactory()
    registration = RegistrationFactory(person=None)
    with pytest.raises(DomainError, match="supprimé"):
        events.registration_move(
            registration=registration, to_event=EventFactory(), actor=coordinator
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_member_cannot_cancel_someone_elses_registration():
    registration = RegistrationFactory()
    with pytest.raises(DomainError):
        events.registration_cancel(registration=registration, actor=member_of().user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_registering_and_cancelling_are_audited_without_naming_the_person():
    event = EventFactory()
    person = member_of()
    registration = events.registration_create(event=event, person=person, actor=person.user)
    events.registration_cancel(registration=registration, actor=person.user)
    entries = AuditLogEntry.objects.filter(action__startswith="events.registration_")
    assert sorted(entries.values_list("action", flat=True)) == [
        "events.registration_cancelled",
        "events.registration_created",
    ]
    assert {entry.target_repr for entry in entries} == {str(event)}


# --- Members -------------------------------------------------------------------------------


def test_validating_a_person_twice_is_refused(pending_person):
    coordinator = CoordinatorFactory()
    members.person_validate(person=pending_person, actor=coordinator)
    stale = type(pending_person).objects.get(pk=pending_person.pk)
    stale.status = PersonStatus.PENDING
    with pytest.raises(TransitionError, match="déjà été traitée"):
        members.person_refuse(person=stale, actor=coordinator, message="Non.")
    pending_person.refresh_from_db()
    assert pending_person.status == PersonStatus.ACTIVE


def test_only_the_coordination_validates_a_person(pending_person, referent):
    with pytest.raises(TransitionError):
        members.person_validate(person=pending_person, actor=referent.user)
    pending_person.refresh_from_db()
    assert pending_person.status == PersonStatus.PENDING


def test_the_referent_of_another_organisation_cannot_accept_a_newcomer(organization):
    other_referent = member_of(OrganizationFactory(), referent=True)
    affiliation = AffiliationFactory(
        organization=organization, person=member_of(), status=AffiliationStatus.PENDING
    )
    with pytest.raises(TransitionError):
        members.affiliation_accept(affiliation=affiliation, actor=other_referent.user)
    affiliation.refresh_from_db()
    assert affiliation.status == AffiliationStatus.PENDING


def test_archiving_twice_is_refused_and_archiving_is_audited(organization):
    coordinator = CoordinatorFactory()
    members.organization_archive(organization=organization, actor=coordinator)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ARCHIVED
    with pytest.raises(TransitionError, match="déjà archivée"):
        members.organization_archive(organization=organization, actor=coordinator)
    assert AuditLogEntry.objects.filter(action="members.organization_archived").count() == 1


def test_only_the_coordination_closes_a_need():
    need = NeedFactory()
    with pytest.raises(DomainError):
        members.need_close(need=need, actor=UserFactory(), answer="Réponse.")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


# --- Projects ------------------------------------------------------------------------------


def _led_by(organization):
    from project_factories import ProjectFactory, ProjectPartnerFactory

    from projects.enums import PartnerRole

    project = ProjectFactory()
    ProjectPartnerFactory(project=project, organization=organization, role=PartnerRole.LEAD)
    return project


def test_a_partner_that_does_not_lead_cannot_add_partners_even_outside_the_views(organization):
    from project_factories import ProjectPartnerFactory

    from projects.enums import PartnerRole
    from projects.services import projects

    project = _led_by(OrganizationFactory())
    ProjectPartnerFactory(project=project, organization=organization, role=PartnerRole.PARTNER)
    member = member_of(organization)
    with pytest.raises(DomainError):
        projects.project_partner_add(
            project=project,
            actor=member.user,
            organization=OrganizationFactory(),
            role=PartnerRole.PARTNER,
        )
    assert project.partnerships.count() == 2


def test_partner_changes_are_audited(organization):
    from project_factories import ProjectPartnerFactory

    from projects.enums import PartnerRole
    from projects.services import projects

    project = _led_by(organization)
    lead = member_of(organization).user
    host = OrganizationFactory()
    projects.project_partner_add(
        project=project, actor=lead, organization=host, role=PartnerRole.HOST
    )
    other = ProjectPartnerFactory(project=project)
    # A partner's own member takes their organisation out; the lead removes any.
    leaving = member_of(other.organization).user
    projects.project_partner_remove(partnership=other, actor=leaving)
    entries = AuditLogEntry.objects.filter(target_id=str(project.pk), action__contains="partner")
    assert sorted(entries.values_list("action", "actor")) == [
        ("projects.partner_removed", leaving.pk),
        ("projects.partner_set", lead.pk),
    ]
    assert not project.partnerships.filter(pk=other.pk).exists()


# --- Working groups ------------------------------------------------------------------------


def _request_to_join():
    from member_factories import GroupMembershipFactory, WorkingGroupFactory

    from members.enums import GroupMembershipStatus

    group = WorkingGroupFactory(is_open=False)
    return GroupMembershipFactory(
        group=group, person=member_of(), status=GroupMembershipStatus.REQUESTED
    )


def test_a_member_who_does_not_facilitate_cannot_accept_a_request():
    from member_factories import GroupMembershipFactory

    from members.enums import GroupMembershipStatus

    request = _request_to_join()
    plain = GroupMembershipFactory(group=request.group, person=member_of())
    with pytest.raises(DomainError):
        members.group_membership_accept(membership=request, actor=plain.person.user)
    request.refresh_from_db()
    assert request.status == GroupMembershipStatus.REQUESTED


def test_a_request_is_decided_once_and_audited():
    coordinator = CoordinatorFactory()
    request = _request_to_join()
    members.group_membership_accept(membership=request, actor=coordinator)
    with pytest.raises(DomainError, match="déjà été traitée"):
        members.group_membership_refuse(membership=request, actor=coordinator)
    entry = AuditLogEntry.objects.get(action="members.group_changed")
    assert (entry.actor, entry.data["change"]) == (coordinator, "accepted")
    assert OutboxMessage.objects.filter(template="member_group_accepted").count() == 1
