from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from consortium.core.views import healthz

# Staff sign in through allauth like everyone (its rate limits, second factor), never
# through the admin's own login form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("consortium.pages.urls")),
    path("", include("members.urls")),
    path("", include("events.urls")),
    path("", include("projects.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
