"""Evaluation of experiments (issue 11, item 2) and model sheets (item 3): the default
grid, the partners' measurements and the coordinator's validation (with history), the
progress page, aggregates only, and the model sheet published as the one practice of
its experiment."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from evaluation_factories import experiment, measured
from project_factories import ProjectFactory

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry
from consortium.core.workflows import TransitionError
from evaluations import services_experiments as services
from evaluations.grid import DEFAULT_INDICATORS
from evaluations.models import (
    ExperimentEvaluation,
    Indicator,
    Measurement,
    ModelSheet,
)
from members.models import Person
from projects.enums import PracticeStatus
from projects.models import Practice
from projects.services.practices import practice_transition

pytestmark = pytest.mark.django_db


def _indicator(evaluation, code):
    return evaluation.indicators.get(code=code)


# --- The grid -------------------------------------------------------------------------------


def test_every_experiment_gets_the_default_grid_and_other_projects_none():
    evaluation = experiment()
    codes = list(evaluation.indicators.values_list("code", flat=True))
    assert codes == [spec["code"] for spec in DEFAULT_INDICATORS]
    assert ProjectFactory().__class__.objects.filter(evaluation__isnull=True).count() == 1
    assert ExperimentEvaluation.objects.count() == 1


def test_no_model_of_the_app_stores_a_childs_name_or_data_about_one_child():
    """Walks every field of every model of the app: nothing names a child, a birth, a
    first or last name; the only link to a person is a survey invitation (an adult
    professional), and the measurements hold totals (numbers) or free observations."""
    forbidden = (
        "child",
        "enfant",
        "bebe",
        "baby",
        "birth",
        "naissance",
        "prenom",
        "first_name",
        "last_name",
        "surname",
        "age",
    )
    for model in apps.get_app_config("evaluations").get_models():
        for field in model._meta.get_fields():
            name = field.name.lower()
            assert not any(word in name for word in forbidden), f"{model.__name__}.{name}"
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                assert model.__name__ == "Invitation", f"{model.__name__}.{name}"
    assert {f.name for f in Measurement._meta.concrete_fields} == {
        "id",
        "indicator",
        "round",
        "value",
        "text",
        "status",
        "entered_by",
        "entered_at",
        "updated_at",
    }


def test_the_coordinator_extends_the_grid_and_sets_targets(coordinator_client, coordinator):
    evaluation = experiment()
    url = reverse("evaluations:indicator_add", args=[evaluation.pk])
    data = {
        "label": "Livres empruntés par les familles",
        "kind": "nombre",
        "unit": "livres",
        "target": "120",
    }
    assert coordinator_client.post(url, data).status_code == 302
    added = evaluation.indicators.last()
    assert added.label == data["label"] and added.target == 120 and added.position == 12
    # The same name twice, a target beyond the scale: a French error, nothing changed.
    response = coordinator_client.post(url, data)
    assert response.status_code == 400
    assert "La grille a déjà un indicateur de ce nom." in response.content.decode()
    scale = _indicator(evaluation, "satisfaction")
    edit = reverse("evaluations:indicator_edit", args=[evaluation.pk, scale.pk])
    response = coordinator_client.post(
        edit, {"label": scale.label, "kind": "echelle", "unit": "sur 5", "target": "8"}
    )
    assert response.status_code == 400
    assert "Sur une échelle, l&#x27;objectif va de 1 à 5." in response.content.decode()
    scale.refresh_from_db()
    assert scale.target is None
    assert evaluation.indicators.count() == 12


# --- Measurements ---------------------------------------------------------------------------


def test_partners_enter_the_coordinator_validates_with_history(
    client, member, organization, coordinator
):
    evaluation = experiment(partner=organization)
    children = _indicator(evaluation, "enfants-1-3")
    client.force_login(member.user)
    url = reverse("evaluations:measurements", args=[evaluation.pk, "initial"])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"i{children.pk}": "14"})
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=children, round="initial")
    assert measurement.status == "saisie" and measurement.entered_by == member.user
    services.measurement_transition(
        actor=coordinator,
        measurement=measurement,
        name="refuser",
        comment="Le total semble compter deux fois la crèche.",
    )
    detail = reverse("evaluations:experiment", args=[evaluation.pk])
    assert "compter deux fois la crèche" in client.get(detail).content.decode()
    client.post(url, {f"i{children.pk}": "12"})
    measurement.refresh_from_db()
    assert (measurement.value, measurement.status) == (12, "saisie")
    services.measurement_transition(actor=coordinator, measurement=measurement, name="valider")
    steps = list(measurement.transitions.values_list("from_status", "to_status"))
    assert steps == [
        ("", "saisie"),
        ("saisie", "refusee"),
        ("refusee", "saisie"),
        ("saisie", "validee"),
    ]
    assert measurement.transitions.get(to_status="refusee").comment.startswith("Le total")
    # A validated value no longer changes, even from a stale form.
    client.post(url, {f"i{children.pk}": "99"})
    measurement.refresh_from_db()
    assert (measurement.value, measurement.status) == (12, "validee")
    with pytest.raises(TransitionError):
        services.measurement_transition(
            actor=coordinator, measurement=measurement, name="refuser", comment="Trop tard"
        )
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"evaluations.measurement_entered", "evaluations.measurement_transition"} <= actions


def test_refusing_needs_a_reason(coordinator, member, organization):
    evaluation = experiment(partner=organization)
    measured(
        evaluation, actor=member.user, coordinator=coordinator, rounds=("initial",), validate=False
    )
    measurement = Measurement.objects.filter(indicator__evaluation=evaluation).first()
    with pytest.raises(TransitionError, match="commentaire requis"):
        services.measurement_transition(actor=coordinator, measurement=measurement, name="refuser")
    measurement.refresh_from_db()
    assert measurement.status == "saisie"


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("enfants-0-1", "beaucoup", "Saisissez un nombre, par exemple 12 ou 3,5."),
        ("enfants-0-1", "2,5", "Un nombre de personnes ou de séances est entier."),
        ("parents", "-3", "Saisissez un nombre positif"),
        ("interactions", "7", "Sur cette échelle, la valeur va de 1 à 5."),
        ("heures", "1e9", "Saisissez un nombre positif"),
    ],
)
def test_bad_values_get_a_french_error_and_change_nothing(
    client, member, organization, code, typed, message
):
    evaluation = experiment(partner=organization)
    good = _indicator(evaluation, "seances")
    bad = _indicator(evaluation, code)
    client.force_login(member.user)
    url = reverse("evaluations:measurements", args=[evaluation.pk, "final"])
    response = client.post(url, {f"i{good.pk}": "8", f"i{bad.pk}": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_decimal_comma_and_hours(client, member, organization):
    evaluation = experiment(partner=organization)
    hours = _indicator(evaluation, "heures")
    client.force_login(member.user)
    url = reverse("evaluations:measurements", args=[evaluation.pk, "mi-parcours"])
    assert client.post(url, {f"i{hours.pk}": "12,5"}).status_code == 302
    assert Measurement.objects.get().value == 12.5


def test_observers_coordinators_and_other_partners_never_enter(
    client, observer, coordinator, other_member, organization
):
    evaluation = experiment(partner=organization)
    url = reverse("evaluations:measurements", args=[evaluation.pk, "initial"])
    for user in (observer, coordinator):
        with pytest.raises(DomainError):
            services.measurements_record(
                actor=user, evaluation=evaluation, round="initial", values={}
            )
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("evaluations:experiment", args=[evaluation.pk])).status_code == 200
        )
    client.force_login(other_member.user)
    assert client.get(reverse("evaluations:experiment", args=[evaluation.pk])).status_code == 404
    assert client.get(url).status_code == 404
    assert (
        evaluation.project.title
        not in client.get(reverse("evaluations:experiments")).content.decode()
    )
    with pytest.raises(DomainError):
        services.indicator_save(
            actor=observer, evaluation=evaluation, fields={"label": "X", "kind": "nombre"}
        )


def test_progress_page_shows_targets_and_charts(observer_client, coordinator, member, organization):
    evaluation = experiment(partner=organization)
    parents = _indicator(evaluation, "parents")
    services.indicator_save(
        actor=coordinator, evaluation=evaluation, indicator=parents, fields={"target": 40}
    )
    measured(evaluation, actor=member.user, coordinator=coordinator)  # 10, 15, 20
    html = observer_client.get(
        reverse("evaluations:experiment", args=[evaluation.pk])
    ).content.decode()
    assert "bar-chart" in html and "50 %" in html  # 20 parents of the 40 aimed at
    assert "Avancement par rapport aux objectifs" in html
    assert "Observations final" in html


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_queries_stay_flat(coordinator_client, coordinator, member, organization):
    url = reverse("evaluations:experiments")
    measured(
        experiment(partner=organization),
        actor=member.user,
        coordinator=coordinator,
        rounds=("initial",),
    )
    small = _queries(coordinator_client, url)
    for _ in range(10):
        measured(
            experiment(partner=organization),
            actor=member.user,
            coordinator=coordinator,
            rounds=("initial",),
            validate=False,
        )
    assert _queries(coordinator_client, url) == small


def test_progress_and_sheet_pages_queries_stay_flat(client, coordinator, member, organization):
    evaluation = experiment(partner=organization)
    measured(evaluation, actor=member.user, coordinator=coordinator, rounds=("initial",))
    client.force_login(member.user)
    url = reverse("evaluations:experiment", args=[evaluation.pk])
    small = _queries(client, url)
    for number in range(10):
        services.indicator_save(
            actor=coordinator,
            evaluation=evaluation,
            fields={"label": f"Indicateur {number}", "kind": "nombre"},
        )
    measured(
        evaluation, actor=member.user, coordinator=coordinator, rounds=("mi-parcours", "final")
    )
    assert _queries(client, url) == small
    sheet = services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    sheet_url = reverse("evaluations:sheet", args=[evaluation.pk])
    small = _queries(client, sheet_url)
    for number in range(10):
        services.model_sheet_update(
            actor=coordinator, sheet=sheet, fields={"pitfalls": f"Écueil {number}"}
        )
    assert _queries(client, sheet_url) == small


# --- Model sheets ----------------------------------------------------------------------------


def test_a_sheet_is_drafted_only_from_an_evaluated_experiment(coordinator, member, organization):
    evaluation = experiment(partner=organization, budget=4500)
    with pytest.raises(DomainError, match="pas encore évaluée"):
        services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    measured(evaluation, actor=member.user, coordinator=coordinator)
    with pytest.raises(DomainError):
        services.model_sheet_create(actor=member.user, evaluation=evaluation)
    sheet = services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    draft = sheet.versions.get()
    assert draft.number == 1 and draft.budget == 4500
    assert organization.name in draft.partners and "Porteur" in draft.partners
    assert "Parents présents : 20 parents (état initial : 10)" in draft.figures
    with pytest.raises(DomainError, match="déjà sa fiche"):
        services.model_sheet_create(actor=coordinator, evaluation=evaluation)


def test_model_sheet_to_practice_one_per_experiment_updated_on_republish_versions_kept(
    client, coordinator, member, organization
):
    evaluation = experiment(partner=organization)
    measured(evaluation, actor=member.user, coordinator=coordinator)
    sheet = services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    services.model_sheet_update(
        actor=coordinator, sheet=sheet, fields={"pitfalls": "Prévoir le transport des familles."}
    )
    practice = services.model_sheet_publish(actor=coordinator, sheet=sheet)
    assert practice.status == PracticeStatus.PUBLISHED
    assert practice.project == evaluation.project and practice.organization == organization
    assert "transport des familles" in practice.lessons
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "version 2 de la modélisation" in page
    # Edit and publish again: the same practice, updated; every version kept.
    services.model_sheet_update(actor=coordinator, sheet=sheet, fields={"title": "Bébés chanteurs"})
    again = services.model_sheet_publish(actor=coordinator, sheet=sheet)
    assert again.pk == practice.pk
    assert Practice.objects.filter(project=evaluation.project).count() == 1
    assert Practice.objects.get(pk=practice.pk).title == "Bébés chanteurs"
    assert list(sheet.versions.values_list("number", flat=True)) == [3, 2, 1]
    sheet.refresh_from_db()
    assert sheet.published_version == 3
    assert (
        "version 3 de la modélisation" in client.get(practice.get_absolute_url()).content.decode()
    )
    # Withdrawn by the coordination, published again by the next publication.
    practice_transition(practice=again, name="retirer", actor=coordinator, comment="À revoir")
    assert services.model_sheet_publish(actor=coordinator, sheet=sheet).status == "publiee"
    assert Practice.objects.filter(project=evaluation.project).count() == 1
    # An edit that changes nothing adds no version.
    services.model_sheet_update(actor=coordinator, sheet=sheet, fields={"title": "Bébés chanteurs"})
    assert sheet.versions.count() == 3
    assert {
        "evaluations.sheet_drafted",
        "evaluations.sheet_updated",
        "evaluations.sheet_published",
    } <= set(AuditLogEntry.objects.values_list("action", flat=True))


def test_sheet_pages_edit_old_versions_and_pdf(client, coordinator, member, organization):
    evaluation = experiment(partner=organization)
    measured(evaluation, actor=member.user, coordinator=coordinator)
    client.force_login(coordinator)
    assert client.post(reverse("evaluations:sheet_draft", args=[evaluation.pk])).status_code == 302
    sheet = ModelSheet.objects.get()
    edit = reverse("evaluations:sheet_edit", args=[evaluation.pk])
    form = client.get(edit).context["form"]
    data = {
        name: value if value is not None else ""
        for name, value in form.initial.items()
        if name in form.fields
    }
    response = client.post(edit, data | {"title": ""})
    assert response.status_code == 400 and sheet.versions.count() == 1
    assert client.post(edit, data | {"conditions": "Un lieu calme."}).status_code == 302
    assert sheet.versions.count() == 2
    page = client.get(reverse("evaluations:sheet", args=[evaluation.pk]) + "?version=1")
    assert page.status_code == 200 and "Un lieu calme." not in page.content.decode()
    client.force_login(member.user)
    pdf = client.get(reverse("evaluations:sheet_pdf", args=[evaluation.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        client.post(reverse("evaluations:sheet_publish", args=[evaluation.pk])).status_code == 404
    )


def test_a_partner_of_another_organisation_sees_no_sheet(
    client, coordinator, member, organization, other_member
):
    evaluation = experiment(partner=organization)
    measured(evaluation, actor=member.user, coordinator=coordinator)
    services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    client.force_login(other_member.user)
    assert client.get(reverse("evaluations:sheet", args=[evaluation.pk])).status_code == 404
    assert client.get(reverse("evaluations:sheet_pdf", args=[evaluation.pk])).status_code == 404
    assert Indicator.objects.filter(evaluation=evaluation).count() == 11


def test_the_experiment_page_links_to_its_evaluation_for_those_who_read_it(
    client, member, organization, other_member
):
    evaluation = experiment(partner=organization)
    url = evaluation.project.get_absolute_url()
    link = reverse("evaluations:experiment", args=[evaluation.pk])
    client.force_login(member.user)
    assert link in client.get(url).content.decode()
    client.force_login(other_member.user)
    page = client.get(url)
    assert page.status_code != 200 or link not in page.content.decode()


def test_the_coordinators_desk_lists_measurements_to_validate(
    coordinator_client, coordinator, member, organization
):
    evaluation = experiment(partner=organization, title="Bébés chanteurs")
    measured(
        evaluation, actor=member.user, coordinator=coordinator, rounds=("initial",), validate=False
    )
    html = coordinator_client.get(reverse("coordination:dashboard")).content.decode()
    assert "Mesures d&#x27;expérimentations à valider" in html or (
        "Mesures d'expérimentations à valider" in html
    )
    assert "Bébés chanteurs : Parents présents" in html


def test_the_default_grid_is_stored_in_french_whatever_the_page_language():
    from django.utils import translation

    with translation.override("en"):
        evaluation = experiment()
    assert evaluation.indicators.get(code="parents").label == "Parents présents"


def test_the_report_carries_each_indicator_against_its_target(coordinator, member, organization):
    from evaluations.figures import Period, experiment_indicators

    evaluation = experiment(partner=organization)
    parents = evaluation.indicators.get(label__icontains="parents")
    parents.target = 30
    parents.save()
    measured(
        evaluation, actor=member.user, coordinator=coordinator, rounds=("initial", "mi-parcours")
    )
    rows = {
        row["label"]: row
        for row in experiment_indicators(evaluation.project, Period.current_year())
    }
    assert rows[parents.label] == {
        "label": parents.label,
        "unit": parents.unit,
        "target": 30,
        "value": 15,
        "baseline": 10,
    }
    assert all(row["label"] != "Observations libres" for row in rows.values())
