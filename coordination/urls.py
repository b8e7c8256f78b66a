from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("coordination/", views.dashboard, name="dashboard"),
]
