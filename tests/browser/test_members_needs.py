"""The needs pages in real Chromium: axe-core (WCAG 2.1 AA) and 360 px, for a member and
for the coordinator (synthesis, export, panel), and the form with its errors shown."""

import pytest
from factories import CoordinatorFactory
from member_factories import (
    NeedFactory,
    NeedSupportFactory,
    NeedTagFactory,
    OrganizationFactory,
    WorkingGroupFactory,
    member_of,
)
from test_accessibility import check_page
from transactional import restore_reference_data

from members.enums import NeedStatus
from members.models import AgeGroup, NeedSupport, Theme

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), needs."""
    restore_reference_data()
    member = member_of(OrganizationFactory(name="Multi-accueil Les Lucioles"))
    author = member_of()
    group = WorkingGroupFactory(title="Lire avec les tout-petits")
    needs = [
        NeedFactory(author=author, title="Former les équipes à la lecture à voix haute"),
        NeedFactory(
            author=author,
            is_anonymous=True,
            title="Transport des groupes vers la médiathèque",
            theme=Theme.objects.get(slug="mobilite"),
            group=group,
            status=NeedStatus.IN_PROGRESS,
        ),
        NeedFactory(
            author=member,
            title="Un spectacle pour les moins de 1 an",
            theme=Theme.objects.get(slug="spectacles"),
            status=NeedStatus.CLOSED,
            answer="Deux compagnies tournent au printemps : voir la liste du groupe.",
        ),
    ]
    for need in needs:
        need.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
        NeedSupportFactory.create_batch(2, need=need)
    needs[0].tags.set(NeedTagFactory.create_batch(2))
    return {"member": member, "coordinator": CoordinatorFactory(), "needs": needs}


def user_of(network, who):
    return network[who].user if who == "member" else network[who]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_needs_list(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(user_of(network, who)))
    assert page.goto("/besoins/").status == 200
    if who == "member":
        page.locator("main details summary").click()  # the synthesis, folded for members
    check_page(page, f"besoins-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_need_create_with_errors(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto("/besoins/nouveau/").status == 200
    check_page(page, "besoin-nouveau", width, screenshots)
    page.locator("#id_title").fill("Atelier <b>musique</b>")
    page.locator("#id_commune").select_option(label="Choisissez une commune")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    check_page(page, "besoin-nouveau-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_need_detail(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(user_of(network, who)))
    need = network["needs"][1]
    assert page.goto(f"/besoins/{need.pk}/").status == 200
    assert (page.locator("text=Espace coordination").count() > 0) == (who == "coordinator")
    check_page(page, f"besoin-{who}", width, screenshots)


def test_moi_aussi_with_the_keyboard_only(new_page, session_of, network):
    member, need = network["member"], network["needs"][0]
    page = new_page(1280, session_of(member.user))
    page.goto("/besoins/")
    button = page.get_by_role("button", name=f"Moi aussi : {need.title}")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert NeedSupport.objects.filter(need=need, person=member).exists()
    assert page.url.endswith(f"/besoins/#besoin-{need.pk}")
    assert page.get_by_role("button", name=f"Retirer mon « moi aussi » : {need.title}").count()
