"""Surveys: anyone with a personal link answers without login; results are read by the
coordination and the Observation group (and an experiment's partners, for their own
experiment); only the coordination writes surveys and questions."""

from access import coordination_only, everyone, network
from evaluation_factories import ExperimentSurveyFactory, invitation_for
from project_factories import ProjectPartnerFactory

from evaluations.models import Survey


def _survey(samples):
    return {"pk": samples["evaluations_survey"].pk}


def _experiment_survey(samples):
    return {"pk": samples["evaluations_experiment_survey"].pk}


def _question(samples):
    survey = samples["evaluations_survey"]
    return {"pk": survey.pk, "question_pk": survey.questions.first().pk}


# The sample training's satisfaction survey: coordination and observers only; members
# see nothing of it. The sample experiment is org_a's: its member and referent read its
# results, not other_member (a partner reads only their own experiment's).
ROUTES = {
    "evaluations:respond": everyone(200, kwargs=lambda s: {"token": s["survey_token"]}),
    "evaluations:surveys": network(),
    "evaluations:results": network(member=404, referent=404, other_member=404, kwargs=_survey),
    "evaluations:csv": network(member=404, referent=404, other_member=404, kwargs=_survey),
    "evaluations:xlsx": network(other_member=404, kwargs=_experiment_survey),
    "evaluations:create": coordination_only(),
    "evaluations:edit": coordination_only(kwargs=_survey),
    "evaluations:question_add": coordination_only(kwargs=_survey),
    "evaluations:question_edit": coordination_only(kwargs=_question),
    "evaluations:question_delete": coordination_only(coordinator=405, kwargs=_question),
    "evaluations:question_move": coordination_only(coordinator=405, kwargs=_question),
    "evaluations:invite": coordination_only(coordinator=405, kwargs=_experiment_survey),
}


def samples(base: dict) -> dict:
    survey = Survey.objects.get(event=base["training"])  # every training has one
    experiment = ExperimentSurveyFactory()
    ProjectPartnerFactory(project=experiment.project, organization=base["org_a"])
    _invitation, token = invitation_for(survey)
    return {
        "evaluations_survey": survey,
        "evaluations_experiment_survey": experiment,
        "survey_token": token,
    }
