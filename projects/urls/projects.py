from django.urls import path

from ..views import projects as views

urlpatterns = [
    path("projets/", views.project_list, name="projects"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<slug:slug>/", views.project_detail, name="project"),
    path("projets/<slug:slug>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<slug:slug>/partenaires/", views.project_partners, name="project_partners"),
    path(
        "projets/<slug:slug>/partenaires/<int:pk>/retirer/",
        views.project_partner_remove,
        name="project_partner_remove",
    ),
]
