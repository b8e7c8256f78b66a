"""Resources: public ones for everyone, the coordination manages them."""

from access import coordination_only, everyone
from django.core.files.uploadedfile import SimpleUploadedFile
from project_factories import ResourceFactory

from projects.enums import ResourceKind


def _slug(samples):
    return {"slug": samples["projects_resources_public_file"].slug}


ROUTES = {
    "projects:resources": everyone(200),
    "projects:resource": everyone(200, kwargs=_slug),
    "projects:resource_download": everyone(200, kwargs=_slug),
    "projects:resource_create": coordination_only(),
    "projects:resource_edit": coordination_only(kwargs=_slug),
    "projects:resource_publish": coordination_only(coordinator=405, kwargs=_slug),
    "projects:resource_unpublish": coordination_only(coordinator=405, kwargs=_slug),
}


def samples(base: dict) -> dict:
    resource = ResourceFactory(
        kind=ResourceKind.GUIDE,
        url="",
        file=SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide"),
        is_public=True,
    )
    return {"projects_resources_public_file": resource}
