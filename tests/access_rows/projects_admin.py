"""Admin pages of the projects app: the coordination edits everything but workflow steps."""

from access import admin_model
from member_factories import OrganizationFactory
from project_factories import (
    DossierFactory,
    OpportunityFactory,
    PracticeFactory,
    ProjectFactory,
    ResourceFactory,
)

MODELS = [
    "projects_opportunity",
    "projects_dossier",
    "projects_project",
    "projects_resource",
    "projects_practice",
]

ROUTES = {row: value for model in MODELS for row, value in admin_model(model).items()}


def samples(base: dict) -> dict:
    return {
        "projects_opportunity": OpportunityFactory(),
        "projects_dossier": DossierFactory(organization=base.get("org_a") or OrganizationFactory()),
        "projects_project": ProjectFactory(),
        "projects_resource": ResourceFactory(),
        "projects_practice": PracticeFactory(),
    }
