"""Writes of the resources: the coordination adds, edits and publishes them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.exceptions import PermissionRefused
from consortium.core.models import User
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug

from ..enums import ProjectsAuditAction, PublicationStatus
from ..models import Resource
from ..rules import coordination

# Fixed addresses under /ressources/ that no resource slug may take.
RESOURCE_RESERVED_SLUGS = ("nouvelle",)


def _check_file_or_url(resource: Resource) -> None:
    if bool(resource.file) == bool(resource.url):
        raise ValidationError(
            _("Joignez un fichier ou indiquez un lien, l'un des deux seulement."),
            code="file_or_url",
        )


def _delete_after_commit(name: str) -> None:
    """Remove a replaced file from the storage once the change is committed (not before:
    a rollback would leave the row pointing at nothing)."""
    if name:
        storage = Resource._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


def _save(resource: Resource, m2m: dict) -> Resource:
    _check_file_or_url(resource)
    resource.full_clean(exclude=["slug"], validate_constraints=False)
    resource.save()
    for name, values in m2m.items():
        getattr(resource, name).set(values)
    return resource


def _require_coordination(actor: User) -> None:
    if not coordination(actor):
        raise PermissionRefused(_("Seule la coordination gère les ressources."))


def _publish(resource: Resource) -> None:
    resource.status = PublicationStatus.PUBLISHED
    # The first publication date stays: the weekly digest announces a resource once.
    resource.published_at = resource.published_at or timezone.now()


@transaction.atomic
def resource_create(
    *, actor: User, fields: dict, m2m: dict | None = None, publish: bool = False
) -> Resource:
    """Add a resource (a file or a link), as a draft unless `publish`.

    Raises ValidationError when it has both a file and a link, or neither.
    """
    _require_coordination(actor)
    resource = Resource(**fields, created_by=actor)
    resource.slug = unique_slug(
        model=Resource, text=resource.title, reserved=RESOURCE_RESERVED_SLUGS
    )
    if publish:
        _publish(resource)
    _save(resource, m2m or {})
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.RESOURCE_CREATED,
        target=resource,
        data={"published": publish},
    )
    return resource


@transaction.atomic
def resource_update(
    *, resource: Resource, actor: User, fields: dict, m2m: dict | None = None
) -> Resource:
    """Change a resource; a file replaced or removed is deleted from the storage.

    Raises ValidationError when it would have both a file and a link, or neither.
    """
    _require_coordination(actor)
    previous = Resource.objects.get(pk=resource.pk).file.name
    for name, value in fields.items():
        setattr(resource, name, value)
    _save(resource, m2m or {})
    if previous and previous != resource.file.name:
        _delete_after_commit(previous)
    audit_log_record(actor=actor, action=ProjectsAuditAction.RESOURCE_UPDATED, target=resource)
    return resource


@transaction.atomic
def resource_publish(*, resource: Resource, actor: User) -> Resource:
    """Publish a resource: members see it, and the public too if it is public."""
    _require_coordination(actor)
    _publish(resource)
    resource.save(update_fields=["status", "published_at", "updated_at"])
    audit_log_record(actor=actor, action=ProjectsAuditAction.RESOURCE_PUBLISHED, target=resource)
    return resource


@transaction.atomic
def resource_unpublish(*, resource: Resource, actor: User) -> Resource:
    """Take a resource back to draft: only the coordination sees it."""
    _require_coordination(actor)
    resource.status = PublicationStatus.DRAFT
    resource.save(update_fields=["status", "updated_at"])
    audit_log_record(actor=actor, action=ProjectsAuditAction.RESOURCE_UNPUBLISHED, target=resource)
    return resource
