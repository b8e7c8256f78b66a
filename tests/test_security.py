"""Security: admin login through allauth, the second factor, client addresses behind a
proxy, login without Redis, image dimensions, CSP / Permissions-Policy headers and the cap
on request bodies."""

import io
import logging
import os
import re
import socket
import struct
import subprocess
import sys
import time
import zlib

import pytest
import redis
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import PASSWORD, CoordinatorFactory, UserFactory, totp_code
from PIL import Image

from consortium.core.middleware import idle_cache_key
from consortium.core.uploads import MAX_IMAGE_PIXELS, validate_image

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"


def login(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": user.email, "password": password}, **extra)


def login_and_confirm(client, user):
    """Log in, then confirm the password, as allauth asks before any change to the
    second factor (a login alone does not count as a confirmation)."""
    assert login(client, user).status_code == 302
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


# --- 1. The admin's login is allauth's ----------------------------------------------


def test_admin_login_sends_to_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert response.url == f"{LOGIN}?next=%2Fadmin%2F"


def test_admin_login_form_does_not_log_anyone_in(client):
    coordinator = CoordinatorFactory()
    response = client.post("/admin/login/", {"username": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_staff_logged_in_through_allauth_use_the_admin(client):
    coordinator = CoordinatorFactory()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)

    response = login(client, coordinator)
    response = client.post(response.url, {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_partner_logged_in_does_not_get_the_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403


# --- 2. Second factor ----------------------------------------------------------------


def test_a_coordinator_without_second_factor_is_sent_to_its_activation(client):
    login_and_confirm(client, CoordinatorFactory(second_factor=False))
    for path in ("/", "/espace/", "/admin/", "/coordination/validations/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == ACTIVATE, path
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activer la double authentification" in html
    assert 'class="skip-link"' in html  # the site's layout
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/accounts/logout/").status_code == 302


def test_staff_without_second_factor_is_sent_to_its_activation(client):
    client.force_login(UserFactory(is_staff=True, second_factor=False))
    response = client.get("/espace/")
    assert (response.status_code, response.url) == (302, ACTIVATE)


def test_activating_the_authenticator_app_opens_the_pages(client):
    coordinator = CoordinatorFactory(second_factor=False)
    login(client, coordinator)
    # The activation page first asks to confirm the password (allauth's reauthentication).
    response = client.get(ACTIVATE)
    assert response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    assert Authenticator.objects.filter(user=coordinator, type="recovery_codes").exists()
    assert client.get("/admin/").status_code == 200


def test_a_coordinator_with_second_factor_reaches_the_pages(client):
    client.force_login(CoordinatorFactory())
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_partner_is_offered_the_second_factor_but_not_forced(client):
    login_and_confirm(client, UserFactory())
    assert client.get("/").status_code == 200
    index = client.get("/accounts/2fa/")
    assert index.status_code == 200
    assert "Double authentification" in index.content.decode()
    assert client.get(ACTIVATE).status_code == 200


def test_the_member_area_links_to_the_second_factor(client, member):
    client.force_login(member.user)
    assert reverse("mfa_index") in client.get("/espace/").content.decode()


def test_login_with_an_authenticator_asks_for_the_code(client):
    coordinator = CoordinatorFactory()
    response = login(client, coordinator)
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "Code de vérification" in page.content.decode()

    wrong = client.post(response.url, {"code": "000000" if totp_code() != "000000" else "1"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(response.url, {"code": totp_code()}).status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_a_partner_without_authenticator_logs_in_with_the_password_alone(client):
    partner = UserFactory()
    response = login(client, partner)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(partner.pk)


# --- 3. Client addresses behind the reverse proxy -----------------------------------


def locked_out(client, n, forwarded_for) -> bool:
    """Whether a failed login from `forwarded_for` (through the proxy) was refused as one
    attempt too many."""
    response = client.post(
        LOGIN,
        {"login": f"inconnu{n}@exemple.fr", "password": "mauvais-mot-de-passe"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",  # the proxy
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data().values()
    codes = {error.code for field_errors in errors for error in field_errors}
    return "too_many_login_attempts" in codes


def test_clients_behind_one_proxy_are_rate_limited_separately(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attempts = [locked_out(client, n, "203.0.113.7") for n in range(11)]
    assert attempts == [False] * 10 + [True]
    # Another visitor, through the same proxy, is not locked out.
    assert not locked_out(Client(), 99, "198.51.100.4")


def test_the_environment_sets_the_proxies_the_body_cap_and_the_cache():
    """Production settings come from the environment (django-environ in settings/base.py)."""
    script = (
        "from consortium.settings import base; "
        "print(base.ALLAUTH_TRUSTED_PROXY_COUNT, base.REQUEST_MAX_BODY_SIZE, "
        "base.CACHES['default']['BACKEND'])"
    )
    environment = {
        **os.environ,
        "ALLAUTH_TRUSTED_PROXY_COUNT": "2",
        "DJANGO_REQUEST_MAX_BODY_SIZE": "1234",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
    }
    output = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert output == ["2", "1234", "consortium.core.cache.ResilientRedisCache"]


def test_without_trusted_proxy_every_client_shares_the_proxy_s_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        locked_out(client, n, "203.0.113.7")
    # X-Forwarded-For, which any client can forge, is not believed.
    assert locked_out(Client(), 99, "198.51.100.4")


# --- 4. Login while Redis is down -----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_login_works_while_redis_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "consortium.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "RETRY_AFTER": 0},
        }
    }
    partner = UserFactory()
    with caplog.at_level(logging.WARNING, logger="consortium.core.cache"):
        response = login(client, partner)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(partner.pk)
        assert caches["default"].get("absent", "défaut") == "défaut"
        assert caches["default"].add("clé", 1) is True
    warnings = [r for r in caplog.records if r.name == "consortium.core.cache"]
    assert len(warnings) == 1  # once per outage, not once per call


def test_the_cache_stores_in_redis_when_it_answers(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "consortium.core.cache.ResilientRedisCache", "LOCATION": redis_url}
    }
    cache = caches["default"]
    cache.set("essai-securite", "valeur", 30)
    try:
        raw = redis.Redis.from_url(redis_url)
        assert raw.exists(cache.make_and_validate_key("essai-securite"))
        assert cache.get("essai-securite") == "valeur"
        assert cache.add("essai-securite", "autre") is False
    finally:
        cache.delete("essai-securite")


def test_the_cache_skips_redis_for_a_while_after_an_error(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "consortium.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"RETRY_AFTER": 60},
        }
    }
    cache = caches["default"]
    calls = []
    original = cache._cache.get

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    cache._cache.get = counted
    assert cache.get("a") is None
    assert cache.get("b") is None
    assert len(calls) == 1


# --- 5. Image dimensions, read from the header -------------------------------------


def huge_png(width=13_000, height=13_000) -> bytes:
    """A 1-bit black PNG of width × height pixels: a few dozen kilobytes on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte, then the packed bits
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_huge_image_in_few_bytes_is_refused_before_decoding(monkeypatch):
    data = huge_png()
    assert len(data) < 100_000
    upload = SimpleUploadedFile("atelier.png", data, content_type="image/png")
    monkeypatch.setattr(
        Image.Image, "load", lambda self: pytest.fail("the pixels must not be decoded")
    )
    with pytest.raises(ValidationError) as error:
        validate_image(upload)
    assert error.value.code == "dimensions"
    assert "13000 × 13000 pixels" in error.value.messages[0]
    assert "40 millions de pixels au maximum" in error.value.messages[0]


def test_an_image_at_the_limit_is_accepted():
    buffer = io.BytesIO()
    Image.new("1", (MAX_IMAGE_PIXELS // 5000, 5000)).save(buffer, "PNG")
    validate_image(SimpleUploadedFile("grande.png", buffer.getvalue()))


# --- 6. Content-Security-Policy, Permissions-Policy, request bodies -------------------

INLINE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)


def inline_elements(html: str):
    """(tag, attributes) of every <script> without src and every <style>."""
    return [
        (tag, attrs)
        for tag, attrs in INLINE.findall(html)
        if tag.lower() == "style" or "src=" not in attrs
    ]


def test_pages_send_a_strict_csp_and_a_permissions_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert directives["object-src"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", LOGIN, "/accounts/signup/", "/admin/", ACTIVATE])
def test_inline_scripts_and_styles_carry_the_nonce_and_no_style_attribute(client, path):
    if path == "/admin/":
        client.force_login(CoordinatorFactory())
    elif path == ACTIVATE:
        login_and_confirm(client, CoordinatorFactory(second_factor=False))
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    nonces = re.findall(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    for tag, attrs in inline_elements(html):
        assert nonces and f'nonce="{nonces[0]}"' in attrs, f"<{tag}{attrs}> on {path}"
    assert not re.search(r"\sstyle=", html), f"inline style attribute on {path}"


def test_the_nonce_of_the_policy_is_the_one_templates_get(rf):
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">1</script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    request = rf.get("/")
    request.user = AnonymousUser()
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_an_oversized_body_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BODY_SIZE = 1000
    response = client.post(LOGIN, data=b"x" * 10, content_type="text/plain", CONTENT_LENGTH="5000")
    assert response.status_code == 413
    assert client.post(LOGIN, {"login": "a@exemple.fr", "password": "x"}).status_code == 200


# --- Idle sessions of coordinators and staff (ASVS 5.0 7.3.1) --------------------------------


def _idle_key(client):
    return idle_cache_key(client.session.session_key)


def _last_seen(client, seconds_ago):
    cache.set(_idle_key(client), int(time.time()) - seconds_ago)


def test_a_coordinator_idle_too_long_is_signed_out_and_sent_to_the_login(coordinator_client):
    assert coordinator_client.get("/coordination/").status_code == 200
    session_key = coordinator_client.session.session_key
    assert session_key not in _idle_key(coordinator_client)  # a digest, not the key
    _last_seen(coordinator_client, settings.PRIVILEGED_SESSION_IDLE_SECONDS + 5)
    response = coordinator_client.get("/coordination/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/coordination/"
    assert "_auth_user_id" not in coordinator_client.session
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "30 minutes sans activité" in page


def test_an_active_coordinator_stays_and_the_time_is_written_once_a_minute(coordinator_client):
    _last_seen(coordinator_client, settings.PRIVILEGED_SESSION_IDLE_SECONDS - 60)
    assert coordinator_client.get("/coordination/").status_code == 200
    refreshed = cache.get(_idle_key(coordinator_client))
    assert time.time() - refreshed < 5
    _last_seen(coordinator_client, 10)
    before = cache.get(_idle_key(coordinator_client))
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get("/coordination/")
    assert cache.get(_idle_key(coordinator_client)) == before  # not rewritten within the minute
    assert not [q for q in queries if "session" in q["sql"].lower() and "UPDATE" in q["sql"]]


def test_partners_keep_their_session_however_long_they_wait(partner_client):
    _last_seen(partner_client, 10 * settings.PRIVILEGED_SESSION_IDLE_SECONDS)
    assert partner_client.get("/espace/").status_code == 200
    assert "_auth_user_id" in partner_client.session
