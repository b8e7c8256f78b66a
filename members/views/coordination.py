"""The coordination's validation queue: who asked to join the network, and the decisions."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consortium.core.pagination import paginate
from consortium.core.permissions import coordinator_required

from .. import services
from ..enums import OrganizationStatus
from ..forms.coordination import RefusalForm, ValidationFilter, WelcomeForm
from ..models import Organization, Person
from ..querysets import affiliations_accepted_by_referents, affiliations_of_members_awaiting

RECENT_DAYS = 30
SIDE_LIST_SIZE = 50  # the other lists of the page show this many rows at most
PERSON_DECISIONS = {"valider": WelcomeForm, "refuser": RefusalForm}
ORGANIZATION_DECISIONS = {"valider": WelcomeForm, "refuser": RefusalForm}


# The role check comes first everywhere: others get 404 whatever the method.
@coordinator_required
@require_GET
def queue(request):
    """Pending partners, oldest first, and what else awaits or happened without the coordinator."""
    people = ValidationFilter(request.GET or None, queryset=Person.objects.awaiting_validation())
    page_obj = paginate(request, people.qs)
    _flag_duplicates(page_obj.object_list)
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    proposed = Organization.objects.pending_without_pending_person()
    accepted = affiliations_accepted_by_referents(since=since)
    context = {
        "filter": people,
        "page_obj": page_obj,
        "proposed_organizations": _flagged(list(proposed[:SIDE_LIST_SIZE])),
        "member_requests": list(affiliations_of_members_awaiting()[:SIDE_LIST_SIZE]),
        "recent_acceptances": list(accepted[:SIDE_LIST_SIZE]),
        "recent_days": RECENT_DAYS,
        "side_list_size": SIDE_LIST_SIZE,
    }
    return render(request, "members/coordination/queue.html", context)


def _flag_duplicates(people) -> None:
    """Give each pending organisation asked for on this page its `possible_duplicates`."""
    requests = [request for person in people for request in person.requests]
    _flagged([request.organization for request in requests])


def _flagged(organizations: list) -> list:
    pending = [o for o in organizations if o.status == OrganizationStatus.PENDING]
    duplicates = Organization.objects.possible_duplicates(pending) if pending else {}
    for organization in organizations:
        organization.possible_duplicates = duplicates.get(organization.pk, [])
    return organizations


@coordinator_required
@require_POST
def decide(request, pk, decision):
    """Validate or refuse a pending partner (with what they created or joined)."""
    if decision not in PERSON_DECISIONS:
        raise Http404
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk)
    form = PERSON_DECISIONS[decision](request.POST)
    if not form.is_valid():
        context = {"person": person, "form": form, "decision": decision}
        return render(request, "members/coordination/decide.html", context, status=400)
    message = form.cleaned_data["message"].strip()
    try:
        if decision == "valider":
            services.person_validate(person=person, actor=request.user, message=message)
        else:
            services.person_refuse(person=person, actor=request.user, message=message)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect("members:validations")
    messages.success(request, _decision_message(decision, str(person)))
    return redirect("members:validations")


def _decision_message(decision: str, name: str) -> str:
    if decision == "valider":
        return _("%(name)s est membre du réseau : un e-mail de bienvenue est parti.") % {
            "name": name
        }
    return _("La demande de %(name)s est refusée : un e-mail lui explique pourquoi.") % {
        "name": name
    }


@coordinator_required
@require_POST
def organization_decide(request, pk, decision):
    """Validate or refuse a structure proposed by someone who is already a member."""
    if decision not in ORGANIZATION_DECISIONS:
        raise Http404
    organization = get_object_or_404(Organization, pk=pk)
    form = ORGANIZATION_DECISIONS[decision](request.POST)
    if not form.is_valid():
        context = {"organization": organization, "form": form, "decision": decision}
        return render(request, "members/coordination/decide.html", context, status=400)
    try:
        if decision == "valider":
            services.organization_validate(organization=organization, actor=request.user)
        else:
            message = form.cleaned_data["message"].strip()
            services.organization_refuse(
                organization=organization, actor=request.user, message=message
            )
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect("members:validations")
    messages.success(
        request, _("La décision sur « %(name)s » est enregistrée.") % {"name": organization.name}
    )
    return redirect("members:validations")
