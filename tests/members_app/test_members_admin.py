"""The admin of the network: every model registered, searchable, and a constant query count."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from member_factories import (
    ActionFactory,
    GroupMembershipFactory,
    NeedFactory,
    WorkingGroupFactory,
    bulk_organizations,
    bulk_people,
    commune,
)

from consortium.core.models import AuditLogEntry
from members.enums import GroupMembershipStatus, MembersAuditAction, OrganizationStatus
from members.models import (
    Action,
    Affiliation,
    GroupDocument,
    GroupMembership,
    Need,
    NeedSupport,
    Organization,
    Person,
    Theme,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db

MEMBERS_MODELS = list(apps.get_app_config("members").get_models())


def changelist(model) -> str:
    return reverse(f"admin:members_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:members_{obj._meta.model_name}_change", args=[obj.pk])


def count_queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


# --- Registration ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", MEMBERS_MODELS, ids=lambda m: m.__name__)
def test_every_model_is_registered_searchable_with_its_relations_selected(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model.__name__} is not in the admin"
    assert model_admin.search_fields
    foreign_keys = [
        name
        for name in model_admin.list_display
        if isinstance(
            getattr(model, name, None), models.fields.related_descriptors.ForwardManyToOneDescriptor
        )
    ]
    if foreign_keys:
        assert model_admin.list_select_related


@pytest.mark.parametrize("model", MEMBERS_MODELS, ids=lambda m: m.__name__)
def test_every_changelist_opens_for_the_coordination(
    coordinator_client, model, organization, member
):
    WorkingGroupFactory()
    NeedFactory()
    response = coordinator_client.get(changelist(model), {"q": "a"})
    assert response.status_code == 200


def test_partners_and_observers_do_not_reach_the_admin(client, member, observer):
    for user in (member.user, observer):
        client.force_login(user)
        response = client.get(changelist(Organization))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_statuses_and_audit_fields_are_read_only(coordinator_client, organization, referent):
    html = coordinator_client.get(change(organization)).content.decode()
    assert 'name="status"' not in html
    assert 'name="decided_by"' not in html
    assert 'name="name"' in html
    person_html = coordinator_client.get(change(referent)).content.decode()
    assert 'name="status"' not in person_html
    assert 'name="job_title"' in person_html


def test_reference_data_cannot_be_added(coordinator_client):
    assert coordinator_client.get(reverse("admin:members_commune_add")).status_code == 403
    assert coordinator_client.get(reverse("admin:members_consentrecord_add")).status_code == 403


def test_archive_action_goes_through_the_service(coordinator_client, coordinator, organization):
    response = coordinator_client.post(
        changelist(Organization),
        {"action": "archive", admin.helpers.ACTION_CHECKBOX_NAME: [organization.pk]},
        follow=True,
    )
    assert "1 structure archivée." in response.content.decode()
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ARCHIVED
    assert organization.archived_at is not None
    entry = AuditLogEntry.objects.get(action=MembersAuditAction.ORGANIZATION_ARCHIVED)
    assert entry.actor == coordinator


# --- Query counts: 10 rows vs 200 rows ------------------------------------------------------


def fill_people(count, prefix):
    people = bulk_people(count, prefix=prefix)
    organization = bulk_organizations(1, prefix=f"{prefix}-structure")[0]
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organization=organization) for p in people
    )
    return people


def fill_needs(count, prefix):
    people = bulk_people(count, prefix=prefix)
    theme, place = Theme.objects.get(slug="lecture"), commune()
    group = WorkingGroupFactory()
    needs = Need.objects.bulk_create(
        Need(
            title=f"Besoin {prefix} {i}",
            description="…",
            theme=theme,
            sector="culture",
            commune=place,
            author=person,
            group=group,
        )
        for i, person in enumerate(people)
    )
    NeedSupport.objects.bulk_create(
        NeedSupport(need=need, person=person)
        for need, person in zip(needs, people[::-1], strict=True)
    )


def fill_groups(count, prefix):
    groups = WorkingGroup.objects.bulk_create(
        WorkingGroup(
            title=f"Groupe {prefix} {i}",
            slug=f"groupe-{prefix}-{i}",
            theme=Theme.objects.get(slug="lecture"),
        )
        for i in range(count)
    )
    people = bulk_people(count, prefix=prefix)
    GroupMembership.objects.bulk_create(
        GroupMembership(group=g, person=p, status=GroupMembershipStatus.MEMBER)
        for g, p in zip(groups, people, strict=True)
    )
    Action.objects.bulk_create(Action(group=g, title="Action") for g in groups)


@pytest.mark.parametrize(
    ("model", "fill"),
    [
        (Organization, lambda count, prefix: bulk_organizations(count, prefix=prefix)),
        (Affiliation, fill_people),
        (Need, fill_needs),
        (NeedSupport, fill_needs),
        (WorkingGroup, fill_groups),
        (GroupMembership, fill_groups),
        (Action, fill_groups),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_changelist_query_count_does_not_grow(coordinator_client, model, fill):
    fill(10, "premier")
    few = count_queries(coordinator_client, changelist(model))
    fill(190, "second")
    assert count_queries(coordinator_client, changelist(model)) == few


def test_person_changelist_query_count_does_not_grow(coordinator_client):
    fill_people(10, "premier")
    few = count_queries(coordinator_client, changelist(Person))
    fill_people(190, "second")
    assert count_queries(coordinator_client, changelist(Person)) == few


def test_organization_change_page_query_count_does_not_grow(coordinator_client):
    organization = bulk_organizations(1, prefix="cible")[0]

    def add(count, prefix):
        Affiliation.objects.bulk_create(
            Affiliation(person=p, organization=organization)
            for p in bulk_people(count, prefix=prefix)
        )

    add(10, "premier")
    few = count_queries(coordinator_client, change(organization))
    add(190, "second")
    assert count_queries(coordinator_client, change(organization)) == few


def test_group_change_page_query_count_does_not_grow(coordinator_client):
    group = WorkingGroupFactory()

    def add(count, prefix):
        people = bulk_people(count, prefix=prefix)
        GroupMembership.objects.bulk_create(GroupMembership(group=group, person=p) for p in people)
        Action.objects.bulk_create(Action(group=group, title="A", owner=p) for p in people)
        GroupDocument.objects.bulk_create(
            GroupDocument(group=group, title="D", url="https://exemple.fr/", added_by=p)
            for p in people
        )

    add(10, "premier")
    few = count_queries(coordinator_client, change(group))
    add(190, "second")
    assert count_queries(coordinator_client, change(group)) == few


def test_person_and_need_change_pages_open(coordinator_client, referent):
    need = NeedFactory(author=referent)
    GroupMembershipFactory(person=referent)
    ActionFactory(owner=referent)
    assert coordinator_client.get(change(referent)).status_code == 200
    assert coordinator_client.get(change(need)).status_code == 200
