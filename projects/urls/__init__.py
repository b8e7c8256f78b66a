"""URLs of the projects app, one module per area (the paths are in DESIGN.md's contracts)."""

from . import dossiers, opportunities, practices, projects, resources, search

app_name = "projects"

urlpatterns = [
    *opportunities.urlpatterns,
    *dossiers.urlpatterns,
    *projects.urlpatterns,
    *resources.urlpatterns,
    *practices.urlpatterns,
    *search.urlpatterns,
]
