from django.urls import path

from .views import desk

app_name = "coordination"

urlpatterns = [
    path("coordination/", desk.dashboard, name="dashboard"),
]
