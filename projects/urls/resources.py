from django.urls import path

from ..views import resources as views

urlpatterns = [
    path("ressources/", views.resource_list, name="resources"),
    path("ressources/nouvelle/", views.resource_create, name="resource_create"),
    path("ressources/<slug:slug>/", views.resource_detail, name="resource"),
    path("ressources/<slug:slug>/telecharger/", views.resource_download, name="resource_download"),
    path("ressources/<slug:slug>/modifier/", views.resource_edit, name="resource_edit"),
    path("ressources/<slug:slug>/publier/", views.resource_publish, name="resource_publish"),
    path("ressources/<slug:slug>/brouillon/", views.resource_unpublish, name="resource_unpublish"),
]
