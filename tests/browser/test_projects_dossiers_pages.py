"""The dossier pages in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px for the
list, the board, the creation form (with its errors), the detail page and the edit form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import CoordinatorFactory
from member_factories import OrganizationFactory, member_of
from project_factories import DossierFactory, today_plus
from test_accessibility import check_page
from transactional import restore_reference_data

from projects.enums import DeadlineKind, DossierKind, DossierStatus
from projects.models import DossierDeadline, DossierDocument
from projects.services import dossiers as services

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def files(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), and
    dossiers at every step, one with its history, checklist, file and key dates."""
    restore_reference_data()
    organization = OrganizationFactory(name="Multi-accueil Les Lucioles")
    member = member_of(organization)
    coordinator = CoordinatorFactory()
    main = services.dossier_create(
        organization=organization,
        actor=member.user,
        fields={
            "title": "Subvention DRAC 2027 – résidence d'artistes en crèche",
            "kind": DossierKind.SUBSIDY,
            "funder": "DRAC Île-de-France",
            "amount_requested": 12000,
            "notes": "Rappeler la conseillère avant le dépôt.",
        },
        owners=[member],
    )
    services.dossier_transition(dossier=main, name="preparer", actor=member.user, comment="On y va")
    document = main.documents.first()
    services.dossier_document_attach(
        document=document, actor=member.user, file=SimpleUploadedFile("budget.pdf", b"%PDF-1.4")
    )
    DossierDeadline.objects.create(dossier=main, kind=DeadlineKind.SUBMISSION, due_on=today_plus(9))
    DossierDeadline.objects.create(
        dossier=main, kind=DeadlineKind.OTHER, label="Comité de sélection", due_on=today_plus(40)
    )
    for index, status in enumerate(DossierStatus):
        DossierFactory(
            organization=organization if index % 2 else OrganizationFactory(),
            title=f"Festival des tout-petits, édition {index}",
            kind=DossierKind.FESTIVAL,
            status=status,
            amount_requested=3000 + index * 500,
            amount_granted=2000 if status == DossierStatus.GRANTED else None,
        )
    assert DossierDocument.objects.filter(dossier=main, is_done=True).exists()
    return {"member": member, "coordinator": coordinator, "dossier": main}


def user_of(files, who):
    return files[who].user if who == "member" else files[who]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_dossier_list(new_page, session_of, screenshots, files, who, width):
    page = new_page(width, session_of(user_of(files, who)))
    assert page.goto("/dossiers/").status == 200
    check_page(page, f"dossiers-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_dossier_board(new_page, session_of, screenshots, files, width):
    page = new_page(width, session_of(files["coordinator"]))
    assert page.goto("/dossiers/tableau/").status == 200
    check_page(page, "dossiers-tableau", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_dossier_create_with_errors(new_page, session_of, screenshots, files, who, width):
    page = new_page(width, session_of(user_of(files, who)))
    assert page.goto("/dossiers/nouveau/").status == 200
    check_page(page, f"dossier-nouveau-{who}", width, screenshots)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message--error").count() == 1
    check_page(page, f"dossier-nouveau-erreurs-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_dossier_detail(new_page, session_of, screenshots, files, who, width):
    page = new_page(width, session_of(user_of(files, who)))
    assert page.goto(f"/dossiers/{files['dossier'].pk}/").status == 200
    for summary in page.locator("main details summary").all():
        summary.click()  # the folded forms (add a document, a key date, a file) too
    check_page(page, f"dossier-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_dossier_transition_error(new_page, session_of, screenshots, files, width):
    """A step refused (reopening without a comment) shows its error on the page."""
    dossier = files["dossier"]
    services.dossier_transition(dossier=dossier, name="clore", actor=files["coordinator"])
    page = new_page(width, session_of(files["coordinator"]))
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_role("button", name="Rouvrir le dossier").click()
    page.wait_for_load_state()
    assert page.locator(".message--error").count() == 1
    check_page(page, "dossier-etape-erreur", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_dossier_edit(new_page, session_of, screenshots, files, width):
    page = new_page(width, session_of(files["member"].user))
    assert page.goto(f"/dossiers/{files['dossier'].pk}/modifier/").status == 200
    check_page(page, "dossier-modifier", width, screenshots)
