from django.urls import path

from .views import desk, inbox, mailings

app_name = "coordination"

urlpatterns = [
    path("coordination/", desk.dashboard, name="dashboard"),
    path("coordination/envois/", mailings.mailing_list, name="mailings"),
    path("coordination/envois/nouveau/", mailings.mailing_create, name="mailing_create"),
    path("coordination/envois/<int:pk>/", mailings.mailing_detail, name="mailing"),
    path("coordination/envois/<int:pk>/modifier/", mailings.mailing_edit, name="mailing_edit"),
    path("coordination/envois/<int:pk>/tester/", mailings.mailing_test, name="mailing_test"),
    path("coordination/envois/<int:pk>/envoyer/", mailings.mailing_send, name="mailing_send"),
    path(
        "coordination/envois/<int:pk>/abandonner/", mailings.mailing_cancel, name="mailing_cancel"
    ),
    path("espace/messages/", inbox.my_mailings, name="my_mailings"),
    path("espace/messages/<int:pk>/", inbox.my_mailing, name="my_mailing"),
    path("espace/messages/abonnement/", inbox.my_subscription, name="my_subscription"),
    path("envois/desinscription/<str:token>/", inbox.unsubscribe, name="unsubscribe"),
]
