"""The funding-watch pages in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px,
and XSS payloads in every text field of a public opportunity neutralised on its page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import CoordinatorFactory
from member_factories import member_of
from project_factories import OpportunityFactory, today_plus
from projects_app.opportunities_helpers import organization_with, restricted_opportunity
from test_accessibility import check_page
from transactional import restore_reference_data

from projects.models import Opportunity, OpportunityAttachment, OpportunityFollow
from projects.services.digest import unsubscribe_token

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)

XSS = [
    "<script>window.__xss = 'script'</script>",
    '<img src="x" onerror="window.__xss = \'img\'">',
    '<svg onload="window.__xss = \'svg\'"><circle r="1"></circle></svg>',
    "<a href=\"javascript:window.__xss='href'\">lien piégé</a>",
    '"><body onload="window.__xss=\'attr\'">',
    "<iframe src=\"javascript:parent.__xss='iframe'\"></iframe>",
]


@pytest.fixture
def watch(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), a
    member of a theatre, opportunities with attachments, one followed."""
    restore_reference_data()
    organization = organization_with(
        sector="culture", type_slug="theatre", disciplines=["theatre"], ages=["1-3"]
    )
    member = member_of(organization, wants_digest=True)
    followed = restricted_opportunity(
        title="Résidences d'artistes en crèche",
        funder="Département du Val-d'Oise",
        sectors=["culture"],
        disciplines=["theatre", "musique"],
        amount_min=3000,
        amount_max=12000,
        deadline=today_plus(5),
        is_public=True,
        description="<p>Pour des <strong>résidences</strong> de création.</p><ul><li>Un</li></ul>",
        link="https://www.exemple.fr/residences",
    )
    OpportunityFollow.objects.create(opportunity=followed, person=member)
    OpportunityAttachment.objects.create(
        opportunity=followed,
        title="Règlement de l'appel",
        file=SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 reglement"),
    )
    OpportunityFactory(title="Prix de l'éveil culturel", kind="prix", is_public=True)
    OpportunityFactory(title="Mécénat d'une fondation", kind="mecenat", deadline=None)
    return {"member": member, "followed": followed, "coordinator": CoordinatorFactory()}


@pytest.mark.parametrize("width", WIDTHS)
def test_members_list(new_page, session_of, screenshots, watch, width):
    page = new_page(width, session_of(watch["member"].user))
    assert page.goto("/financements/?pour_moi=1").status == 200
    assert page.get_by_text("Clôture dans 5 jours").count() == 1
    check_page(page, "financements", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_detail(new_page, session_of, screenshots, watch, who, width):
    page = new_page(width, session_of(watch[who] if who == "coordinator" else watch[who].user))
    assert page.goto(f"/financements/{watch['followed'].slug}/").status == 200
    check_page(page, f"financement-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages(new_page, screenshots, watch, width):
    page = new_page(width)
    assert page.goto("/financements/publiques/").status == 200
    check_page(page, "financements-publiques", width, screenshots)
    assert page.goto(f"/financements/{watch['followed'].slug}/").status == 200
    check_page(page, "financement-public", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_form_with_errors(new_page, session_of, screenshots, watch, width):
    page = new_page(width, session_of(watch["coordinator"]))
    assert page.goto("/financements/nouvelle/").status == 200
    check_page(page, "financement-nouvelle", width, screenshots)
    page.locator("#id_title").fill("Appel <b>test</b>")
    page.locator("#id_amount_min").fill("5000")
    page.locator("#id_amount_max").fill("100")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    check_page(page, "financement-nouvelle-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_unsubscribe_page(new_page, screenshots, watch, width):
    page = new_page(width)
    token = unsubscribe_token(watch["member"])
    assert page.goto(f"/veille/desabonnement/{token}/").status == 200
    check_page(page, "veille-desabonnement", width, screenshots)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le désabonnement").click()
    assert page.get_by_text("vous ne recevrez plus la lettre de veille").count() == 1
    check_page(page, "veille-desabonnement-fait", width, screenshots)


def test_xss_payloads_are_neutralised_on_the_public_page(new_page, watch):
    payload = " ".join(XSS)
    opportunity = OpportunityFactory(
        title=f"Appel {XSS[0]}",
        funder=XSS[1],
        summary=payload,
        description=payload,
        link="javascript:window.__xss='link'",  # written around the form's URL validation
        is_public=True,
    )
    OpportunityAttachment.objects.create(
        opportunity=opportunity,
        title=XSS[2],
        file=SimpleUploadedFile("piece.pdf", b"%PDF-1.4 x"),
    )
    assert Opportunity.objects.get(pk=opportunity.pk).description.count("<script") == 0
    page = new_page(1280)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/financements/{opportunity.slug}/", "/financements/publiques/"):
        assert page.goto(path).status == 200
        # No link of the page may carry a javascript: URL (it would run when followed).
        for link in page.locator("main a").all():
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith("javascript"), href
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") is None
        assert page.locator("main script, main svg, main iframe, main img[onerror]").count() == 0
    assert dialogs == []
    assert page.get_by_text("lien piégé").count() >= 1  # the text stays, harmless
