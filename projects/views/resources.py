"""Resources (/ressources/): guides, tools, templates, bibliographies, videos and links.

The public sees the public published resources, members every published one, the
coordination the drafts too; anything else answers 404, downloads included. Files are
never linked from the media folder: they are served here, as attachments.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortium.core.downloads import file_download
from consortium.core.forms import show_service_errors
from consortium.core.pagecache import public_page
from consortium.core.pagination import paginate
from consortium.core.permissions import coordinator_required, get_visible_object_or_404

from ..enums import PublicationStatus
from ..filters.resources import ResourceFilter
from ..forms.resources import ResourceForm
from ..models import Resource
from ..services import resources as services


def _visible_resource(request, slug) -> Resource:
    return get_visible_object_or_404(Resource.objects.for_listing(), request.user, slug=slug)


# --- Pages -----------------------------------------------------------------------------


@login_not_required
@public_page
def resource_list(request):
    resources = Resource.objects.visible_to(request.user).for_listing()
    filterset = ResourceFilter(request.GET, queryset=resources, request=request)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render(request, "projects/resources/list.html", context)


@login_not_required
@public_page
def resource_detail(request, slug):
    resource = _visible_resource(request, slug)
    return render(request, "projects/resources/detail.html", {"resource": resource})


@login_not_required
def resource_download(request, slug):
    """The resource's file, for those who see the resource, always as an attachment."""
    resource = get_visible_object_or_404(Resource.objects.with_file(), request.user, slug=slug)
    public = resource.is_public and resource.status == PublicationStatus.PUBLISHED
    return file_download(resource.file, stem=resource.slug, private=not public)


# --- The coordination's side -----------------------------------------------------------


def _form_page(request, resource=None):
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        fields, m2m = form.service_arguments()
        try:
            if resource is None:
                resource = services.resource_create(
                    actor=request.user,
                    fields=fields,
                    m2m=m2m,
                    publish="publier" in request.POST,
                )
            else:
                services.resource_update(
                    resource=resource, actor=request.user, fields=fields, m2m=m2m
                )
                if "publier" in request.POST:
                    services.resource_publish(resource=resource, actor=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _saved_message(resource))
            return redirect(resource)
    return render(request, "projects/resources/form.html", {"form": form, "resource": resource})


def _saved_message(resource: Resource) -> str:
    if resource.status == PublicationStatus.PUBLISHED:
        return _("La ressource « %(title)s » est enregistrée et publiée.") % {
            "title": resource.title
        }
    return _(
        "La ressource « %(title)s » est enregistrée comme brouillon : seule la coordination "
        "la voit."
    ) % {"title": resource.title}


@coordinator_required
def resource_create(request):
    return _form_page(request)


@coordinator_required
def resource_edit(request, slug):
    return _form_page(request, _visible_resource(request, slug))


@coordinator_required
@require_POST
def resource_publish(request, slug):
    resource = services.resource_publish(
        resource=_visible_resource(request, slug), actor=request.user
    )
    messages.success(request, _("La ressource est publiée."))
    return redirect(resource)


@coordinator_required
@require_POST
def resource_unpublish(request, slug):
    resource = services.resource_unpublish(
        resource=_visible_resource(request, slug), actor=request.user
    )
    messages.success(request, _("La ressource est repassée en brouillon."))
    return redirect(resource)
