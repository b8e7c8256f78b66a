"""The coordination's survey pages (/coordination/questionnaires/): create a survey,
change its settings, write its questions while nobody has answered, invite an
experiment's partners. 404 for everyone else (observers read the results instead)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors
from consortium.core.permissions import coordinator_required
from members.enums import AffiliationStatus
from members.models import Organization, Person

from .. import services
from ..forms.manage import QuestionForm, SurveyCreateForm, SurveySettingsForm
from ..models import Question, Survey
from ..rules import questions_editable


def _survey(pk) -> Survey:
    return get_object_or_404(Survey.objects.select_related("event", "project"), pk=pk)


@coordinator_required
def survey_create(request):
    form = SurveyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le questionnaire est créé : relisez ses questions."))
            return redirect("evaluations:edit", pk=survey.pk)
    status = 400 if form.errors else 200
    return render(request, "evaluations/manage/create.html", {"form": form}, status=status)


@coordinator_required
def survey_edit(request, pk):
    survey = _survey(pk)
    instance = Survey.objects.get(pk=survey.pk)  # an invalid form leaves the title shown as is
    form = SurveySettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(actor=request.user, survey=survey, fields=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect("evaluations:edit", pk=survey.pk)
    has_responses = survey.responses.exists()
    context = {
        "survey": survey,
        "form": form,
        "questions": list(survey.questions.all()),
        "editable": questions_editable(survey, has_responses=has_responses),
        "invited": survey.invitations.count(),
    }
    status = 400 if form.errors else 200
    return render(request, "evaluations/manage/edit.html", context, status=status)


@coordinator_required
def question_form(request, pk, question_pk=None):
    survey = _survey(pk)
    question = None
    if question_pk is not None:
        question = get_object_or_404(Question, pk=question_pk, survey=survey)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                actor=request.user,
                survey=survey,
                question=Question.objects.get(pk=question.pk) if question else None,
                fields=form.service_fields(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("evaluations:edit", pk=survey.pk)
        else:
            messages.success(request, _("La question est enregistrée."))
            return redirect("evaluations:edit", pk=survey.pk)
    context = {"survey": survey, "form": form, "question": question}
    status = 400 if form.errors else 200
    return render(request, "evaluations/manage/question.html", context, status=status)


@coordinator_required
@require_POST
def question_delete(request, pk, question_pk):
    survey = _survey(pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        services.question_delete(actor=request.user, question=question)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La question est supprimée."))
    return redirect("evaluations:edit", pk=survey.pk)


@coordinator_required
@require_POST
def question_move(request, pk, question_pk):
    survey = _survey(pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        services.question_move(
            actor=request.user, question=question, up=request.POST.get("sens") != "bas"
        )
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(
        f"{reverse('evaluations:edit', kwargs={'pk': survey.pk})}#question-{question.pk}"
    )


@coordinator_required
@require_POST
def survey_invite(request, pk):
    """Invite the active members of an experiment's partner organisations."""
    survey = _survey(pk)
    if survey.project_id is None:
        messages.error(
            request,
            _("Les personnes présentes à une formation sont invitées d'elles-mêmes, à J+1."),
        )
        return redirect("evaluations:edit", pk=survey.pk)
    organizations = Organization.objects.active().filter(
        project_partnerships__project=survey.project
    )
    people = (
        Person.objects.active()
        .filter(
            affiliations__organization__in=organizations,
            affiliations__status=AffiliationStatus.ACTIVE,
        )
        .select_related("user")
        .distinct()
    )
    try:
        sent = services.survey_invite(actor=request.user, survey=survey, people=list(people))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d personne invitée.", "%(count)d personnes invitées.", sent)
            % {"count": sent},
        )
    return redirect("evaluations:edit", pk=survey.pk)
