"""Who may open what: every named URL of the project, for every role.

The table below is the access policy. A new route without a row fails
`test_every_route_has_a_row`, so nobody adds a page without deciding who sees it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from factories import CoordinatorFactory, ObserverFactory, UserFactory

import consortium.urls
from consortium.core.enums import AuditAction, Role
from consortium.core.services import audit_log_record, heartbeat_record

ROLES = ("anonymous", "partner", "observer", "coordinator")


@dataclass(frozen=True)
class Redirect:
    """A 302 to `path`; `with_next`: the query carries ?next=<the requested path>."""

    path: str
    with_next: bool = False


LOGIN = Redirect("/accounts/login/", with_next=True)
ADMIN_LOGIN = Redirect("/admin/login/", with_next=True)
HOME = Redirect("/")

Expect = int | Redirect


@dataclass(frozen=True)
class Row:
    anonymous: Expect
    partner: Expect
    observer: Expect
    coordinator: Expect
    # Builds the URL kwargs from the sample objects (see `samples`).
    kwargs: Callable[[dict], dict] | None = None


def everyone(expect: Expect, kwargs=None) -> Row:
    return Row(expect, expect, expect, expect, kwargs)


def signed_in(expect: Expect, *, anonymous: Expect = LOGIN, kwargs=None) -> Row:
    return Row(anonymous, expect, expect, expect, kwargs)


def admin(coordinator: Expect, *, anonymous: Expect = ADMIN_LOGIN, kwargs=None) -> Row:
    """Admin pages: non-staff users are sent to the admin login page like anonymous ones."""
    return Row(anonymous, ADMIN_LOGIN, ADMIN_LOGIN, coordinator, kwargs)


def admin_model(
    prefix: str,
    *,
    add: int = 200,
    change: int = 200,
    delete: int = 200,
    history: int = 200,
    changelist: int = 200,
) -> dict[str, Row]:
    """The five admin routes of one registered model, for the coordinator's permissions.

    Anonymous visitors meet LoginRequiredMiddleware first (ModelAdmin views are not marked
    login_not_required, unlike the admin site's own views), hence the site's login page.
    """
    by_id = _kwargs_for(prefix)
    return {
        f"admin:{prefix}_changelist": admin(changelist, anonymous=LOGIN),
        f"admin:{prefix}_add": admin(add, anonymous=LOGIN),
        f"admin:{prefix}_change": admin(change, anonymous=LOGIN, kwargs=by_id),
        f"admin:{prefix}_delete": admin(delete, anonymous=LOGIN, kwargs=by_id),
        f"admin:{prefix}_history": admin(history, anonymous=LOGIN, kwargs=by_id),
    }


def _kwargs_for(prefix: str):
    return lambda samples: {"object_id": samples[prefix].pk}


ROUTES: dict[str, Row] = {
    # Public site pages.
    "pages:home": everyone(200),
    "pages:accessibility": everyone(200),
    "pages:legal_notice": everyone(200),
    "pages:privacy": everyone(200),
    "healthz": everyone(200),
    # Language switcher: a GET changes nothing and goes back home (Django's set_language
    # only sets the cookie on POST; it does not answer 405).
    "set_language": everyone(HOME),
    # allauth, public side. A signed-in visitor is sent home from login and signup.
    "account_login": Row(200, HOME, HOME, HOME),
    "account_signup": Row(200, HOME, HOME, HOME),
    "account_logout": Row(HOME, 200, 200, 200),
    "account_inactive": everyone(200),
    "account_email_verification_sent": everyone(200),
    "account_reset_password": everyone(200),
    "account_reset_password_done": everyone(200),
    "account_reset_password_from_key_done": everyone(200),
    # Login by code is off: the confirmation step has nothing to confirm.
    "account_confirm_login_code": Row(Redirect("/accounts/login/"), HOME, HOME, HOME),
    "account_confirm_email": everyone(200, kwargs=lambda s: {"key": s["confirmation_key"]}),
    # A valid reset link moves the key into the session and redirects to a key-less URL
    # (so that the key does not leak through the Referer header).
    "account_reset_password_from_key": everyone(
        Redirect("/accounts/password/reset/key/{uidb36}-set-password/"),
        kwargs=lambda s: s["reset"],
    ),
    # allauth, signed-in side.
    "account_email": signed_in(200),
    "account_change_password": signed_in(200),
    "account_reauthenticate": signed_in(200),
    # Every account has a password, so "set" sends to "change".
    "account_set_password": signed_in(Redirect("/accounts/password/change/")),
    # Admin site: staff only. The coordinator is staff (see CoordinatorFactory).
    "admin:index": admin(200),
    "admin:login": Row(200, 200, 200, Redirect("/admin/")),
    # Logging out is a POST; a non-staff user is sent to the admin index, hence login.
    "admin:logout": Row(ADMIN_LOGIN, Redirect("/admin/"), Redirect("/admin/"), 405),
    "admin:password_change": admin(200),
    "admin:password_change_done": admin(200),
    # Without its query parameters the autocomplete endpoint refuses.
    "admin:autocomplete": admin(403),
    "admin:jsi18n": admin(200),
    # No model of the project has get_absolute_url yet.
    "admin:view_on_site": admin(404, kwargs=lambda s: s["view_on_site"]),
    "admin:app_list": admin(200, kwargs=lambda s: {"app_label": "core"}),
    # The Coordination group has every permission of the project's apps, not auth's:
    # groups (and so permissions) stay with superusers; nor allauth's addresses, since
    # changing a superuser's address would let her reset its password.
    **admin_model("auth_group", add=403, change=403, delete=403, history=403, changelist=403),
    **admin_model(
        "account_emailaddress", add=403, change=403, delete=403, history=403, changelist=403
    ),
    **admin_model("core_user"),
    "admin:auth_user_password_change": admin(
        200, anonymous=LOGIN, kwargs=lambda s: {"id": s["core_user"].pk}
    ),
    # The audit log is read-only, even for the coordinator.
    **admin_model("core_auditlogentry", add=403, delete=403),
    **admin_model("core_workerheartbeat", add=403),
}

# Named routes deliberately left out of the table, with the reason. Keep this short.
EXCLUDED: dict[str, str] = {}


def named_routes(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the project, with its namespace (`admin:index`)."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names |= named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_has_a_row():
    routes = named_routes()
    missing = routes - ROUTES.keys() - EXCLUDED.keys()
    stale = (ROUTES.keys() | EXCLUDED.keys()) - routes
    assert not missing, f"routes without a row in the access matrix: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def samples(db):
    """One object per kind a URL pattern needs, to build its kwargs.

    A model registered in the admin gets a key named like its admin URL prefix
    (`members_organization`) and a line `**admin_model("members_organization")` above.
    """
    someone = UserFactory()
    pending = EmailAddress.objects.create(user=someone, email="nouvelle@exemple.fr")
    entry = audit_log_record(actor=None, action=AuditAction.ROLE_GRANTED, target=someone)
    return {
        "core_user": someone,
        "auth_group": Group.objects.get_or_create(name=Role.COORDINATION.value)[0],
        "account_emailaddress": pending,
        "core_auditlogentry": entry,
        "core_workerheartbeat": heartbeat_record(worker="celery@exemple"),
        "confirmation_key": EmailConfirmationHMAC(pending).key,
        "reset": {
            "uidb36": user_pk_to_url_str(someone),
            "key": default_token_generator.make_token(someone),
        },
        "view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(someone).pk,
            "object_id": someone.pk,
        },
    }


def _log_in(client, role: str):
    factory = {
        "partner": UserFactory,
        "observer": ObserverFactory,
        "coordinator": CoordinatorFactory,
    }.get(role)
    if factory:
        client.force_login(factory())


def _assert_answer(response, expected: Expect, requested: str, kwargs: dict):
    if isinstance(expected, int):
        assert response.status_code == expected, response.get("Location", "")
        return
    assert response.status_code == 302, f"expected a redirect, got {response.status_code}"
    location = urlsplit(response["Location"])
    assert location.path == expected.path.format(**kwargs)
    if expected.with_next:
        assert parse_qs(location.query).get("next") == [requested]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_access(client, samples, name, role):
    row = ROUTES[name]
    kwargs = row.kwargs(samples) if row.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    _log_in(client, role)
    response = client.get(url)
    _assert_answer(response, getattr(row, role), url, kwargs)


def _private_view(request):
    return HttpResponse("privé")


class _UrlConfWithAnUnmarkedView:
    # A module-like object is a valid ROOT_URLCONF; allauth's login URL must stay reachable.
    urlpatterns = [path("test-prive/", _private_view), *consortium.urls.urlpatterns]


def test_login_is_required_by_default(client, settings):
    """LoginRequiredMiddleware is on: a view nobody marked public asks anonymous users to log in.

    (allauth's and the admin's views carry their own login checks, so only a plain view
    proves the middleware.)
    """
    settings.ROOT_URLCONF = _UrlConfWithAnUnmarkedView
    response = client.get("/test-prive/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/test-prive/"


def test_account_email_page_asks_anonymous_users_to_log_in(client):
    response = client.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/email/"


def _user_change_form(target, **changes) -> dict:
    data = {
        "email": target.email,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "language": target.language,
        "is_active": "on",
        "date_joined_0": target.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "groups": [],
    }
    data.update(changes)
    return data


def test_coordinator_cannot_make_anyone_superuser(coordinator_client, coordinator):
    """Superuser and staff flags and groups are above the coordinator's role.

    Her group can change users (to fix a name or deactivate an account); it must not let
    her raise herself or anyone else to superuser.
    """
    url = reverse("admin:core_user_change", kwargs={"object_id": coordinator.pk})
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(
        url, _user_change_form(coordinator, is_staff="on", is_superuser="on")
    )
    assert response.status_code in {200, 302}
    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


def test_coordinator_cannot_set_a_superusers_password(coordinator_client):
    """Changing an administrator's password would be a way to become them."""
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:auth_user_password_change", kwargs={"id": admin_user.pk})
    coordinator_client.post(
        url, {"password1": "prise-de-controle-2026", "password2": "prise-de-controle-2026"}
    )
    admin_user.refresh_from_db()
    assert not admin_user.check_password("prise-de-controle-2026")
