"""The demo surveys: every past training answered by part of the people present,
anonymous, plausible, and nothing more on a second run."""

from io import StringIO

import pytest
from django.core.management import call_command

from consortium.core.models import OutboxMessage
from evaluations.models import Answer, Invitation, Response, Survey
from evaluations.results import survey_results

pytestmark = pytest.mark.django_db


def _counts():
    return {m.__name__: m.objects.count() for m in (Survey, Invitation, Response, Answer)}


def test_seed_fills_past_trainings_surveys_once_without_e_mail():
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    assert first["Response"] > 10 and first["Invitation"] > first["Response"]
    answered = Survey.objects.filter(responses__isnull=False).distinct()
    for survey in answered[:5]:
        results = survey_results(survey)
        assert results.questions[0].average >= 3  # satisfaction leans positive
        assert 0 < results.response_rate <= 100
    assert not OutboxMessage.objects.filter(kind="participant_survey_invitation").exists()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_seed_measures_the_experiments_and_writes_two_model_sheets_once():
    from evaluations.models import ExperimentEvaluation, Measurement, ModelSheet
    from projects.models import Practice, Project

    call_command("seed_demo", stdout=StringIO())
    experiments = Project.objects.filter(is_experiment=True).count()
    assert ExperimentEvaluation.objects.count() == experiments > 0
    rounds = set(Measurement.objects.values_list("round", flat=True))
    assert rounds == {"initial", "mi-parcours", "final"}
    assert Measurement.objects.filter(status="validee").exists()
    sheets = ModelSheet.objects.all()
    assert sheets.count() == 2
    published = sheets.get(practice__isnull=False)
    assert published.practice.status == "publiee" and published.published_version == 2
    assert Practice.objects.filter(project=published.project).count() == 1
    first = (Measurement.objects.count(), ModelSheet.objects.count(), Practice.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        Measurement.objects.count(),
        ModelSheet.objects.count(),
        Practice.objects.count(),
    ) == first
