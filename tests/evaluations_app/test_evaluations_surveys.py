"""Surveys: the default satisfaction survey of trainings, personal single-use links,
drafts, anonymous responses, results, exports and the J+1 invitations."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from evaluation_factories import (
    ExperimentSurveyFactory,
    QuestionFactory,
    attendee,
    invitation_for,
    past_training,
    respond,
    satisfaction_survey,
)
from event_factories import EventFactory, RegistrationFactory
from member_factories import PersonFactory

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.privacy import erase_account
from evaluations import defaults, services
from evaluations.enums import QuestionKind, SurveyKind
from evaluations.models import Answer, Invitation, Response, Survey, token_digest
from evaluations.results import survey_results

pytestmark = pytest.mark.django_db

FULL = {
    "Dans l'ensemble, êtes-vous satisfait·e de cette formation ?": 5,
    "Les contenus répondaient-ils à vos attentes professionnelles ?": 4,
    (
        "Pourrez-vous mettre en pratique ces apports auprès des tout-petits et de leurs familles ?"
    ): 4,
    "Comment jugez-vous l'animation et les échanges entre participant·es ?": 5,
    "La durée de la formation était :": "Adaptée",
}


def _post_data(survey, values: dict, action: str) -> dict:
    by_label = {q.label: q for q in survey.questions.all()}
    data = {"action": action}
    for label, value in values.items():
        data[by_label[label].field_name] = value
    return data


# --- The default satisfaction survey --------------------------------------------------------


def test_every_training_gets_the_default_satisfaction_survey():
    training = EventFactory(training=True)
    meeting = EventFactory()
    survey = Survey.objects.get(event=training)
    assert survey.kind == SurveyKind.SATISFACTION
    labels = list(survey.questions.values_list("label", flat=True))
    assert labels == [spec["label"] for spec in defaults.SATISFACTION_QUESTIONS]
    assert 5 <= len(labels) <= 8
    kinds = set(survey.questions.values_list("kind", flat=True))
    assert {QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE} <= kinds
    assert not Survey.objects.filter(event=meeting).exists()
    training.save()  # saving again creates no second one
    assert Survey.objects.filter(event=training).count() == 1


def test_a_meeting_turned_into_a_training_gets_its_survey():
    event = EventFactory()
    event.kind = "formation"
    event.save()
    assert Survey.objects.filter(event=event, kind=SurveyKind.SATISFACTION).exists()


# --- Tokens -------------------------------------------------------------------------------


def test_tokens_are_long_random_and_stored_as_a_digest_only():
    survey = satisfaction_survey()
    first, token = invitation_for(survey)
    _second, other = invitation_for(survey)
    assert len(token) >= 43 and token != other
    assert first.token_hash == token_digest(token) != token
    stored = Invitation.objects.values_list("token_hash", flat=True)
    assert token not in stored and other not in stored


def test_an_unknown_or_altered_token_answers_404(client):
    survey = satisfaction_survey()
    _invitation, token = invitation_for(survey)
    for wrong in ("inconnu", token[:-1] + ("A" if token[-1] != "A" else "B"), token_digest(token)):
        assert client.get(reverse("evaluations:respond", args=[wrong])).status_code == 404


# --- Answering ----------------------------------------------------------------------------


def test_the_form_has_a_label_or_legend_per_question_and_no_login(client):
    survey = satisfaction_survey()
    _invitation, token = invitation_for(survey)
    page = client.get(reverse("evaluations:respond", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    for question in survey.questions.all():
        assert question.label.replace("'", "&#x27;") in html
    assert html.count("<legend>") >= 6  # scales and choices are fieldsets
    assert "noindex" in html
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_save_come_back_then_submit_once(client):
    survey = satisfaction_survey()
    invitation, token = invitation_for(survey)
    url = reverse("evaluations:respond", args=[token])
    first = dict(list(FULL.items())[:2])
    assert client.post(url, _post_data(survey, first, "enregistrer")).status_code == 302
    invitation.refresh_from_db()
    assert len(invitation.draft) == 2 and not Response.objects.exists()
    page = client.get(url)
    assert page.status_code == 200 and "sont reprises ci-dessous" in page.content.decode()
    assert "checked" in page.content.decode()

    answered = _post_data(survey, FULL, "envoyer")
    multiple = survey.questions.get(kind=QuestionKind.MULTIPLE)
    answered[multiple.field_name] = [multiple.choices[0], multiple.choices[2]]
    free = survey.questions.filter(kind=QuestionKind.LONG_TEXT).first()
    answered[free.field_name] = "Les ateliers pratiques avec la compagnie."
    response = client.post(url, answered)
    assert response.status_code == 302 and response["Location"] == url
    invitation.refresh_from_db()
    assert invitation.completed and invitation.draft == {}
    assert Response.objects.count() == 1
    assert Answer.objects.filter(question=multiple).count() == 2
    thanks = client.get(url)
    assert "Merci pour vos réponses" in thanks.content.decode()

    # Single use: the link cannot answer again, through the page or the service.
    assert client.post(url, answered).status_code == 200
    assert Response.objects.count() == 1
    with pytest.raises(DomainError):
        services.invitation_submit(invitation=invitation, answers={})


def test_missing_required_answers_are_announced_and_nothing_is_saved(client):
    survey = satisfaction_survey()
    invitation, token = invitation_for(survey)
    url = reverse("evaluations:respond", args=[token])
    page = client.post(url, _post_data(survey, {}, "envoyer"))
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and "Répondez à cette question." in html
    first = survey.questions.first()
    assert f'href="#id_{first.field_name}"' in html  # the summary links to the question
    assert "aria-describedby" in html and 'aria-invalid="true"' in html
    invitation.refresh_from_db()
    assert invitation.draft == {} and not invitation.completed
    assert not Response.objects.exists()


def test_bad_values_get_a_french_error_and_change_nothing(client):
    survey = ExperimentSurveyFactory()
    number = QuestionFactory(survey=survey, kind=QuestionKind.NUMBER, label="Enfants accueillis")
    scale = QuestionFactory(survey=survey, kind=QuestionKind.SCALE, label="Intérêt")
    invitation, token = invitation_for(survey)
    url = reverse("evaluations:respond", args=[token])
    data = {"action": "enregistrer", number.field_name: "beaucoup", scale.field_name: "9"}
    page = client.post(url, data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Saisissez un nombre." in html
    assert "Sélectionnez un choix valide" in html
    invitation.refresh_from_db()
    assert invitation.draft == {}
    # The service refuses them too, whatever the entry point.
    with pytest.raises(ValidationError):
        services.invitation_draft_save(invitation=invitation, answers={scale.pk: 9})
    # A French decimal is understood.
    data = {"action": "enregistrer", number.field_name: "12,5", scale.field_name: "4"}
    assert client.post(url, data).status_code == 302
    invitation.refresh_from_db()
    assert invitation.draft == {str(number.pk): "12.5", str(scale.pk): 4}


def test_a_closed_survey_takes_no_answer(client):
    survey = satisfaction_survey()
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    invitation, token = invitation_for(survey)
    url = reverse("evaluations:respond", args=[token])
    page = client.post(url, _post_data(survey, FULL, "envoyer"))
    assert "Questionnaire clos" in page.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(DomainError):
        services.invitation_submit(invitation=invitation, answers={})


def test_responses_are_linked_to_nobody():
    for model in (Response, Answer):
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation}
        assert Invitation not in related
        assert not any(m and m._meta.label in ("members.Person", "core.User") for m in related)


# --- Results ----------------------------------------------------------------------------


def test_results_aggregate_counts_averages_distributions_and_free_answers():
    survey = satisfaction_survey()
    overall = survey.questions.first()
    duration = survey.questions.get(kind=QuestionKind.SINGLE)
    free = survey.questions.filter(kind=QuestionKind.LONG_TEXT).first()
    respond(survey, FULL | {free: "Très concret."})
    respond(survey, FULL | {overall: 3, duration: "Trop courte"})
    respond(survey, FULL | {overall: 4, free: "Plus de temps de pratique."})
    invitation_for(survey)  # invited, not answered
    results = survey_results(survey)
    first = results.questions[0]
    assert first.respondents == 3
    assert first.average == Decimal("4.0")
    assert [bar["total"] for bar in first.distribution] == [0, 0, 1, 1, 1]
    by_option = {bar["object"]: bar["total"] for bar in results.questions[4].distribution}
    assert by_option == {"Trop courte": 1, "Adaptée": 2, "Trop longue": 0}
    free_result = next(r for r in results.questions if r.question == free)
    assert free_result.texts == ["Très concret.", "Plus de temps de pratique."]
    assert results.responses == 3 and results.invited == 4 and results.response_rate == 75


def test_results_page_shows_figures_and_charts(observer_client):
    survey = satisfaction_survey()
    respond(survey, FULL)
    page = observer_client.get(reverse("evaluations:results", args=[survey.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "bar-chart" in html and "Taux de réponse" in html
    assert "sur 5" in html


def _bulk_responses(survey, count):
    for index in range(count):
        respond(survey, FULL | {survey.questions.first(): 1 + index % 5})


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_results_page_queries_stay_flat_as_responses_grow(observer_client):
    survey = satisfaction_survey()
    url = reverse("evaluations:results", args=[survey.pk])
    _bulk_responses(survey, 2)
    small = _queries(observer_client, url)
    _bulk_responses(survey, 25)
    assert _queries(observer_client, url) == small


def test_list_queries_stay_flat_as_surveys_grow(coordinator_client):
    url = reverse("evaluations:surveys")
    for _ in range(2):
        respond(satisfaction_survey(), FULL)
    small = _queries(coordinator_client, url)
    for _ in range(12):
        respond(satisfaction_survey(), FULL)
    assert _queries(coordinator_client, url) == small


def test_event_panel_queries_and_figures(coordinator_client):
    survey = satisfaction_survey()
    respond(survey, FULL)
    page = coordinator_client.get(reverse("events:edit", args=[survey.event.slug]))
    html = page.content.decode()
    assert 'id="satisfaction"' in html
    assert "5,0" in html


# --- Exports ------------------------------------------------------------------------------


def test_csv_export_is_anonymous_and_safe_against_formulas(observer_client):
    survey = satisfaction_survey()
    free = survey.questions.filter(kind=QuestionKind.LONG_TEXT).first()
    respond(survey, FULL | {free: '=HYPERLINK("http://exemple.fr","clic")'})
    response = observer_client.get(reverse("evaluations:csv", args=[survey.pk]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Réponse", "Reçue le"] and len(rows) == 2
    assert "'=HYPERLINK" in text
    person = Invitation.objects.get(survey=survey).person
    assert person.user.email not in text and person.user.last_name not in text


def test_xlsx_export_is_a_workbook_with_summary_and_responses(coordinator_client):
    survey = satisfaction_survey()
    respond(survey, FULL)
    response = coordinator_client.get(reverse("evaluations:xlsx", args=[survey.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Synthèse", "Réponses"]
    values = [cell for row in workbook["Réponses"].iter_rows(values_only=True) for cell in row]
    assert "Adaptée" in values and 5 in values


def test_xlsx_cells_are_never_formulas():
    from consortium.core.exports import xlsx_bytes

    content = xlsx_bytes([("Feuille: 1/2", [['=HYPERLINK("http://x")', 3, "a\x07b", None]])])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Feuille  1 2"
    cells = next(iter(sheet.iter_rows()))
    assert cells[0].data_type == "s" and cells[0].value == '=HYPERLINK("http://x")'
    assert cells[1].value == 3 and cells[2].value == "ab"


# --- Editing questions ----------------------------------------------------------------------


def test_questions_change_only_while_nobody_answered(coordinator):
    survey = satisfaction_survey()
    question = services.question_save(
        actor=coordinator,
        survey=survey,
        fields={
            "kind": QuestionKind.NUMBER,
            "label": "Combien d'enfants accueillez-vous ?",
            "required": False,
        },
    )
    assert question.position == 9
    services.question_move(actor=coordinator, question=question, up=True)
    assert list(survey.questions.values_list("pk", flat=True))[7] == question.pk
    respond(survey, FULL)
    before = list(survey.questions.values_list("pk", "label", "position"))
    with pytest.raises(DomainError):
        services.question_save(actor=coordinator, survey=survey, fields={"label": "Autre"})
    with pytest.raises(DomainError):
        services.question_delete(actor=coordinator, question=question)
    with pytest.raises(DomainError):
        services.question_move(actor=coordinator, question=question, up=True)
    assert list(survey.questions.values_list("pk", "label", "position")) == before


def test_a_choice_question_needs_two_options(coordinator_client):
    survey = ExperimentSurveyFactory()
    url = reverse("evaluations:question_add", args=[survey.pk])
    page = coordinator_client.post(
        url, {"kind": QuestionKind.SINGLE, "label": "Votre rôle ?", "choices": "Seule"}
    )
    assert page.status_code == 400
    assert "Donnez au moins deux options" in page.content.decode()
    assert not survey.questions.exists()


def test_observers_and_partners_cannot_write(observer, member):
    survey = satisfaction_survey()
    for actor in (observer, member.user):
        with pytest.raises(DomainError):
            services.question_save(actor=actor, survey=survey, fields={"label": "Autre"})


def test_every_write_of_the_coordinator_is_audited(coordinator):
    survey = ExperimentSurveyFactory()
    services.question_save(
        actor=coordinator, survey=survey, fields={"kind": "echelle", "label": "Intérêt"}
    )
    services.survey_update(actor=coordinator, survey=survey, fields={"title": "Avant"})
    actions = set(AuditLogEntry.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert {"evaluations.question_saved", "evaluations.survey_updated"} <= actions


# --- Visibility ---------------------------------------------------------------------------


def test_partners_see_their_experiments_surveys_only(client, member, other_member, organization):
    from project_factories import ProjectPartnerFactory

    mine = ExperimentSurveyFactory()
    ProjectPartnerFactory(project=mine.project, organization=organization)
    theirs = ExperimentSurveyFactory()
    event_survey = satisfaction_survey()
    client.force_login(member.user)
    assert client.get(reverse("evaluations:results", args=[mine.pk])).status_code == 200
    for hidden in (theirs, event_survey):
        assert client.get(reverse("evaluations:results", args=[hidden.pk])).status_code == 404
        assert client.get(reverse("evaluations:csv", args=[hidden.pk])).status_code == 404
    listing = client.get(reverse("evaluations:surveys")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    client.force_login(other_member.user)
    assert client.get(reverse("evaluations:results", args=[mine.pk])).status_code == 404


# --- J+1 invitations ------------------------------------------------------------------------


def _last_end(event):
    return event.sessions.order_by("-ends_at").first().ends_at


def _j_plus_1(event, hour=9, minute=0):
    zone = timezone.get_default_timezone()
    day = timezone.localtime(_last_end(event), zone).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def test_j_plus_1_invites_only_people_marked_present_once_through_the_outbox():
    training = past_training(days_ago=3)
    present = attendee(training)
    english = attendee(training)
    english.user.language = "en"
    english.user.save()
    absent = attendee(training, present=False)
    opted_out = attendee(training, wants_reminders=False)
    RegistrationFactory(event=training)  # registered, never marked
    now = _j_plus_1(training)

    assert services.invitations_sweep(now=now - timedelta(minutes=1)) == 0  # J+1, 8:59
    assert services.invitations_sweep(now=now) == 2
    assert services.invitations_sweep(now=now + timedelta(hours=1)) == 0  # exactly once
    survey = satisfaction_survey(training)
    invited = set(Invitation.objects.filter(survey=survey).values_list("person", flat=True))
    assert invited == {present.pk, english.pk}
    assert absent.pk not in invited and opted_out.pk not in invited
    messages = OutboxMessage.objects.filter(kind="participant_survey_invitation")
    assert messages.count() == 2
    assert {m.recipient_email for m in messages} == {present.user.email, english.user.email}
    english_message = messages.get(recipient_email=english.user.email)
    assert english_message.language == "en"
    assert "Your feedback" in english_message.subject
    french = messages.get(recipient_email=present.user.email)
    assert "Votre avis" in french.subject
    # The link in the e-mail opens the survey: the token is in the e-mail only.
    token = re.search(r"/questionnaires/([\w-]+)/", french.body_text).group(1)
    assert Invitation.objects.by_token(token).get().person == present
    survey.refresh_from_db()
    assert survey.closes_at > now


def test_j_plus_1_never_catches_up_too_late_nor_invites_for_meetings():
    training = past_training(days_ago=20)
    attendee(training)
    start = timezone.now() - timedelta(days=2)
    meeting = EventFactory(sessions=[(start, start + timedelta(hours=2))])
    attendee(meeting)
    assert services.invitations_sweep() == 0
    assert not Invitation.objects.exists()


def test_a_survey_created_without_signals_is_ensured_by_the_sweep():
    training = past_training(days_ago=3)
    person = attendee(training)
    Survey.objects.filter(event=training).delete()  # as after a bulk load
    assert services.invitations_sweep(now=_j_plus_1(training)) == 1
    assert Invitation.objects.get().person == person


def test_the_beat_schedule_runs_the_sweeps(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "evaluations.send_survey_invitations",
        "evaluations.anonymise_old_invitations",
    } <= tasks


# --- Privacy ------------------------------------------------------------------------------


def test_invitations_forget_people_after_the_retention_period(settings):
    survey = satisfaction_survey()
    kept, _token = invitation_for(survey)
    retention = timedelta(days=settings.SURVEY_INVITATION_RETENTION_DAYS)
    survey.closes_at = timezone.now() - retention + timedelta(days=1)
    survey.save()
    assert services.invitations_anonymise_old() == 0
    survey.closes_at = timezone.now() - retention - timedelta(days=1)
    survey.save()
    assert services.invitations_anonymise_old() == 1
    kept.refresh_from_db()
    assert kept.person is None and kept.token_hash is None and kept.draft == {}
    assert survey.invitations.count() == 1  # still counted in the response rate


def test_deleting_ones_account_forgets_ones_invitations():
    survey = satisfaction_survey()
    person = PersonFactory()
    invitation, _token = invitation_for(survey, person)
    services.invitation_draft_save(invitation=invitation, answers={survey.questions.first().pk: 2})
    erase_account(user=person.user)
    invitation.refresh_from_db()
    assert invitation.person is None and invitation.token_hash is None
    assert invitation.draft == {}
