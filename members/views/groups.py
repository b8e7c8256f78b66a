"""Working groups (/groupes/): list, page, membership, documents and actions.

Members of the network see the current groups; the coordination and observers see
archived ones too. Archived groups are read-only: every write answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortium.core.downloads import file_download
from consortium.core.forms import show_service_errors
from consortium.core.french import french_order
from consortium.core.pagination import paginate
from consortium.core.permissions import (
    coordinator_required,
    get_visible_object_or_404,
)

from .. import services
from ..access import member_required, person_of
from ..enums import AffiliationStatus, GroupMembershipStatus
from ..forms.groups import ActionForm, DocumentForm, GroupFilter, GroupForm, MemberAddForm
from ..models import Affiliation, GroupMembership, Need, WorkingGroup
from ..rules import (
    can_contribute_to_group,
    can_decide_group_requests,
    can_manage_groups,
    group_membership_of,
)

REJOINABLE = (GroupMembershipStatus.REFUSED, GroupMembershipStatus.LEFT)
DECISIONS = {
    "accepter": services.group_membership_accept,
    "refuser": services.group_membership_refuse,
}


# --- Reads and rights ------------------------------------------------------------------


def _visible_group(request, slug) -> WorkingGroup:
    return get_visible_object_or_404(
        WorkingGroup.objects.select_related("theme"), request.user, slug=slug
    )


def _writable_group(request, slug, *, coordinator_only=False) -> WorkingGroup:
    """The group, when the user may add to it; 404 otherwise."""
    group = _visible_group(request, slug)
    rule = can_manage_groups if coordinator_only else can_contribute_to_group
    if group.archived_at or not rule(request.user, group):
        raise Http404
    return group


def _members(group):
    """Members with their current organisations, facilitators first."""
    current = Affiliation.objects.filter(status=AffiliationStatus.ACTIVE).select_related(
        "organization"
    )
    return (
        group.memberships.filter(status=GroupMembershipStatus.MEMBER)
        .select_related("person__user")
        .prefetch_related(Prefetch("person__affiliations", current, to_attr="current_affiliations"))
        .order_by(
            "-is_facilitator",
            french_order("person__user__last_name"),
            french_order("person__user__first_name"),
        )
    )


# --- Pages -----------------------------------------------------------------------------


@member_required
def group_list(request):
    groups = (
        WorkingGroup.objects.visible_to(request.user)
        .with_counts()
        .with_membership_of(person_of(request.user))
        .select_related("theme")
        .order_by("-is_mine", french_order("title"))
    )
    filterset = GroupFilter(request.GET, queryset=groups, request=request)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render(request, "members/groups/list.html", context)


@coordinator_required
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("theme", "description", "is_open")}
        try:
            group = services.group_create(
                actor=request.user, title=form.cleaned_data["title"], fields=fields
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Le groupe « %(title)s » est créé. Ajoutez-y ses animateur·rices et ses membres.")
                % {"title": group.title},
            )
            return redirect(group)
    return render(request, "members/groups/form.html", {"form": form})


def _rights(user, group, person, membership) -> dict:
    """What the page offers to `user`; the write views check the same rules again."""
    writable = not group.archived_at
    can_join = (
        person is not None
        and person.is_active_member
        and (membership is None or membership.status in REJOINABLE)
    )
    return {
        "can_join": writable and can_join,
        "can_contribute": writable and can_contribute_to_group(user, group),
        "can_add_members": writable and can_manage_groups(user, group),
        "can_decide": writable and can_decide_group_requests(user, group),
    }


@member_required
def group_detail(request, slug):
    group = _visible_group(request, slug)
    person = person_of(request.user)
    membership = group_membership_of(request.user, group)
    rights = _rights(request.user, group, person, membership)
    members = list(_members(group))
    pending = group.memberships.filter(status=GroupMembershipStatus.REQUESTED)
    context = {
        "group": group,
        "membership": membership,
        "members": members,
        "facilitators": [m for m in members if m.is_facilitator],
        "requests": pending.select_related("person__user") if rights["can_decide"] else [],
        "documents": group.documents.select_related("added_by__user"),
        "actions": group.actions.select_related("owner__user"),
        "needs": Need.objects.visible_to(request.user)
        .listed()
        .filter(group=group)
        .with_counts()
        .select_related("theme", "commune"),
        "today": timezone.localdate(),
        **rights,
    }
    return render(request, "members/groups/detail.html", context)


# --- Membership ------------------------------------------------------------------------


@member_required
@require_POST
def group_join(request, slug):
    group = _visible_group(request, slug)
    person = person_of(request.user)
    if person is None:
        raise Http404
    try:
        membership = services.group_join(group=group, person=person)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect(group)
    if membership.status == GroupMembershipStatus.MEMBER:
        messages.success(request, _("Bienvenue dans le groupe « %(title)s » !") % {"title": group})
    else:
        messages.success(
            request,
            _(
                "Votre demande est envoyée : les animateur·rices du groupe vous répondront "
                "rapidement."
            ),
        )
    return redirect(group)


@member_required
@require_POST
def group_leave(request, slug):
    group = _visible_group(request, slug)
    membership = get_object_or_404(
        GroupMembership,
        group=group,
        person=person_of(request.user),
        status__in=[GroupMembershipStatus.MEMBER, GroupMembershipStatus.REQUESTED],
    )
    was_request = membership.status == GroupMembershipStatus.REQUESTED
    services.group_leave(membership=membership)
    if was_request:
        messages.success(request, _("Votre demande pour rejoindre le groupe est retirée."))
    else:
        messages.success(request, _("Vous avez quitté le groupe « %(title)s ».") % {"title": group})
    return redirect(group)


@member_required
@require_POST
def membership_decide(request, slug, pk, decision):
    group = _visible_group(request, slug)
    decide = DECISIONS.get(decision)
    if decide is None or group.archived_at:
        raise Http404
    if not can_decide_group_requests(request.user, group):
        raise Http404
    requested = get_object_or_404(
        group.memberships.select_related("person__user"),
        pk=pk,
        status=GroupMembershipStatus.REQUESTED,
    )
    try:
        decide(membership=requested, actor=request.user)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect(group)
    if decision == "accepter":
        message = _("%(person)s fait maintenant partie du groupe : un e-mail l'en informe.")
    else:
        message = _("La demande de %(person)s est refusée.")
    messages.success(request, message % {"person": requested.person})
    return redirect(group)


@member_required
def member_add(request, slug):
    group = _writable_group(request, slug, coordinator_only=True)
    form = MemberAddForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        services.group_member_add(
            group=group,
            actor=request.user,
            person=person,
            is_facilitator=form.cleaned_data["is_facilitator"],
        )
        messages.success(request, _("%(person)s est ajouté·e au groupe.") % {"person": person})
        return redirect(group)
    return render(request, "members/groups/member_add.html", {"group": group, "form": form})


# --- Documents -------------------------------------------------------------------------


@member_required
def document_add(request, slug):
    group = _writable_group(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_document_add(
                group=group,
                actor=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Le document est partagé avec le groupe."))
            return redirect(group)
    return render(request, "members/groups/document_form.html", {"group": group, "form": form})


@member_required
def document_download(request, slug, pk):
    """A group file, for those who see the group only: media files are never linked."""
    group = _visible_group(request, slug)
    document = get_object_or_404(group.documents.exclude(file=""), pk=pk)
    return file_download(document.file)


# --- Actions ---------------------------------------------------------------------------


def _action_form_page(request, group, action=None):
    form = ActionForm(request.POST or None, instance=action, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_save(
                action=action, group=group, actor=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if action:
                messages.success(request, _("L'action est mise à jour."))
            else:
                messages.success(request, _("L'action est ajoutée au groupe."))
            return redirect(group)
    context = {"group": group, "form": form, "action": action}
    return render(request, "members/groups/action_form.html", context)


@member_required
def action_add(request, slug):
    group = _writable_group(request, slug)
    return _action_form_page(request, group)


@member_required
def action_edit(request, slug, pk):
    group = _writable_group(request, slug)
    action = get_object_or_404(group.actions, pk=pk)
    return _action_form_page(request, group, action)
