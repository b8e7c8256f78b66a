"""The projects pages in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px, for a
partner and the coordinator, the form with its errors shown, and the partners page."""

import pytest
from factories import CoordinatorFactory
from member_factories import OrganizationFactory, WorkingGroupFactory, commune, member_of
from project_factories import PracticeFactory, ProjectFactory, ProjectPartnerFactory
from test_accessibility import check_page
from transactional import restore_reference_data

from members.models import AgeGroup, Discipline
from projects.enums import PartnerRole

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), projects."""
    restore_reference_data()
    organization = OrganizationFactory(name="Médiathèque de l'Hautil")
    member = member_of(organization)
    experiment = ProjectFactory(
        title="Bébés au musée : une visite par mois",
        is_experiment=True,
        hypothesis="Une visite mensuelle familiarise les tout-petits avec le musée.",
        protocol="<p>Six visites, <strong>deux groupes</strong>, un carnet d'observation.</p>",
        description="<p>Avec le musée départemental et deux crèches.</p>",
        starts_on="2027-01-15",
        ends_on="2027-06-30",
        budget=6000,
        funding_sources="Département, DRAC",
        working_group=WorkingGroupFactory(title="Musées et tout-petits"),
    )
    ProjectPartnerFactory(project=experiment, organization=organization, role=PartnerRole.LEAD)
    ProjectPartnerFactory(
        project=experiment, organization=OrganizationFactory(name="Crèche Les Lucioles")
    )
    experiment.communes.set([commune("95127"), commune("95018")])
    experiment.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
    experiment.disciplines.set(
        Discipline.objects.filter(slug__in=["patrimoine", "arts-plastiques"])
    )
    PracticeFactory(project=experiment, title="Visites sensorielles au musée")
    for i in range(25):
        ProjectFactory(title=f"Lectures partagées {i}")
    return {"member": member, "coordinator": CoordinatorFactory(), "experiment": experiment}


def user_of(network, who):
    return network[who].user if who == "member" else network[who]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_projects_list(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(user_of(network, who)))
    assert page.goto("/projets/").status == 200
    check_page(page, f"projets-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_project_detail(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto(f"/projets/{network['experiment'].slug}/").status == 200
    assert page.get_by_role("heading", name="L'expérimentation").is_visible()
    check_page(page, "projet", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_project_create_with_errors(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto("/projets/nouveau/").status == 200
    check_page(page, "projet-nouveau", width, screenshots)
    page.locator("#id_title").fill("Éveil <b>sonore</b>")
    page.locator("#id_is_experiment").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_hypothesis").get_attribute("aria-invalid") == "true"
    check_page(page, "projet-nouveau-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_project_edit_and_partners(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(user_of(network, who)))
    slug = network["experiment"].slug
    assert page.goto(f"/projets/{slug}/modifier/").status == 200
    check_page(page, f"projet-modifier-{who}", width, screenshots)
    assert page.goto(f"/projets/{slug}/partenaires/").status == 200
    check_page(page, f"projet-partenaires-{who}", width, screenshots)
