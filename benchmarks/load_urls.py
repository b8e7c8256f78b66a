"""URLs of the load benchmark only: the site, plus a bare view mounted in the same
middleware stack, the ceiling every page is compared with."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path("__bare__/", bare),
    path("", include("consortium.urls")),
]
