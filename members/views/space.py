"""The member area /espace/: onboarding, status page, profile, organisations, preferences, data."""

import copy
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consortium.core.french import french_order
from consortium.core.pagination import paginate
from consortium.core.permissions import is_coordinator
from consortium.core.privacy import export_for
from consortium.core.redirects import back_to
from consortium.core.services import export_record

from .. import services
from ..access import member_required, person_of, sees_everything
from ..enums import AffiliationStatus, GroupMembershipStatus, OrganizationStatus, PersonStatus
from ..forms.coordination import OptionalRefusalForm
from ..forms.space import (
    DeleteAccountForm,
    OrganizationForm,
    OrganizationSearch,
    PreferencesForm,
    ProfileForm,
)
from ..models import Affiliation, Need, Organization, Person
from ..rules import can_act_on_needs, can_edit_organization

LIVE = [AffiliationStatus.PENDING, AffiliationStatus.ACTIVE]
AFFILIATION_DECISIONS = ("accepter", "refuser")


def _person(request) -> Person:
    """The visitor's profile, created on their first visit of the member area."""
    person = person_of(request.user)
    if person is None:
        person = services.person_ensure(actor=request.user)
        # The first read cached "no profile" on the user: cache the new one instead,
        # so that the layout (pending or member) sees it in this very request.
        request.user.person = person
    return person


def _posted(request):
    return request.POST if request.method == "POST" else None


def _profile_complete(person: Person) -> bool:
    user = person.user
    return bool(user.first_name and user.last_name and person.job_title)


# --- /espace/ ---------------------------------------------------------------------------


@require_GET
def home(request):
    """One address, four situations: new, pending, refused, member."""
    person = _person(request)
    if person.is_active_member or sees_everything(request.user):
        return _member_area(request, person)
    if person.status == PersonStatus.REFUSED:
        return render(request, "members/space/refused.html", {"person": person})
    requests = list(
        person.affiliations.filter(status__in=LIVE)
        .select_related("organization__commune", "organization__type")
        .order_by("created_at")
    )
    if requests:
        context = {"person": person, "requests": requests}
        return render(request, "members/space/pending.html", context)
    return _onboarding(request, person)


def _onboarding(request, person: Person):
    refused = person.affiliations.filter(status=AffiliationStatus.REFUSED).select_related(
        "organization"
    )
    context = {
        "person": person,
        "profile_form": ProfileForm.for_person(person),
        "profile_complete": _profile_complete(person),
        "search_form": OrganizationSearch(queryset=Organization.objects.none()).form,
        "refused_requests": list(refused),
    }
    return render(request, "members/space/onboarding.html", context)


def _member_area(request, person: Person):
    affiliations = (
        person.affiliations.filter(status__in=LIVE)
        .select_related("organization__commune", "organization__type")
        .annotate(
            pending_request_count=Count(
                "organization__affiliations",
                filter=Q(organization__affiliations__status=AffiliationStatus.PENDING),
                distinct=True,
            )
        )
        .order_by(french_order("organization__name"))
    )
    memberships = (
        person.memberships.filter(
            status__in=[GroupMembershipStatus.MEMBER, GroupMembershipStatus.REQUESTED],
            group__archived_at__isnull=True,
        )
        .select_related("group")
        .order_by(french_order("group__title"))
    )
    needs = (
        Need.objects.filter(author=person)
        .select_related("theme", "commune")
        .with_counts()
        .order_by("-created_at")
    )
    context = {
        "person": person,
        "affiliations": list(affiliations),
        "memberships": list(memberships),
        "needs": list(needs),
        "can_express_need": can_act_on_needs(request.user),
        "profile_complete": _profile_complete(person),
        "pending_people_count": (
            Person.objects.pending().count() if is_coordinator(request.user) else None
        ),
    }
    return render(request, "members/space/home.html", context)


@require_http_methods(["GET", "POST"])
def profile(request):
    person = _person(request)
    form = ProfileForm.for_person(person, _posted(request))
    if form.is_valid():
        services.person_profile_update(person=person, **form.cleaned_data)
        messages.success(request, _("Votre profil est à jour."))
        return redirect("members:space")
    return render(request, "members/space/profile.html", {"form": form, "person": person})


# --- Choosing, creating, joining and managing an organisation ---------------------------


@require_GET
def choose_organization(request):
    person = _person(request)
    if person.status == PersonStatus.REFUSED:
        return redirect("members:space")
    search = OrganizationSearch(
        request.GET or None,
        queryset=OrganizationSearch.base_queryset().with_affiliation_of(person),
    )
    page_obj = paginate(request, search.qs)
    context = {
        "person": person,
        "search": search,
        "page_obj": page_obj,
        "searched": bool(request.GET.get("q", "").strip()),
    }
    return render(request, "members/space/choose_organization.html", context)


@require_POST
def join_organization(request, slug):
    person = _person(request)
    if person.status == PersonStatus.REFUSED:
        return redirect("members:space")
    organization = get_object_or_404(
        Organization.objects.filter(
            status__in=[OrganizationStatus.ACTIVE, OrganizationStatus.PENDING]
        ),
        slug=slug,
    )
    try:
        services.affiliation_request(person=person, organization=organization)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect("members:choose_organization")
    messages.success(
        request,
        _(
            "Votre demande pour rejoindre « %(name)s » est envoyée. Vous recevrez un e-mail "
            "dès qu'elle sera acceptée."
        )
        % {"name": organization.name},
    )
    return redirect("members:space")


@require_http_methods(["GET", "POST"])
def create_organization(request):
    person = _person(request)
    if person.status == PersonStatus.REFUSED:
        return redirect("members:space")
    form = OrganizationForm(_posted(request))
    if form.is_valid():
        try:
            organization = services.organization_create(person=person, **form.service_arguments())
        except (services.DomainError, ValidationError) as error:
            form.add_error(None, _error_messages(error))
        else:
            messages.success(
                request,
                _(
                    "La structure « %(name)s » est enregistrée. La coordination va examiner "
                    "votre demande : vous recevrez un e-mail dès qu'elle sera validée."
                )
                % {"name": organization.name},
            )
            return redirect("members:space")
    context = {"person": person, "form": form}
    return render(request, "members/space/organization_create.html", context)


def _error_messages(error) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _managed_organization(request, slug: str) -> Organization:
    """The organisation `slug` if the visitor manages it (a referent, or the coordination)."""
    organizations = Organization.objects.select_related("commune", "type")
    organization = get_object_or_404(organizations, slug=slug)
    if not can_edit_organization(request.user, organization):
        raise Http404
    return organization


@require_http_methods(["GET", "POST"])
@member_required
def organization_manage(request, slug):
    organization = _managed_organization(request, slug)
    # The form works on a copy: a rejected edit must not rename the page's heading.
    form = OrganizationForm(_posted(request), instance=copy.copy(organization))
    if form.is_valid():
        try:
            services.organization_update(
                organization=organization, actor=request.user, **form.service_arguments()
            )
        except (services.DomainError, ValidationError) as error:
            form.add_error(None, _error_messages(error))
        else:
            messages.success(request, _("La fiche de la structure est à jour."))
            return redirect("members:organization_manage", slug=organization.slug)
    affiliations = organization.affiliations.select_related("person__user")
    context = {
        "organization": organization,
        "form": form,
        "requests": list(affiliations.filter(status=AffiliationStatus.PENDING).order_by("pk")),
        "members": list(
            affiliations.filter(status=AffiliationStatus.ACTIVE).order_by(
                "-is_referent",
                french_order("person__user__last_name"),
                french_order("person__user__first_name"),
            )
        ),
    }
    return render(request, "members/space/organization_manage.html", context)


@require_POST
def leave_organization(request, slug):
    person = person_of(request.user)
    if person is None:
        raise Http404
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("organization", "person__user"),
        person=person,
        organization__slug=slug,
        status=AffiliationStatus.ACTIVE,
    )
    services.affiliation_leave(affiliation=affiliation, actor=request.user)
    messages.success(
        request,
        _("Vous ne faites plus partie de « %(name)s ».") % {"name": affiliation.organization.name},
    )
    return redirect("members:space")


@member_required
@require_POST
def affiliation_decide(request, slug, pk, decision):
    if decision not in AFFILIATION_DECISIONS:
        raise Http404
    organization = _managed_organization(request, slug)
    affiliation = get_object_or_404(
        organization.affiliations.select_related("person__user", "organization"),
        pk=pk,
        status=AffiliationStatus.PENDING,
    )
    name = str(affiliation.person)
    if decision == "accepter":
        services.affiliation_accept(affiliation=affiliation, actor=request.user)
        messages.success(
            request, _("%(name)s fait désormais partie de la structure.") % {"name": name}
        )
    else:
        form = OptionalRefusalForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["message"]))
            return _back(request, organization)
        services.affiliation_refuse(
            affiliation=affiliation, actor=request.user, message=form.cleaned_data["message"]
        )
        messages.success(
            request,
            _("La demande de %(name)s est refusée : un e-mail l'en informe.") % {"name": name},
        )
    return _back(request, organization)


def _back(request, organization: Organization):
    """Back to the page the decision was taken on (the organisation, or the coordination queue)."""
    return back_to(request, reverse("members:organization_manage", args=[organization.slug]))


# --- Preferences and personal data ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def preferences(request):
    person = _person(request)
    form = PreferencesForm.for_person(person, _posted(request))
    if form.is_valid():
        services.person_preferences_update(person=person, **form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("members:preferences")
    context = {"person": person, "form": form}
    return render(request, "members/space/preferences.html", context)


@require_GET
@never_cache
def export_data(request):
    """Everything linked to the account, as a JSON file to keep (RGPD, right of access)."""
    data = export_for(user=request.user)
    export_record(actor=request.user, export="mes-donnees", fmt="json")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-consortium.json"'
    return response


@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(_posted(request), user=request.user)
    if form.is_valid():
        services.account_delete(actor=request.user)
        logout(request)
        messages.success(
            request,
            _("Votre compte est supprimé. Merci d'avoir fait vivre le réseau avec nous."),
        )
        return redirect("pages:home")
    return render(request, "members/space/delete_account.html", {"form": form})
