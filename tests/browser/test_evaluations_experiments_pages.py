"""Evaluation of experiments and model sheets in real Chromium at 1280 and 360 px: axe-core
finds no violation and nothing scrolls sideways, for the coordinator, an observer and a
partner, the forms with their error summaries and the practice drawn from a sheet."""

import pytest
from evaluation_factories import experiment, measured
from factories import CoordinatorFactory, ObserverFactory
from member_factories import OrganizationFactory, member_of
from test_accessibility import check_page
from transactional import restore_reference_data

from evaluations import services_experiments as services
from evaluations.models import Measurement

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def experiments(transactional_db):
    restore_reference_data()
    coordinator = CoordinatorFactory()
    organization = OrganizationFactory(name="Médiathèque Les Temps Modernes de Taverny")
    partner = member_of(organization)
    evaluation = experiment(
        partner=organization, title="Bébés chanteurs : la voix des parents en crèche"
    )
    services.indicator_save(
        actor=coordinator,
        evaluation=evaluation,
        indicator=evaluation.indicators.get(code="parents"),
        fields={"target": 40},
    )
    measured(evaluation, actor=partner.user, coordinator=coordinator)
    sheet = services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    practice = services.model_sheet_publish(actor=coordinator, sheet=sheet)
    pending = experiment(partner=organization, title="Lire avec les tout-petits en PMI")
    measured(
        pending, actor=partner.user, coordinator=coordinator, rounds=("initial",), validate=False
    )
    assert Measurement.objects.filter(status="saisie").exists()
    return {
        "evaluation": evaluation,
        "pending": pending,
        "practice": practice,
        "coordinator": coordinator,
        "observer": ObserverFactory(),
        "partner": partner.user,
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["observer", "coordinator", "partner"])
def test_reading_pages(new_page, session_of, screenshots, experiments, width, role):
    page = new_page(width, session_of(experiments[role]))
    evaluation, pending = experiments["evaluation"], experiments["pending"]
    for name, path in (
        ("experimentations", "/evaluations/experimentations/"),
        ("experimentation", f"/evaluations/experimentations/{evaluation.pk}/"),
        ("experimentation-a-valider", f"/evaluations/experimentations/{pending.pk}/"),
        ("modelisation", f"/evaluations/experimentations/{evaluation.pk}/modelisation/"),
    ):
        assert page.goto(path).status == 200, path
        check_page(page, f"{name}-{role}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_partner_entry_with_errors(new_page, session_of, screenshots, experiments, width):
    page = new_page(width, session_of(experiments["partner"]))
    path = f"/evaluations/experimentations/{experiments['pending'].pk}/mesures/mi-parcours/"
    assert page.goto(path).status == 200
    check_page(page, "mesures", width, screenshots)
    page.get_by_label("Parents présents").fill("beaucoup")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les mesures").click()
    assert "Saisissez un nombre" in page.locator("[role=alert]").inner_text()
    check_page(page, "mesures-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_forms_and_practice(new_page, session_of, screenshots, experiments, width):
    page = new_page(width, session_of(experiments["coordinator"]))
    pk = experiments["evaluation"].pk
    for name, path in (
        ("indicateur-nouveau", f"/evaluations/experimentations/{pk}/indicateurs/nouveau/"),
        ("modelisation-modifier", f"/evaluations/experimentations/{pk}/modelisation/modifier/"),
    ):
        assert page.goto(path).status == 200, path
        check_page(page, name, width, screenshots)
    page.goto(f"/evaluations/experimentations/{pk}/indicateurs/nouveau/")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'indicateur").click()
    assert page.locator("[role=alert]").is_visible()
    check_page(page, "indicateur-erreurs", width, screenshots)
    public = new_page(width)
    assert public.goto(experiments["practice"].get_absolute_url()).status == 200
    assert "version 1 de la modélisation" in public.content()
    check_page(public, "pratique-modelisation", width, screenshots)
