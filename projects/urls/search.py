from django.urls import path

from ..views import search

urlpatterns = [
    path("recherche/", search.search_page, name="search"),
]
