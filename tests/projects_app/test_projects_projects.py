"""Projects and experiments: the network's list and pages, creation, editing by partners
only, the partner organisations (never without a lead), and the experiment's hypothesis."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import ObserverFactory
from member_factories import OrganizationFactory, WorkingGroupFactory, commune, member_of
from project_factories import PracticeFactory, ProjectFactory, ProjectPartnerFactory

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry
from members.enums import AffiliationStatus
from members.models import AgeGroup, Discipline, Organization
from projects.enums import (
    PartnerRole,
    PracticeStatus,
    ProjectsAuditAction,
    ProjectStatus,
)
from projects.models import Project, ProjectPartner
from projects.services import projects as services

pytestmark = pytest.mark.django_db

PROJECTS = reverse("projects:projects")
CREATE = reverse("projects:project_create")


def url(name, project, **kwargs):
    return reverse(f"projects:{name}", kwargs={"slug": project.slug, **kwargs})


def led_by(organization, **fields) -> Project:
    project = ProjectFactory(**fields)
    ProjectPartnerFactory(project=project, organization=organization, role=PartnerRole.LEAD)
    return project


def form_data(**changes) -> dict:
    data = {
        "title": "Bébés lecteurs à Cergy",
        "summary": "Des lectures partagées entre la crèche et la médiathèque.",
        "description": "",
        "status": ProjectStatus.PLANNED,
        "starts_on": "2027-01-10",
        "ends_on": "2027-06-30",
        "working_group": "",
        "communes": [commune("95127").pk],
        "age_groups": [AgeGroup.objects.get(code="0-1").pk],
        "disciplines": [Discipline.objects.get(slug="livre-lecture").pk],
        "themes": [],
        "budget": "4500",
        "funding_sources": "Département, CAF",
        "hypothesis": "",
        "protocol": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


# --- List ------------------------------------------------------------------------------


def test_list_shows_partners_with_roles_communes_and_dates(client, member, organization):
    project = led_by(organization, title="Éveil musical", starts_on="2027-03-01")
    ProjectPartnerFactory(
        project=project, organization=OrganizationFactory(name="Conservatoire de Pontoise")
    )
    project.communes.set([commune("95127")])
    client.force_login(member.user)
    page = client.get(PROJECTS).content.decode()
    assert "Éveil musical" in page
    assert 'Médiathèque de Cergy <span class="muted">(porteur)</span>' in page
    assert 'Conservatoire de Pontoise <span class="muted">(partenaire)</span>' in page
    assert "Cergy" in page and "1 mars 2027" in page


def test_list_is_for_the_network_only(client, pending_person):
    ProjectFactory(title="Projet secret")
    assert client.get(PROJECTS)["Location"].startswith("/accounts/login/")
    client.force_login(pending_person.user)
    assert client.get(PROJECTS)["Location"] == reverse("members:space")


def test_observer_reads_the_list(client):
    ProjectFactory(title="Vu par la direction")
    client.force_login(ObserverFactory())
    assert "Vu par la direction" in client.get(PROJECTS).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("experiment=oui", {"Expérience"}),
        ("experiment=non", {"Lecture", "Danse"}),
        ("status=termine", {"Danse"}),
        ("q=lecture", {"Lecture"}),
    ],
)
def test_list_filters(client, member, query, expected):
    ProjectFactory(title="Lecture", summary="Des albums.")
    ProjectFactory(title="Danse", summary="Bouger.", status=ProjectStatus.FINISHED)
    ProjectFactory(title="Expérience", summary="Tester.", is_experiment=True, hypothesis="H")
    client.force_login(member.user)
    page = client.get(f"{PROJECTS}?{query}").context["page_obj"]
    assert {project.title for project in page} == expected


def test_list_filters_by_partner_epci_discipline_age_and_group(client, member, organization):
    group = WorkingGroupFactory()
    target = led_by(organization, title="Cible", working_group=group)
    target.communes.set([commune("95127")])  # CA de Cergy-Pontoise
    target.disciplines.set(Discipline.objects.filter(slug__in=["musique", "danse"]))
    target.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
    other = led_by(OrganizationFactory(), title="Autre")
    other.communes.set([commune("95018")])  # Argenteuil
    client.force_login(member.user)
    queries = [
        f"partner={organization.name[:10]}",
        f"epci={commune('95127').epci_id}",
        f"discipline={Discipline.objects.get(slug='musique').pk}",
        f"age={AgeGroup.objects.get(code='1-3').pk}",
        f"group={group.pk}",
    ]
    for query in queries:
        page = client.get(f"{PROJECTS}?{query}").context["page_obj"]
        assert [project.title for project in page] == ["Cible"], query


def test_list_query_count_does_not_grow_with_projects(client, member):
    def fill(count, prefix):
        for i in range(count):
            project = ProjectFactory(title=f"{prefix} {i}", working_group=WorkingGroupFactory())
            ProjectPartnerFactory(project=project, role=PartnerRole.LEAD)
            ProjectPartnerFactory(project=project)
            project.communes.set([commune("95127"), commune("95018")])
            project.disciplines.set(Discipline.objects.all()[:2])
            project.age_groups.set(AgeGroup.objects.all()[:2])

    client.force_login(member.user)
    fill(10, "Peu")
    few = count_queries(client, PROJECTS)
    fill(50, "Beaucoup")
    assert count_queries(client, PROJECTS) == few
    assert count_queries(client, f"{PROJECTS}?page=2") == few


# --- Page ------------------------------------------------------------------------------


def test_experiment_page_shows_hypothesis_protocol_and_published_practices(client, member):
    project = ProjectFactory(
        title="Tout-petits au musée",
        is_experiment=True,
        hypothesis="Une visite par mois apaise les plus petits.",
        protocol="<p>Six visites <strong>filmées</strong>.</p><script>alert(1)</script>",
        working_group=WorkingGroupFactory(title="Musées et tout-petits"),
    )
    PracticeFactory(project=project, title="Visites sensorielles")
    PracticeFactory(project=project, title="Brouillon caché", status=PracticeStatus.DRAFT)
    client.force_login(member.user)
    page = client.get(url("project", project)).content.decode()
    assert "Une visite par mois apaise les plus petits." in page
    assert "Six visites <strong>filmées</strong>." in page
    assert "<script>alert(1)" not in page
    assert "Visites sensorielles" in page and "Brouillon caché" not in page
    assert "Musées et tout-petits" in page


def test_edit_link_only_for_partners(client, member, other_member, organization):
    project = led_by(organization)
    edit = url("project_edit", project)
    client.force_login(member.user)
    assert edit in client.get(url("project", project)).content.decode()
    client.force_login(other_member.user)
    assert edit not in client.get(url("project", project)).content.decode()


def test_unknown_project_is_404(client, member):
    client.force_login(member.user)
    assert client.get(reverse("projects:project", kwargs={"slug": "inconnu"})).status_code == 404


# --- Creation --------------------------------------------------------------------------


def test_member_creates_a_project_led_by_their_organization(client, member, organization):
    client.force_login(member.user)
    response = client.post(CREATE, form_data(organization=organization.pk))
    project = Project.objects.get()
    assert response["Location"] == url("project_partners", project)
    assert project.slug == "bebes-lecteurs-a-cergy"
    assert project.created_by == member.user
    assert list(project.communes.all()) == [commune("95127")]
    partnership = ProjectPartner.objects.get(project=project)
    assert (partnership.organization, partnership.role) == (organization, PartnerRole.LEAD)
    entry = AuditLogEntry.objects.get(action=ProjectsAuditAction.PROJECT_CREATED)
    assert entry.target_id == str(project.pk)
    assert entry.data == {"organization": organization.pk, "is_experiment": False}


def test_member_cannot_name_another_organization_as_lead(client, member):
    client.force_login(member.user)
    stranger = OrganizationFactory()
    response = client.post(CREATE, form_data(organization=stranger.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not Project.objects.exists()


def test_organization_choices_are_the_members_active_ones(client, member, organization):
    left = OrganizationFactory(name="Ancienne structure")
    member.affiliations.create(organization=left, status=AffiliationStatus.LEFT)
    client.force_login(member.user)
    choices = client.get(CREATE).context["form"].fields["organization"].queryset
    assert list(choices) == [organization]


def test_coordinator_may_name_any_active_organization(coordinator_client, organization):
    response = coordinator_client.post(CREATE, form_data(organization=organization.pk))
    assert response.status_code == 302
    assert Project.objects.get().partnerships.get().organization == organization


def test_observer_cannot_create(client):
    client.force_login(ObserverFactory())
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, form_data()).status_code == 404
    assert not Project.objects.exists()


def test_experiment_without_hypothesis_is_refused_in_french(client, member, organization):
    client.force_login(member.user)
    response = client.post(
        CREATE, form_data(organization=organization.pk, is_experiment="on", hypothesis="  ")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hypothesis"] == [
        "Une expérimentation doit énoncer son hypothèse."
    ]
    assert not Project.objects.exists()


def test_experiment_with_hypothesis_is_created(client, member, organization):
    client.force_login(member.user)
    client.post(
        CREATE,
        form_data(
            organization=organization.pk,
            is_experiment="on",
            hypothesis="La lecture quotidienne enrichit le langage.",
            protocol="Deux groupes pendant six mois.",
        ),
    )
    project = Project.objects.get()
    assert project.is_experiment
    assert project.protocol == "<p>Deux groupes pendant six mois.</p>"


def test_database_refuses_an_experiment_without_hypothesis():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(is_experiment=True, hypothesis="")


def test_service_refuses_an_experiment_without_hypothesis(member, organization):
    from django.core.exceptions import ValidationError

    fields = {"title": "Essai", "summary": "Résumé", "is_experiment": True, "hypothesis": ""}
    with pytest.raises(ValidationError) as error:
        services.project_create(actor=member.user, organization=organization, fields=fields)
    assert "hypothesis" in error.value.error_dict
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-12-01"}, "ends_on"),
        ({"title": "Atelier <b>danse</b>"}, "title"),
        ({"budget": "-5"}, "budget"),
    ],
)
def test_bad_input_changes_nothing(client, member, organization, changes, field):
    client.force_login(member.user)
    response = client.post(CREATE, form_data(organization=organization.pk, **changes))
    assert field in response.context["form"].errors
    assert not Project.objects.exists()


def test_reserved_slug_is_never_taken(member, organization):
    fields = {"title": "Nouveau", "summary": "Un projet nommé « Nouveau »."}
    project = services.project_create(actor=member.user, organization=organization, fields=fields)
    assert project.slug == "nouveau-2"


def test_rich_text_is_sanitised_on_save(member, organization):
    fields = {
        "title": "Sûr",
        "summary": "Résumé",
        "description": '<p onclick="x()">Bonjour <a href="javascript:alert(1)">lien</a></p>'
        "<svg onload=alert(1)></svg>",
    }
    project = services.project_create(actor=member.user, organization=organization, fields=fields)
    assert "onclick" not in project.description
    assert "javascript" not in project.description
    assert "svg" not in project.description


# --- Editing ---------------------------------------------------------------------------


def test_partner_edits_the_project(client, member, organization):
    project = led_by(organization, title="Avant")
    client.force_login(member.user)
    assert client.get(url("project_edit", project)).status_code == 200
    response = client.post(url("project_edit", project), form_data(title="Après"))
    assert response["Location"] == url("project", project)
    project.refresh_from_db()
    assert project.title == "Après"
    assert project.slug != "apres"  # the address does not move


def test_member_of_a_simple_partner_edits_too(client, other_member):
    project = ProjectFactory()
    ProjectPartnerFactory(project=project, organization=other_member.organizations.get())
    client.force_login(other_member.user)
    assert client.get(url("project_edit", project)).status_code == 200


def test_non_partner_gets_404_and_changes_nothing(client, other_member, organization):
    project = led_by(organization, title="Intact")
    client.force_login(other_member.user)
    assert client.get(url("project_edit", project)).status_code == 404
    assert client.post(url("project_edit", project), form_data(title="Piraté")).status_code == 404
    project.refresh_from_db()
    assert project.title == "Intact"


def test_member_who_left_the_partner_organization_gets_404(client, organization):
    former = member_of(organization)
    former.affiliations.update(status=AffiliationStatus.LEFT)
    project = led_by(organization)
    client.force_login(former.user)
    assert client.get(url("project_edit", project)).status_code == 404


def test_coordinator_edits_any_project(coordinator_client):
    project = led_by(OrganizationFactory())
    response = coordinator_client.post(url("project_edit", project), form_data(title="Revu"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Revu"


def test_observer_cannot_edit(client, organization):
    project = led_by(organization)
    client.force_login(ObserverFactory())
    assert client.get(url("project_edit", project)).status_code == 404


# --- Partners --------------------------------------------------------------------------


def test_partner_adds_an_organization_with_a_role(client, member, organization):
    project = led_by(organization)
    host = OrganizationFactory(name="Théâtre de Cergy")
    client.force_login(member.user)
    response = client.post(
        url("project_partners", project), {"organization": host.pk, "role": PartnerRole.HOST}
    )
    assert response["Location"] == url("project_partners", project)
    assert project.partnerships.get(organization=host).role == PartnerRole.HOST


def test_adding_an_existing_partner_changes_its_role(member, organization):
    project = led_by(organization)
    host = OrganizationFactory()
    actor = member.user
    services.project_partner_add(
        project=project, actor=actor, organization=host, role=PartnerRole.HOST
    )
    services.project_partner_add(
        project=project, actor=actor, organization=host, role=PartnerRole.FUNDER
    )
    assert project.partnerships.get(organization=host).role == PartnerRole.FUNDER
    assert project.partnerships.count() == 2


def test_last_lead_cannot_be_demoted(member, organization):
    project = led_by(organization)
    with pytest.raises(DomainError, match="au moins une structure porteuse"):
        services.project_partner_add(
            project=project, actor=member.user, organization=organization, role=PartnerRole.PARTNER
        )
    assert project.partnerships.get().role == PartnerRole.LEAD


def test_pending_organization_cannot_be_added(client, member, organization):
    from members.enums import OrganizationStatus

    project = led_by(organization)
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    client.force_login(member.user)
    response = client.post(
        url("project_partners", project), {"organization": pending.pk, "role": "partenaire"}
    )
    assert response.context["form"].errors["organization"]
    assert project.partnerships.count() == 1


def test_partner_removes_a_partner(client, member, organization):
    project = led_by(organization)
    partner = ProjectPartnerFactory(project=project)
    client.force_login(member.user)
    response = client.post(url("project_partner_remove", project, pk=partner.pk))
    assert response["Location"] == url("project_partners", project)
    assert not ProjectPartner.objects.filter(pk=partner.pk).exists()


def test_last_lead_cannot_be_removed(client, member, organization):
    project = led_by(organization)
    lead = project.partnerships.get()
    client.force_login(member.user)
    response = client.post(url("project_partner_remove", project, pk=lead.pk), follow=True)
    assert ProjectPartner.objects.filter(pk=lead.pk).exists()
    assert "La dernière structure porteuse ne peut pas être retirée" in response.content.decode()


def test_a_lead_can_go_when_another_remains(member, organization):
    project = led_by(organization)
    second = ProjectPartnerFactory(project=project, role=PartnerRole.LEAD)
    services.project_partner_remove(partnership=second, actor=member.user)
    assert list(project.partnerships.values_list("organization", flat=True)) == [organization.pk]


def test_non_partner_cannot_remove_nor_add(client, other_member, organization):
    project = led_by(organization)
    lead = project.partnerships.get()
    client.force_login(other_member.user)
    assert client.post(url("project_partner_remove", project, pk=lead.pk)).status_code == 404
    own = other_member.organizations.get()
    response = client.post(
        url("project_partners", project), {"organization": own.pk, "role": "porteur"}
    )
    assert response.status_code == 404
    assert project.partnerships.count() == 1


def test_removing_a_partnership_of_another_project_is_404(client, member, organization):
    project = led_by(organization)
    elsewhere = ProjectPartnerFactory()
    client.force_login(member.user)
    response = client.post(url("project_partner_remove", project, pk=elsewhere.pk))
    assert response.status_code == 404
    assert ProjectPartner.objects.filter(pk=elsewhere.pk).exists()


def test_partner_list_of_organizations_offered_is_active_only(client, member, organization):
    project = led_by(organization)
    client.force_login(member.user)
    choices = client.get(url("project_partners", project)).context["form"].fields["organization"]
    assert set(choices.queryset) == set(Organization.objects.active())


def test_a_simple_partner_cannot_take_the_project_over(client, member, organization):
    """A "partenaire" may not make itself lead, add others, nor remove the lead."""
    theirs = OrganizationFactory()
    project = led_by(theirs)
    mine = ProjectPartnerFactory(project=project, organization=organization)
    client.force_login(member.user)
    grab = {"organization": organization.pk, "role": PartnerRole.LEAD}
    assert client.post(url("project_partners", project), grab).status_code == 404
    lead = project.partnerships.get(organization=theirs)
    remove = reverse("projects:project_partner_remove", args=[project.slug, lead.pk])
    assert client.post(remove).status_code == 404
    assert project.partnerships.get(pk=lead.pk).role == PartnerRole.LEAD
    page = client.get(url("project_partners", project))
    assert page.status_code == 200 and page.context["form"] is None
    # It may leave the project, though.
    leave = reverse("projects:project_partner_remove", args=[project.slug, mine.pk])
    assert client.post(leave).status_code == 302
    assert not project.partnerships.filter(organization=organization).exists()
