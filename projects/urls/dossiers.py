"""Dossiers (suivi administratif): /dossiers/…"""

from django.urls import path

from ..views import dossiers as views

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/tableau/", views.dossier_board, name="dossier_board"),
    path("dossiers/export.csv", views.dossiers_csv, name="dossiers_csv"),
    path("dossiers/nouveau/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/modifier/", views.dossier_edit, name="dossier_edit"),
    path(
        "dossiers/<int:pk>/etape/<slug:name>/",
        views.dossier_transition,
        name="dossier_transition",
    ),
    path("dossiers/<int:pk>/pieces/", views.dossier_document_add, name="dossier_document_add"),
    path(
        "dossiers/<int:pk>/pieces/<int:document_pk>/cocher/",
        views.dossier_document_toggle,
        name="dossier_document_toggle",
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:document_pk>/fichier/",
        views.dossier_document_upload,
        name="dossier_document_upload",
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:document_pk>/telecharger/",
        views.dossier_document_file,
        name="dossier_document_file",
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:document_pk>/supprimer/",
        views.dossier_document_delete,
        name="dossier_document_delete",
    ),
    path(
        "dossiers/<int:pk>/echeances/",
        views.dossier_deadline_add,
        name="dossier_deadline_add",
    ),
    path(
        "dossiers/<int:pk>/echeances/<int:deadline_pk>/supprimer/",
        views.dossier_deadline_delete,
        name="dossier_deadline_delete",
    ),
]
