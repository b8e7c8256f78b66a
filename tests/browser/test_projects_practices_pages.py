"""The best-practice pages in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px,
for the public, an author and the coordination."""

import pytest
from factories import CoordinatorFactory
from member_factories import OrganizationFactory, member_of
from project_factories import PracticeFactory, png_upload
from test_accessibility import check_page
from transactional import restore_reference_data

from members.models import AgeGroup, Discipline, Epci
from projects.enums import PracticeStatus
from projects.models import PracticeComment, PracticeImage
from projects.services import practices as services

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), sheets."""
    restore_reference_data()
    organization = OrganizationFactory(name="Relais petite enfance de Pontoise")
    member = member_of(organization)
    coordinator = CoordinatorFactory()
    published = PracticeFactory(
        title="Des berceuses du monde au relais",
        lessons="<p>Prévoir un <strong>temps d'échange</strong> avec les familles.</p>",
        partners="Conservatoire de Pontoise, compagnie Les Petites Oreilles",
        contact="rpe@exemple.fr",
        duration="Trois mois",
        organization=organization,
    )
    published.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
    published.disciplines.set(Discipline.objects.filter(slug__in=["chant", "musique"]))
    published.epcis.set(Epci.objects.all()[:1])
    PracticeImage.objects.create(
        practice=published,
        image=png_upload(size=(320, 200)),
        alt_text="Une assistante maternelle chante avec deux bébés",
        caption="Atelier du mardi matin",
    )
    PracticeFactory.create_batch(13)
    draft = PracticeFactory(
        title="Lectures dans les salles d'attente de PMI",
        status=PracticeStatus.DRAFT,
        published_at=None,
        organization=organization,
        proposed_by=member,
    )
    services.practice_transition(practice=draft, name="proposer", actor=member.user)
    PracticeComment.objects.create(practice=draft, author=coordinator, body="Ajoutez une photo.")
    return {
        "member": member,
        "coordinator": coordinator,
        "published": published,
        "draft": draft,
    }


def image_loaded(locator) -> int:
    """The natural width of a loaded image (0 when the browser could not load it)."""
    locator.wait_for()
    return locator.evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_catalogue(new_page, screenshots, network, width):
    page = new_page(width)
    assert page.goto("/bonnes-pratiques/").status == 200
    check_page(page, "bonnes-pratiques", width, screenshots)
    assert page.goto("/bonnes-pratiques/?page=2").status == 200
    check_page(page, "bonnes-pratiques-page-2", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_public_sheet(new_page, screenshots, network, width):
    page = new_page(width)
    assert page.goto(network["published"].get_absolute_url()).status == 200
    image = page.locator("img[alt='Une assistante maternelle chante avec deux bébés']")
    assert image_loaded(image) == 320  # served by the sheet's image view, not /media/
    check_page(page, "bonne-pratique", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_sheet_under_review(new_page, session_of, screenshots, network, who, width):
    user = network["member"].user if who == "member" else network["coordinator"]
    page = new_page(width, session_of(user))
    assert page.goto(network["draft"].get_absolute_url()).status == 200
    assert page.get_by_text("Fiche non publiée").count()
    check_page(page, f"bonne-pratique-relecture-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_create_form_and_its_errors(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto("/bonnes-pratiques/proposer/").status == 200
    check_page(page, "bonne-pratique-proposer", width, screenshots)
    page.locator("#id_title").fill("Atelier <b>chant</b>")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator("[role=alert]").first.is_visible()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    check_page(page, "bonne-pratique-proposer-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_edit_form_with_an_image(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["coordinator"]))
    assert page.goto(f"/bonnes-pratiques/{network['published'].slug}/modifier/").status == 200
    assert image_loaded(page.locator("main form img").first) == 320
    check_page(page, "bonne-pratique-modifier", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_review_queue(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["coordinator"]))
    assert page.goto("/bonnes-pratiques/relecture/").status == 200
    assert page.get_by_role("link", name=network["draft"].title).count()
    check_page(page, "bonnes-pratiques-relecture", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_my_proposals(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["member"].user))
    assert page.goto("/bonnes-pratiques/mes-propositions/").status == 200
    assert page.get_by_role("link", name=network["draft"].title).count()
    check_page(page, "bonnes-pratiques-mes-propositions", width, screenshots)
