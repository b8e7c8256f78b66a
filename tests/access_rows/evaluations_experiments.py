"""Evaluation of experiments and model sheets: the coordination, the Observation group and
the experiment's partners read; only the partners enter measurements; only the
coordination validates, extends the grid and writes the model sheet (observers never
write: 404 on every form)."""

from access import coordination_only, network
from evaluation_factories import experiment, measured
from factories import CoordinatorFactory

from evaluations import services_experiments as services
from evaluations.models import Measurement


def _evaluation(samples):
    return {"pk": samples["evaluations_experiment"].pk}


def _round(samples):
    return _evaluation(samples) | {"round": "mi-parcours"}


def _measurement(samples):
    return _evaluation(samples) | {"measurement_pk": samples["evaluations_measurement"].pk}


def _indicator(samples):
    evaluation = samples["evaluations_experiment"]
    return _evaluation(samples) | {"indicator_pk": evaluation.indicators.first().pk}


# The sample experiment is org_a's: its member and referent read it and enter its
# measurements; other_member (another organisation) gets 404 everywhere.
ROUTES = {
    "evaluations:experiments": network(),
    "evaluations:experiment": network(other_member=404, kwargs=_evaluation),
    "evaluations:measurements": network(
        other_member=404, observer=404, coordinator=404, kwargs=_round
    ),
    "evaluations:measurement_decide": coordination_only(coordinator=405, kwargs=_measurement),
    "evaluations:indicator_add": coordination_only(kwargs=_evaluation),
    "evaluations:indicator_edit": coordination_only(kwargs=_indicator),
    "evaluations:sheet": network(other_member=404, kwargs=_evaluation),
    "evaluations:sheet_pdf": network(other_member=404, kwargs=_evaluation),
    "evaluations:sheet_draft": coordination_only(coordinator=405, kwargs=_evaluation),
    "evaluations:sheet_edit": coordination_only(kwargs=_evaluation),
    "evaluations:sheet_publish": coordination_only(coordinator=405, kwargs=_evaluation),
}


def samples(base: dict) -> dict:
    coordinator = CoordinatorFactory()
    evaluation = experiment(partner=base["org_a"], title="Bébés chanteurs en crèche")
    measured(evaluation, actor=base["member"].user, coordinator=coordinator)
    services.model_sheet_create(actor=coordinator, evaluation=evaluation)
    return {
        "evaluations_experiment": evaluation,
        "evaluations_measurement": Measurement.objects.filter(
            indicator__evaluation=evaluation
        ).first(),
    }
