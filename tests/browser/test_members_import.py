"""The bulk import page in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px on the
form, on its errors, and on a preview with refused rows and their reasons."""

import pytest
from factories import CoordinatorFactory
from test_accessibility import check_page
from transactional import restore_reference_data

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
CSV = (
    "nom;secteur;type;code postal;commune\n"
    "Médiathèque de l'Horloge;Culture;Médiathèque, bibliothèque;95000;Pontoise\n"
    "Théâtre du Nulle Part;Culture;Théâtre, lieu de diffusion;99999;Atlantide\n"
)


@pytest.fixture
def coordinator(transactional_db):
    restore_reference_data()
    return CoordinatorFactory()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_import_form_its_errors_and_its_preview(
    new_page, session_of, screenshots, coordinator, tmp_path, width
):
    page = new_page(width, session_of(coordinator))
    assert page.goto("/coordination/import/").status == 200
    check_page(page, "import", width, screenshots)
    # The server's own errors, as a browser without the `required` check would get them.
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.get_by_role("button", name="Voir l'aperçu").click()
    assert page.locator("[role=alert]").first.is_visible()
    check_page(page, "import-erreurs", width, screenshots)
    upload = tmp_path / "reseau.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_label("Structures").check()
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Voir l'aperçu").click()
    assert page.get_by_text("commune ou code postal inconnu").is_visible()
    check_page(page, "import-apercu", width, screenshots)
