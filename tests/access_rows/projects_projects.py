"""Projects and experiments: the network reads them; partners and the coordination edit."""

from access import network, post_only
from project_factories import ProjectFactory, ProjectPartnerFactory

from projects.enums import PartnerRole


def _slug(samples):
    return {"slug": samples["projects_projects_project"].slug}


def _partner(samples):
    partnership = samples["projects_projects_partner"]
    return {"slug": partnership.project.slug, "pk": partnership.pk}


# The sample project is led by org_a: its member and referent edit it, not other_member.
PARTNERS_ONLY = {"other_member": 404, "observer": 404}

ROUTES = {
    "projects:projects": network(),
    "projects:project": network(kwargs=_slug),
    # Observers read; they have no organisation to lead a project with.
    "projects:project_create": network(observer=404),
    "projects:project_edit": network(**PARTNERS_ONLY, kwargs=_slug),
    "projects:project_partners": network(**PARTNERS_ONLY, kwargs=_slug),
    "projects:project_partner_remove": post_only(kwargs=_partner),
}


def samples(base: dict) -> dict:
    project = ProjectFactory()
    ProjectPartnerFactory(project=project, organization=base["org_a"], role=PartnerRole.LEAD)
    partner = ProjectPartnerFactory(project=project)  # a third organisation
    return {"projects_projects_project": project, "projects_projects_partner": partner}
