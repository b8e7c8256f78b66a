"""Writes of the projects and experiments: creation, updates and the partner organisations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug
from members.models import Organization

from ..enums import PartnerRole, ProjectsAuditAction
from ..models import Project, ProjectPartner
from ..rules import can_edit_project, can_manage_partners, can_remove_partner

# Fixed addresses under /projets/ that no project slug may take.
PROJECT_RESERVED_SLUGS = ("nouveau",)


def _check_experiment(project: Project) -> None:
    """An experiment tests something: without a hypothesis there is nothing to evaluate."""
    if project.is_experiment and not project.hypothesis.strip():
        raise ValidationError(
            {"hypothesis": _("Une expérimentation doit énoncer son hypothèse.")},
            code="hypothesis",
        )


def _save(project: Project, m2m: dict) -> Project:
    _check_experiment(project)
    project.full_clean(exclude=["slug"], validate_constraints=False)
    project.save()
    for name, values in m2m.items():
        getattr(project, name).set(values)
    return project


@transaction.atomic
def project_create(
    *, actor: User, organization: Organization, fields: dict, m2m: dict | None = None
) -> Project:
    """A member creates a project; `organization` (one of theirs) becomes its lead partner.

    `fields` are the project's own fields, `m2m` its many-to-many values by field name.
    Raises ValidationError (by field, in French) when the project is not valid.
    """
    project = Project(**fields, created_by=actor)
    project.slug = unique_slug(model=Project, text=project.title, reserved=PROJECT_RESERVED_SLUGS)
    _save(project, m2m or {})
    ProjectPartner.objects.create(project=project, organization=organization, role=PartnerRole.LEAD)
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.PROJECT_CREATED,
        target=project,
        data={"organization": organization.pk, "is_experiment": project.is_experiment},
    )
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor: User, fields: dict, m2m: dict | None = None
) -> Project:
    """Change a project's description; its slug (its address) stays the same."""
    if not can_edit_project(actor, project):
        raise PermissionRefused(_("Vous ne pouvez pas modifier ce projet."))
    for name, value in fields.items():
        setattr(project, name, value)
    _save(project, m2m or {})
    audit_log_record(actor=actor, action=ProjectsAuditAction.PROJECT_UPDATED, target=project)
    return project


def _lead_count(project: Project) -> int:
    # Locked: two partners removing the two leads at once must not leave none.
    leads = project.partnerships.select_for_update().filter(role=PartnerRole.LEAD)
    return len(leads)


@transaction.atomic
def project_partner_add(
    *, project: Project, actor: User, organization: Organization, role: str
) -> ProjectPartner:
    """Add `organization` to the project's partners, or change its role if it is one already.

    Raises PermissionRefused when `actor` does not manage the partners (a lead's members,
    the coordination), DomainError when the change would leave the project without a lead.
    """
    if not can_manage_partners(actor, project):
        raise PermissionRefused(_("Seule une structure porteuse gère les partenaires du projet."))
    current = project.partnerships.select_for_update().filter(organization=organization).first()
    if current is None:
        current = ProjectPartner.objects.create(
            project=project, organization=organization, role=role
        )
    elif current.role == PartnerRole.LEAD and role != PartnerRole.LEAD and _lead_count(project) < 2:
        raise DomainError(_("Le projet doit garder au moins une structure porteuse."))
    else:
        current.role = role
        current.save(update_fields=["role"])
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.PARTNER_SET,
        target=project,
        data={"organization": organization.pk, "role": role},
    )
    return current


@transaction.atomic
def project_partner_remove(*, partnership: ProjectPartner, actor: User) -> None:
    """Remove a partner organisation; the last lead ("porteur") cannot be removed.

    Raises PermissionRefused when `actor` neither manages the partners nor acts for this
    partner, DomainError when `partnership` is the project's last lead.
    """
    if not can_remove_partner(actor, partnership):
        raise PermissionRefused(_("Vous ne pouvez pas retirer ce partenaire."))
    if partnership.role == PartnerRole.LEAD and _lead_count(partnership.project) < 2:
        raise DomainError(
            _(
                "La dernière structure porteuse ne peut pas être retirée : ajoutez "
                "d'abord un autre porteur."
            )
        )
    data = {"organization": partnership.organization_id, "role": partnership.role}
    partnership.delete()
    audit_log_record(
        actor=actor,
        action=ProjectsAuditAction.PARTNER_REMOVED,
        target=partnership.project,
        data=data,
    )
