"""Survey results (/evaluations/): the coordination and the Observation group read every
survey; a partner, the surveys of their own experiments. Figures only: nobody sees who
answered what (responses are anonymous by construction, evaluations.models)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consortium.core.exports import csv_response, xlsx_response
from consortium.core.pagination import paginate
from consortium.core.permissions import get_visible_object_or_404
from consortium.core.services import export_record
from members.access import member_required

from ..enums import QuestionKind
from ..filters import SurveyFilter
from ..models import Answer, Response, Survey
from ..results import survey_results
from ..rules import can_manage_surveys


@member_required
@require_GET
def survey_list(request):
    surveys = Survey.objects.visible_to(request.user).with_figures().for_listing()
    filterset = SurveyFilter(request.GET, queryset=surveys)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "evaluations/list.html", context)


def _survey(request, pk) -> Survey:
    return get_visible_object_or_404(
        Survey.objects.select_related("event", "project"), request.user, pk=pk
    )


@member_required
@require_GET
def survey_results_page(request, pk):
    survey = _survey(request, pk)
    context = {
        "survey": survey,
        "results": survey_results(survey),
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "evaluations/results.html", context)


# --- Exports -----------------------------------------------------------------------------


def _cell(question, values: list):
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        return values[0] if values else ""
    return " ; ".join(values)


def _response_table(survey: Survey) -> tuple[list, list[list]]:
    """One row per response (anonymous: a number and a day), one column per question."""
    questions = list(survey.questions.all())
    by_response: dict[int, dict[int, list]] = {}
    answers = (
        Answer.objects.filter(response__survey=survey)
        .order_by("response", "pk")
        .values_list("response", "question", "number", "choice", "text")
    )
    for response_id, question_id, number, choice, text in answers:
        value = number.normalize() if number is not None else (choice or text)
        by_response.setdefault(response_id, {}).setdefault(question_id, []).append(value)
    header = [_("Réponse"), _("Reçue le"), *(question.label for question in questions)]
    rows = []
    responses = Response.objects.filter(survey=survey).order_by("pk")
    for number, (pk, day) in enumerate(responses.values_list("pk", "submitted_on"), start=1):
        values = by_response.get(pk, {})
        rows.append(
            [
                number,
                day.strftime("%d/%m/%Y"),
                *(_cell(question, values.get(question.pk, [])) for question in questions),
            ]
        )
    return header, rows


def _summary_table(survey: Survey) -> list[list]:
    results = survey_results(survey, with_texts=False)
    rows = [
        [_("Questionnaire"), survey.title],
        [_("Réponses"), results.responses],
        [_("Personnes invitées"), results.invited],
        [_("Taux de réponse (%)"), "" if results.response_rate is None else results.response_rate],
        [],
        [_("Question"), _("Type"), _("Répondants"), _("Moyenne"), _("Option"), _("Nombre")],
    ]
    for result in results.questions:
        question = result.question
        average = "" if result.average is None else result.average
        rows.append(
            [question.label, question.get_kind_display(), result.respondents, average, "", ""]
        )
        for bar in result.distribution:
            rows.append(["", "", "", "", bar["object"], bar["total"]])
    return rows


def _filename(survey: Survey, extension: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"questionnaire-{survey.pk}-{slugify(survey.title)[:50]}-{stamp}.{extension}"


def _record_export(request, survey: Survey, fmt: str, rows) -> None:
    export_record(
        actor=request.user, export="reponses-questionnaire", fmt=fmt, rows=len(rows), target=survey
    )


@member_required
@require_GET
def survey_csv(request, pk):
    survey = _survey(request, pk)
    header, rows = _response_table(survey)
    _record_export(request, survey, "csv", rows)
    return csv_response(filename=_filename(survey, "csv"), header=header, rows=rows)


@member_required
@require_GET
def survey_xlsx(request, pk):
    survey = _survey(request, pk)
    header, rows = _response_table(survey)
    _record_export(request, survey, "xlsx", rows)
    sheets = [(_("Synthèse"), _summary_table(survey)), (_("Réponses"), [header, *rows])]
    return xlsx_response(filename=_filename(survey, "xlsx"), sheets=sheets)
