"""Projects and experiments (/projets/): the network's list and pages, and their editing.

Every member of the network (and the observers, the coordination) reads the projects;
the active members of a partner organisation and the coordination edit one. To anyone
else an edit page does not exist (404).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors
from consortium.core.french import french_order
from consortium.core.pagination import paginate
from consortium.core.permissions import get_visible_object_or_404
from members.access import member_required

from ..access import organizations_acted_for
from ..filters.projects import ProjectFilter
from ..forms.projects import PartnerForm, ProjectForm
from ..models import Practice, Project
from ..rules import can_manage_partners, can_remove_partner
from ..services import projects as services

# --- Reads and rights ------------------------------------------------------------------


def _editable_project(request, slug) -> Project:
    """The project when `request.user` may edit it; 404 otherwise (its edit page is not
    theirs to know of)."""
    return get_object_or_404(Project.objects.editable_by(request.user), slug=slug)


# --- Pages -----------------------------------------------------------------------------


@member_required
def project_list(request):
    projects = Project.objects.visible_to(request.user).for_listing()
    filterset = ProjectFilter(request.GET, queryset=projects, request=request)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
        "can_create": organizations_acted_for(request.user).exists(),
    }
    return render(request, "projects/projects/list.html", context)


@member_required
def project_detail(request, slug):
    project = get_visible_object_or_404(Project.objects.for_page(), request.user, slug=slug)
    practices = Practice.objects.published().filter(project=project).order_by(french_order("title"))
    context = {
        "project": project,
        "practices": practices.only("title", "slug", "summary"),
        "can_edit": Project.objects.editable_by(request.user).filter(pk=project.pk).exists(),
    }
    return render(request, "projects/projects/detail.html", context)


@member_required
def project_create(request):
    organizations = organizations_acted_for(request.user)
    if not organizations.exists():
        raise Http404  # observers, and members without an active organisation
    form = ProjectForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fields, m2m = form.service_arguments()
        try:
            project = services.project_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                fields=fields,
                m2m=m2m,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Le projet « %(title)s » est créé. Ajoutez-y ses structures partenaires.")
                % {"title": project.title},
            )
            return redirect("projects:project_partners", slug=project.slug)
    return render(request, "projects/projects/form.html", {"form": form, "project": None})


@member_required
def project_edit(request, slug):
    project = _editable_project(request, slug)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields, m2m = form.service_arguments()
        try:
            services.project_update(project=project, actor=request.user, fields=fields, m2m=m2m)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Le projet est mis à jour."))
            return redirect(project)
    return render(request, "projects/projects/form.html", {"form": form, "project": project})


# --- Partners --------------------------------------------------------------------------


@member_required
def project_partners(request, slug):
    """The partner organisations of a project, and the form that adds one (for the lead)."""
    project = _editable_project(request, slug)
    manages = can_manage_partners(request.user, project)
    if request.method == "POST" and not manages:
        raise Http404
    form = PartnerForm(request.POST or None) if manages else None
    if form is not None and request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            services.project_partner_add(
                project=project,
                actor=request.user,
                organization=organization,
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request,
                _("%(organization)s est partenaire du projet.") % {"organization": organization},
            )
            return redirect("projects:project_partners", slug=project.slug)
    partners = project.partnerships.select_related("organization").order_by(
        french_order("organization__name")
    )
    # The lead's members remove any partner; another partner's members, their own.
    for partner in partners:
        partner.removable = manages or can_remove_partner(request.user, partner)
    context = {"project": project, "form": form, "partners": partners, "manages": manages}
    return render(request, "projects/projects/partners.html", context)


@member_required
@require_POST
def project_partner_remove(request, slug, pk):
    project = _editable_project(request, slug)
    partnership = get_object_or_404(project.partnerships.select_related("organization"), pk=pk)
    if not can_remove_partner(request.user, partnership):
        raise Http404
    try:
        services.project_partner_remove(partnership=partnership, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organization)s ne fait plus partie des partenaires du projet.")
            % {"organization": partnership.organization},
        )
    return redirect("projects:project_partners", slug=project.slug)
