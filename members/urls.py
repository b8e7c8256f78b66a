from django.urls import path

from .views import coordination, directory, groups, imports, needs, space

app_name = "members"

urlpatterns = [
    # Member area and onboarding
    path("espace/", space.home, name="space"),
    path("espace/profil/", space.profile, name="profile"),
    path("espace/structure/", space.choose_organization, name="choose_organization"),
    path("espace/structure/creer/", space.create_organization, name="create_organization"),
    path(
        "espace/structure/<slug:slug>/rejoindre/", space.join_organization, name="join_organization"
    ),
    path("espace/structures/<slug:slug>/", space.organization_manage, name="organization_manage"),
    path(
        "espace/structures/<slug:slug>/quitter/",
        space.leave_organization,
        name="leave_organization",
    ),
    path(
        "espace/structures/<slug:slug>/demandes/<int:pk>/<str:decision>/",
        space.affiliation_decide,
        name="affiliation_decide",
    ),
    path("espace/preferences/", space.preferences, name="preferences"),
    path("espace/mes-donnees.json", space.export_data, name="export_data"),
    path("espace/supprimer-mon-compte/", space.delete_account, name="delete_account"),
    # Coordination
    path("coordination/import/", imports.import_page, name="import"),
    path(
        "coordination/import/export-<str:kind>.<str:extension>",
        imports.export,
        name="import_export",
    ),
    path("coordination/validations/", coordination.queue, name="validations"),
    path(
        "coordination/validations/<int:pk>/<str:decision>/",
        coordination.decide,
        name="validation_decide",
    ),
    path(
        "coordination/validations/structures/<int:pk>/<str:decision>/",
        coordination.organization_decide,
        name="validation_organization_decide",
    ),
    # Directory
    path("reseau/", directory.directory, name="directory"),
    path("reseau/couverture/", directory.coverage, name="coverage"),
    path("reseau/<slug:slug>/", directory.organization, name="organization"),
    # Working groups
    path("groupes/", groups.group_list, name="groups"),
    path("groupes/nouveau/", groups.group_create, name="group_create"),
    path("groupes/<slug:slug>/", groups.group_detail, name="group"),
    path("groupes/<slug:slug>/rejoindre/", groups.group_join, name="group_join"),
    path("groupes/<slug:slug>/quitter/", groups.group_leave, name="group_leave"),
    path("groupes/<slug:slug>/membres/ajouter/", groups.member_add, name="group_member_add"),
    path(
        "groupes/<slug:slug>/membres/<int:pk>/<str:decision>/",
        groups.membership_decide,
        name="group_membership_decide",
    ),
    path("groupes/<slug:slug>/documents/ajouter/", groups.document_add, name="group_document_add"),
    path(
        "groupes/<slug:slug>/documents/<int:pk>/",
        groups.document_download,
        name="group_document",
    ),
    path("groupes/<slug:slug>/actions/ajouter/", groups.action_add, name="group_action_add"),
    path(
        "groupes/<slug:slug>/actions/<int:pk>/modifier/",
        groups.action_edit,
        name="group_action_edit",
    ),
    # Needs
    path("besoins/", needs.need_list, name="needs"),
    path("besoins/export.csv", needs.need_export, name="needs_export"),
    path("besoins/nouveau/", needs.need_create, name="need_create"),
    path("besoins/<int:pk>/", needs.need_detail, name="need"),
    path("besoins/<int:pk>/soutenir/", needs.need_support, name="need_support"),
    path("besoins/<int:pk>/traiter/", needs.need_triage, name="need_triage"),
    path("besoins/<int:pk>/fusionner/", needs.need_merge, name="need_merge"),
    path("besoins/<int:pk>/clore/", needs.need_close, name="need_close"),
]
