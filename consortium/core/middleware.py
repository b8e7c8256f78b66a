import hashlib
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .permissions import is_coordinator


class LanguageMiddleware:
    """French first: the language is the visitor's explicit choice, else French.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    département's portal answers in French unless someone picks English with the
    language switcher (which sets the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose announced body is larger than REQUEST_MAX_BODY_SIZE,
    before anything reads it (Django would otherwise stream it to a temporary file).

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE only counts the fields that are not files; this
    bounds the whole body, files included. It sits right after SecurityMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_SIZE:
            return HttpResponse(
                _("La requête est trop volumineuse."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY (browser features the site never uses, turned off
    for it and for anything it might embed) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class SecondFactorRequiredMiddleware:
    """Coordinators and staff must use a second factor: until they have activated an
    authenticator app, every page sends them to its activation page.

    Their account pages (under /accounts/: activation itself, logout, password), static
    files, the health check and the language switch stay reachable.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = (*self.EXEMPT_PREFIXES, settings.STATIC_URL)

    def __call__(self, request):
        if self._must_activate(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_activate(self, request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.exempt):
            return False
        if not (user.is_staff or is_coordinator(user)):
            return False
        return not is_mfa_enabled(user, [Authenticator.Type.TOTP])


def idle_cache_key(session_key: str) -> str:
    """Where the last request of a session is kept: a digest, never the session key."""
    return "privileged-idle:" + hashlib.sha256(session_key.encode()).hexdigest()[:32]


class PrivilegedIdleTimeoutMiddleware:
    """Sign out coordinators and staff after PRIVILEGED_SESSION_IDLE_SECONDS without a
    request (ASVS 5.0 7.3.1): their sessions open every member's data, and the coordinator
    works on the road, on shared computers.

    The time of a session's last request is kept in the cache (Redis in production, shared
    by the web processes), under a digest of the session key, and written at most once a
    minute: no database write per request. A session the cache does not know yet starts
    counting now. Partners keep the session's own lifetime (two weeks at most).
    """

    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        session_key = request.session.session_key
        if session_key and user.is_authenticated and (user.is_staff or is_coordinator(user)):
            key = idle_cache_key(session_key)
            last = cache.get(key)
            now = time.time()
            if last is not None and now - last > settings.PRIVILEGED_SESSION_IDLE_SECONDS:
                cache.delete(key)
                return self._sign_out(request)
            if last is None or now - last > self.WRITE_EVERY_SECONDS:
                cache.set(key, int(now), timeout=settings.SESSION_COOKIE_AGE)
        return self.get_response(request)

    def _sign_out(self, request):
        logout(request)
        minutes = settings.PRIVILEGED_SESSION_IDLE_SECONDS // 60
        messages.info(
            request,
            ngettext(
                "Votre session a été fermée après %(minutes)s minute sans activité : "
                "reconnectez-vous pour continuer.",
                "Votre session a été fermée après %(minutes)s minutes sans activité : "
                "reconnectez-vous pour continuer.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return redirect_to_login(request.get_full_path())
