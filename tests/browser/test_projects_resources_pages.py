"""The resources pages in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px, for the
public and the coordinator, and the coordination's form with its errors shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import CoordinatorFactory
from project_factories import ResourceFactory
from test_accessibility import check_page
from transactional import restore_reference_data

from members.models import AgeGroup, Discipline, Theme
from projects.enums import PublicationStatus, ResourceKind

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def shelf(transactional_db):
    """Vocabularies (a live_server test flushes the migrations' rows) and resources."""
    restore_reference_data()
    guide = ResourceFactory(
        title="Accueillir un artiste à la crèche",
        kind=ResourceKind.GUIDE,
        url="",
        file=SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide"),
        is_public=True,
    )
    guide.themes.set(Theme.objects.filter(slug__in=["artistes-en-creche", "formation"]))
    guide.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
    guide.disciplines.set(Discipline.objects.filter(slug="musique"))
    link = ResourceFactory(title="Comptines du monde en vidéo", kind=ResourceKind.VIDEO)
    ResourceFactory(title="Modèle de convention", status=PublicationStatus.DRAFT, published_at=None)
    for i in range(25):
        ResourceFactory(title=f"Bibliographie {i}", is_public=True)
    return {"guide": guide, "link": link, "coordinator": CoordinatorFactory()}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_resources_list(new_page, session_of, screenshots, shelf, who, width):
    session = session_of(shelf["coordinator"]) if who == "coordinator" else None
    page = new_page(width, session)
    assert page.goto("/ressources/").status == 200
    check_page(page, f"ressources-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_resource_detail(new_page, session_of, screenshots, shelf, who, width):
    session = session_of(shelf["coordinator"]) if who == "coordinator" else None
    page = new_page(width, session)
    assert page.goto(f"/ressources/{shelf['guide'].slug}/").status == 200
    check_page(page, f"ressource-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_resource_form_with_errors(new_page, session_of, screenshots, shelf, width):
    page = new_page(width, session_of(shelf["coordinator"]))
    assert page.goto("/ressources/nouvelle/").status == 200
    check_page(page, "ressource-nouvelle", width, screenshots)
    page.locator("#id_title").fill("Sans fichier ni lien")
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    assert page.locator("[role=alert]").is_visible()
    check_page(page, "ressource-nouvelle-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_resource_edit_with_a_file(new_page, session_of, screenshots, shelf, width):
    page = new_page(width, session_of(shelf["coordinator"]))
    assert page.goto(f"/ressources/{shelf['guide'].slug}/modifier/").status == 200
    check_page(page, "ressource-modifier", width, screenshots)
