"""The funding watch: /financements/ (members), its public page, and the digest's links.

Fixed addresses come before /financements/<slug>/; their words are reserved slugs
(services.opportunities.OPPORTUNITY_RESERVED_SLUGS).
"""

from django.urls import path

from ..views import opportunities as views

urlpatterns = [
    path("financements/", views.opportunity_list, name="opportunities"),
    path("financements/publiques/", views.opportunity_public_list, name="opportunities_public"),
    path("financements/nouvelle/", views.opportunity_create, name="opportunity_create"),
    path("financements/<slug:slug>/", views.opportunity_detail, name="opportunity"),
    path("financements/<slug:slug>/modifier/", views.opportunity_edit, name="opportunity_edit"),
    path(
        "financements/<slug:slug>/publier/", views.opportunity_publish, name="opportunity_publish"
    ),
    path(
        "financements/<slug:slug>/depublier/",
        views.opportunity_unpublish,
        name="opportunity_unpublish",
    ),
    path("financements/<slug:slug>/suivre/", views.opportunity_follow, name="opportunity_follow"),
    path(
        "financements/<slug:slug>/ne-plus-suivre/",
        views.opportunity_unfollow,
        name="opportunity_unfollow",
    ),
    path(
        "financements/<slug:slug>/pieces-jointes/<int:pk>/",
        views.opportunity_attachment,
        name="opportunity_attachment",
    ),
    path(
        "veille/desabonnement/<str:token>/",
        views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
