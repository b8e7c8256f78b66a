"""Reads of the projects app, one module per area, each scoped by `visible_to` (deny by default)."""

from .dossiers import DossierQuerySet
from .opportunities import OpportunityQuerySet
from .practices import PracticeQuerySet
from .projects import ProjectQuerySet
from .resources import ResourceQuerySet

__all__ = [
    "DossierQuerySet",
    "OpportunityQuerySet",
    "PracticeQuerySet",
    "ProjectQuerySet",
    "ResourceQuerySet",
]
