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
