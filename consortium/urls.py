from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from consortium.core.views import healthz, security_log, security_log_export

# Staff sign in through allauth like everyone (its rate limits, second factor), never
# through the admin's own login form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("consortium.pages.urls")),
    path("", include("members.urls")),
    path("", include("events.urls")),
    path("", include("projects.urls")),
    path("", include("evaluations.urls")),
    path("", include("coordination.urls")),
    path("healthz", healthz, name="healthz"),
    # The data-protection officer's extract of security events (superusers only).
    path("securite/journal/", security_log, name="security_log"),
    path("securite/journal.<str:fmt>", security_log_export, name="security_log_export"),
    path("accounts/", include("allauth.urls")),
    # The language switch sets a preference cookie and nothing else: it takes no CSRF
    # token, so that anonymous pages carry no form token and no CSRF cookie, and can be
    # cached (consortium.core.pagecache).
    path("i18n/setlang/", login_not_required(csrf_exempt(set_language)), name="set_language"),
    path("admin/", admin.site.urls),
]
# /media/ is never served, not even under DEBUG: dossier files live there. Views check who
# may see a file, then send it (consortium/core/downloads.py).
