"""The search page in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px, with
results of every kind for a member, and for the public (no result, then the help)."""

import pytest
from member_factories import OrganizationFactory, member_of
from project_factories import (
    OpportunityFactory,
    PracticeFactory,
    ProjectFactory,
    ResourceFactory,
)
from test_accessibility import check_page
from transactional import restore_reference_data

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Vocabularies (a live_server test flushes the migrations' rows) and one of each kind."""
    restore_reference_data()
    member = member_of(OrganizationFactory(name="Médiathèque de Pontoise"))
    for index in range(12):
        PracticeFactory(
            title=f"Lecture à voix haute en crèche {index}",
            summary="Des lectures d'albums avec les tout-petits et leurs parents, chaque semaine.",
        )
    ResourceFactory(title="Bibliographie : lecture et tout-petits", is_public=True)
    OpportunityFactory(title="Premières pages : appel à projets lecture", is_public=True)
    ProjectFactory(title="Malle de lecture partagée", summary="Une malle qui circule.")
    return {"member": member}


@pytest.mark.parametrize("width", WIDTHS)
def test_results_for_a_member(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto("/recherche/?q=lecture").status == 200
    assert page.locator("h3", has_text="Projets (1)").count() == 1
    assert page.locator("mark").count() > 0
    check_page(page, "recherche-membre", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("query", ["", "?q=xylophone", "?q=a"], ids=["aide", "vide", "court"])
def test_the_public_page(new_page, screenshots, network, query, width):
    page = new_page(width)
    assert page.goto(f"/recherche/{query}").status == 200
    check_page(page, f"recherche-public-{query[3:] or 'aide'}", width, screenshots)


def test_searching_with_the_keyboard(new_page, network):
    page = new_page(1280)
    page.goto("/recherche/")
    page.get_by_label("Rechercher", exact=True).fill("lecture")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=lecture" in page.url
    assert page.locator("h2#resultats").inner_text().startswith("14 résultats")
