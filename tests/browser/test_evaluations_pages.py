"""Survey pages in real Chromium at 1280 and 360 px: axe-core finds no violation and
nothing scrolls sideways, the survey form with its error summary included."""

import pytest
from evaluation_factories import (
    FULL_ANSWERS,
    ExperimentSurveyFactory,
    QuestionFactory,
    invitation_for,
    past_training,
    respond,
    satisfaction_survey,
)
from factories import CoordinatorFactory, ObserverFactory
from test_accessibility import check_page
from transactional import restore_reference_data

from evaluations.enums import QuestionKind

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def surveys(transactional_db):
    restore_reference_data()
    training = past_training(title="Formation : éveil musical de 0 à 3 ans")
    survey = satisfaction_survey(training)
    for overall in (5, 4, 3):
        respond(survey, FULL_ANSWERS | {survey.questions.first(): overall})
    experiment = ExperimentSurveyFactory()
    for kind in QuestionKind:
        QuestionFactory(
            survey=experiment,
            kind=kind,
            label=f"Question {kind.label}",
            required=False,
            choices=["Oui", "Non"] if kind in QuestionKind.with_choices() else [],
        )
    return {
        "survey": survey,
        "experiment": experiment,
        "coordinator": CoordinatorFactory(),
        "observer": ObserverFactory(),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_survey_form_empty_with_errors_and_thanks(new_page, screenshots, surveys, width):
    survey = surveys["survey"]
    _invitation, token = invitation_for(survey)
    page = new_page(width)
    assert page.goto(f"/questionnaires/{token}/").status == 200
    check_page(page, "questionnaire", width, screenshots)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer mes réponses").click()
    summary = page.locator("[role=alert]")
    assert summary.is_visible()
    assert "Répondez à cette question." in summary.inner_text()
    check_page(page, "questionnaire-erreurs", width, screenshots)
    # Every field of the experiment's survey (each kind of question).
    _invitation, other = invitation_for(surveys["experiment"])
    page.goto(f"/questionnaires/{other}/")
    check_page(page, "questionnaire-tous-types", width, screenshots)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer mes réponses").click()
    assert "Merci pour vos réponses" in page.content()
    check_page(page, "questionnaire-merci", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["observer", "coordinator"])
def test_results_and_list(new_page, session_of, screenshots, surveys, width, role):
    page = new_page(width, session_of(surveys[role]))
    for name, path in (
        ("evaluations", "/evaluations/"),
        ("resultats", f"/evaluations/questionnaires/{surveys['survey'].pk}/"),
    ):
        assert page.goto(path).status == 200
        check_page(page, f"{name}-{role}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordination_pages(new_page, session_of, screenshots, surveys, width):
    page = new_page(width, session_of(surveys["coordinator"]))
    experiment = surveys["experiment"]
    pages = (
        ("questionnaire-nouveau", "/coordination/questionnaires/nouveau/"),
        ("questionnaire-modifier", f"/coordination/questionnaires/{experiment.pk}/"),
        (
            "questionnaire-question",
            f"/coordination/questionnaires/{experiment.pk}/questions/nouvelle/",
        ),
        ("rencontre-satisfaction", f"/coordination/rencontres/{surveys['survey'].event.slug}/"),
    )
    for name, path in pages:
        assert page.goto(path).status == 200, path
        check_page(page, name, width, screenshots)
    page.goto(f"/coordination/questionnaires/{experiment.pk}/questions/nouvelle/")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la question").click()
    assert page.locator("[role=alert]").is_visible()
    check_page(page, "questionnaire-question-erreurs", width, screenshots)
