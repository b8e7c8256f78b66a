"""Answering a survey at /questionnaires/<token>/: no login, a personal single-use link.

Unknown tokens answer 404. A used link shows the thank-you page (the answers cannot be
seen nor changed again); a closed survey says so. "Enregistrer" keeps a draft on the
invitation; "Envoyer" checks the required questions and submits, once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors

from .. import services
from ..forms.respond import SurveyAnswerForm
from ..models import Invitation
from ..rules import can_answer

SAVE, SUBMIT = "enregistrer", "envoyer"


def _invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.by_token(token)
        .select_related("survey__event", "survey__project")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@login_not_required
@never_cache
def respond(request, token):
    invitation = _invitation(token)
    survey = invitation.survey
    if invitation.completed:
        return render(request, "evaluations/respond/thanks.html", {"survey": survey})
    if not can_answer(invitation):
        return render(request, "evaluations/respond/closed.html", {"survey": survey})
    questions = list(survey.questions.all())
    action = request.POST.get("action") if request.method == "POST" else None
    form = SurveyAnswerForm(
        request.POST if action in (SAVE, SUBMIT) else None,
        questions=questions,
        draft=invitation.draft,
        partial=action == SAVE,
    )
    if form.is_bound and form.is_valid():
        try:
            if action == SAVE:
                services.invitation_draft_save(invitation=invitation, answers=form.answers())
            else:
                services.invitation_submit(invitation=invitation, answers=form.answers())
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        else:
            if action == SAVE:
                messages.success(
                    request,
                    _(
                        "Vos réponses sont enregistrées. Revenez quand vous voulez avec le "
                        "même lien pour terminer et envoyer le questionnaire."
                    ),
                )
            return redirect(request.path)
    context = {
        "survey": survey,
        "form": form,
        "draft_saved_at": invitation.draft_saved_at,
        "save": SAVE,
        "submit": SUBMIT,
    }
    return render(
        request, "evaluations/respond/form.html", context, status=400 if form.errors else 200
    )
