"""Who may open what: every named URL of the project, for every role.

The table below is the access policy. A new route without a row fails
`test_every_route_has_a_row`, so nobody adds a page without deciding who sees it.
"""

import importlib
import pkgutil
from urllib.parse import parse_qs, urlsplit

import pytest
from access import (
    ADMIN_LOGIN,
    DESK,
    HOME,
    LOGIN,
    REAUTHENTICATE,
    ROLES,
    SPACE,
    Expect,
    Redirect,
    Row,
    admin,
    admin_model,
    coordination_only,
    everyone,
    network,
    post_only,
    signed_in,
)
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory, in_days
from factories import TOTP_SECRET, CoordinatorFactory, ObserverFactory, UserFactory
from member_factories import (
    ActionFactory,
    AffiliationFactory,
    GroupMembershipFactory,
    NeedFactory,
    OrganizationFactory,
    PersonFactory,
    WorkingGroupFactory,
    member_of,
)

import consortium.urls
from consortium.core.enums import AuditAction, Role
from consortium.core.exports import XLSX_TYPE
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.services import audit_log_record, heartbeat_record
from events.models import CalendarFeed, ReminderPolicy
from members.enums import (
    AffiliationStatus,
    GroupMembershipStatus,
    OrganizationStatus,
    PersonStatus,
)
from members.models import (
    AgeGroup,
    Commune,
    ConsentRecord,
    Discipline,
    Epci,
    GroupDocument,
    NeedSupport,
    NeedTag,
    OrganizationType,
    Theme,
)
from members.services import person_ensure

MEMBERS_ADMIN = [
    f"members_{name}"
    for name in (
        "organizationtype",
        "discipline",
        "theme",
        "needtag",
        "organization",
        "person",
        "affiliation",
        "workinggroup",
        "groupmembership",
        "groupdocument",
        "action",
        "need",
        "needsupport",
    )
]

EVENTS_ADMIN = ["events_event", "events_session"]

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
    # allauth, public side. A signed-in visitor is sent to their area from login and signup.
    # Signed in already: to one's landing page, the desk for the coordination and observers.
    "account_login": Row(200, SPACE, DESK, DESK),
    "account_signup": Row(200, SPACE, DESK, DESK),
    "account_logout": Row(HOME, 200, 200, 200),
    "account_inactive": everyone(200),
    "account_email_verification_sent": everyone(200),
    "account_reset_password": everyone(200),
    "account_reset_password_done": everyone(200),
    "account_reset_password_from_key_done": everyone(200),
    # Login by code is off: the confirmation step has nothing to confirm.
    "account_confirm_login_code": Row(Redirect("/accounts/login/"), SPACE, DESK, DESK),
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
    # Second factor (allauth MFA), offered to every account. Changing it asks for the
    # password again (a force_login is not a recent confirmation). The coordinator has an
    # authenticator app but no recovery codes (CoordinatorFactory); the others have none.
    "mfa_index": signed_in(200),
    "mfa_activate_totp": signed_in(REAUTHENTICATE),
    "mfa_deactivate_totp": Row(LOGIN, 404, 404, REAUTHENTICATE),
    # The code step of a login in progress; with none, back to the login (or one's area).
    "mfa_authenticate": Row(Redirect("/accounts/login/"), SPACE, DESK, DESK),
    "mfa_reauthenticate": Row(
        LOGIN, Redirect("/accounts/reauthenticate/"), Redirect("/accounts/reauthenticate/"), 200
    ),
    "mfa_view_recovery_codes": signed_in(404),
    "mfa_download_recovery_codes": signed_in(404),
    "mfa_generate_recovery_codes": signed_in(REAUTHENTICATE),
    # Every account has a password, so "set" sends to "change".
    "account_set_password": signed_in(Redirect("/accounts/password/change/")),
    # Admin site: staff only. The coordinator is staff (see CoordinatorFactory).
    "admin:index": admin(200),
    # The admin's login is allauth's (its rate limits, the second factor): anonymous
    # visitors are sent there, signed-in non-staff are refused.
    "admin:login": Row(LOGIN, 403, 403, Redirect("/admin/")),
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
    # Second factors stay with superusers, like addresses (removing one opens the account).
    **admin_model(
        "mfa_authenticator", add=403, change=403, delete=403, history=403, changelist=403
    ),
    "admin:auth_user_password_change": admin(
        200, anonymous=LOGIN, kwargs=lambda s: {"id": s["core_user"].pk}
    ),
    # The audit log is read-only, even for the coordinator.
    **admin_model("core_auditlogentry", add=403, delete=403),
    **admin_model("core_workerheartbeat", add=403),
    # The outbox is a record: read it, retry failed messages (an action), nothing else.
    **admin_model("core_outboxmessage", add=403, delete=403),
    # --- The network (members app) ---------------------------------------------------
    # Member area: any signed-in person has one (a newcomer's is the onboarding).
    "members:space": signed_in(200),
    "members:profile": signed_in(200),
    "members:choose_organization": signed_in(200),
    "members:create_organization": signed_in(200),
    "members:preferences": signed_in(200),
    "members:export_data": signed_in(200),
    "members:delete_account": signed_in(200),
    # Joining an organisation is part of onboarding: open to newcomers and pending people.
    "members:join_organization": post_only(
        newcomer=405, pending=405, kwargs=lambda s: {"slug": s["org_b"].slug}
    ),
    # Only the organisation's referents (and the coordinator) manage it.
    "members:organization_manage": network(
        member=404,
        referent=200,
        observer=404,
        kwargs=lambda s: {"slug": s["org_a"].slug},
    ),
    # A pending partner may withdraw a request: leaving is not reserved to members.
    "members:leave_organization": post_only(
        newcomer=405, pending=405, kwargs=lambda s: {"slug": s["org_a"].slug}
    ),
    "members:affiliation_decide": post_only(kwargs=lambda s: s["affiliation_decision"]),
    # Coordination.
    "members:validations": coordination_only(),
    "members:import": coordination_only(),
    "members:import_export": coordination_only(
        kwargs=lambda s: {"kind": "structures", "extension": "csv"}
    ),
    "members:validation_decide": coordination_only(
        coordinator=405, kwargs=lambda s: {"pk": s["pending"].pk, "decision": "valider"}
    ),
    "members:validation_organization_decide": coordination_only(
        coordinator=405, kwargs=lambda s: {"pk": s["pending_org"].pk, "decision": "valider"}
    ),
    # Directory: public, with less for the public (see test_members_directory).
    "members:directory": everyone(200),
    "members:coverage": everyone(200),
    # An unlisted organisation is nobody's business but the network's.
    "members:organization": network(
        anonymous=404, newcomer=404, pending=404, kwargs=lambda s: {"slug": s["org_b"].slug}
    ),
    # Working groups: members only.
    "members:groups": network(),
    "members:group_create": coordination_only(),
    "members:group": network(kwargs=lambda s: {"slug": s["group"].slug}),
    "members:group_join": post_only(kwargs=lambda s: {"slug": s["group"].slug}),
    "members:group_leave": post_only(kwargs=lambda s: {"slug": s["group"].slug}),
    "members:group_member_add": network(
        member=404, observer=404, kwargs=lambda s: {"slug": s["group"].slug}
    ),
    "members:group_membership_decide": post_only(kwargs=lambda s: s["membership_decision"]),
    # Members of the group (the member and the referent) and the coordinator add content.
    "members:group_document_add": network(
        other_member=404, observer=404, kwargs=lambda s: {"slug": s["group"].slug}
    ),
    "members:group_document": network(kwargs=lambda s: s["document"]),
    "members:group_action_add": network(
        other_member=404, observer=404, kwargs=lambda s: {"slug": s["group"].slug}
    ),
    "members:group_action_edit": network(
        other_member=404,
        observer=404,
        kwargs=lambda s: {"slug": s["group"].slug, "pk": s["action"].pk},
    ),
    # Needs: the whole network reads them; the coordination acts on them.
    "members:needs": network(),
    "members:need_create": network(observer=404),
    "members:need": network(kwargs=lambda s: {"pk": s["need"].pk}),
    "members:needs_export": network(member=404),
    # Observers read; they do not act (404).
    "members:need_support": post_only(observer=404, kwargs=lambda s: {"pk": s["need"].pk}),
    **{
        f"members:need_{action}": post_only(
            others=404, coordinator=405, kwargs=lambda s: {"pk": s["need"].pk}
        )
        for action in ("triage", "merge", "close")
    },
    **{row: value for model in MEMBERS_ADMIN for row, value in admin_model(model).items()},
    # --- Meetings and trainings (events app) ------------------------------------------
    # The agenda is public; members-only events are the network's.
    "events:agenda": everyone(200),
    "events:agenda_ics": everyone(200),
    "events:personal_ics": everyone(200, kwargs=lambda s: {"token": s["feed_token"]}),
    "events:event": everyone(200, kwargs=lambda s: {"slug": s["event"].slug}),
    "events:event_ics": everyone(200, kwargs=lambda s: {"slug": s["event"].slug}),
    "events:my_registrations": network(),
    "events:register": post_only(observer=405, kwargs=lambda s: {"slug": s["event"].slug}),
    "events:unregister": post_only(kwargs=lambda s: {"slug": s["event"].slug}),
    # Only the trainee who attended downloads their certificate.
    "events:my_certificate": network(
        member=200,
        referent=404,
        other_member=404,
        observer=404,
        coordinator=404,
        kwargs=lambda s: {"slug": s["training"].slug},
    ),
    # The coordination's pages; observers read the registrations (and their CSV).
    # The Observation group reads the list of events (fill rates), without acting.
    "events:manage": coordination_only(observer=200),
    "events:create": coordination_only(),
    "events:reminders": coordination_only(),
    "events:edit": coordination_only(kwargs=lambda s: {"slug": s["event"].slug}),
    "events:sessions": coordination_only(kwargs=lambda s: {"slug": s["event"].slug}),
    "events:cancel": coordination_only(kwargs=lambda s: {"slug": s["event"].slug}),
    **{
        f"events:{name}": coordination_only(
            coordinator=405, kwargs=lambda s: {"slug": s["event"].slug}
        )
        for name in ("duplicate", "publish")
    },
    "events:registration_action": coordination_only(
        coordinator=405, kwargs=lambda s: s["registration_action"]
    ),
    **{
        f"events:{name}": network(
            newcomer=404,
            pending=404,
            member=404,
            observer=200,
            kwargs=lambda s: {"slug": s["event"].slug},
        )
        for name in ("registrations", "registrations_csv")
    },
    "events:attendance": coordination_only(kwargs=lambda s: s["attendance"]),
    "events:attendance_sheet": coordination_only(kwargs=lambda s: {"slug": s["event"].slug}),
    "events:certificate": coordination_only(kwargs=lambda s: s["certificate"]),
    **{row: value for model in EVENTS_ADMIN for row, value in admin_model(model).items()},
    **{
        row: value
        for model in ("events_registration", "events_attendance")
        for row, value in admin_model(model, add=403).items()
    },
    # A person's feed address and the one reminder policy are not created nor deleted here.
    **{
        row: value
        for model in ("events_calendarfeed", "events_reminderpolicy")
        for row, value in admin_model(model, add=403, delete=403).items()
    },
    # The territory, the fixed age ranges and the consent records are read-only.
    **{
        row: value
        for model in (
            "members_epci",
            "members_commune",
            "members_agegroup",
            "members_consentrecord",
        )
        for row, value in admin_model(model, add=403, delete=403).items()
    },
}


def _area_modules():
    """The modules of tests/access_rows/, each with ROUTES and samples(base)."""
    import access_rows

    return [
        importlib.import_module(f"access_rows.{info.name}")
        for info in pkgutil.iter_modules(access_rows.__path__)
    ]


AREAS = _area_modules()
for _area in AREAS:
    _overlap = ROUTES.keys() & _area.ROUTES.keys()
    assert not _overlap, f"rows declared twice: {sorted(_overlap)}"
    ROUTES.update(_area.ROUTES)

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
    return build_samples()


def build_samples() -> dict:
    """One object per kind a URL pattern needs, to build its kwargs (also used by the
    accessibility sweep, tests/browser/test_accessibility_sweep.py).

    A model registered in the admin gets a key named like its admin URL prefix
    (`members_organization`) and a line `**admin_model("members_organization")` above.
    """
    someone = UserFactory()
    pending = EmailAddress.objects.create(user=someone, email="nouvelle@exemple.fr")
    entry = audit_log_record(actor=None, action=AuditAction.ROLE_GRANTED, target=someone)
    network = _network_samples()
    base = {
        **network,
        **_event_samples(network["member"]),
        "core_user": someone,
        "auth_group": Group.objects.get_or_create(name=Role.COORDINATION.value)[0],
        "account_emailaddress": pending,
        "mfa_authenticator": TOTP.activate(someone, TOTP_SECRET).instance,
        "core_auditlogentry": entry,
        "core_workerheartbeat": heartbeat_record(worker="celery@exemple"),
        "core_outboxmessage": OutboxMessage.objects.create(
            kind="essai",
            template="essai",
            recipient_email="a@exemple.fr",
            language="fr",
            subject="Essai",
            body_text="Essai",
        ),
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
    for area in AREAS:
        base |= area.samples(base)
    return base


def _network_samples() -> dict:
    """Two organisations (A with a referent and a member, B unlisted), a pending partner,
    a working group with an action, a document and a request to join, and a need."""
    org_a = OrganizationFactory()
    org_b = OrganizationFactory(listed_publicly=False)
    referent, member = member_of(org_a, referent=True), member_of(org_a)
    other_member = member_of(org_b)
    pending = PersonFactory(status=PersonStatus.PENDING)
    pending_org = OrganizationFactory(status=OrganizationStatus.PENDING)
    AffiliationFactory(person=pending, organization=pending_org, status=AffiliationStatus.PENDING)
    request = AffiliationFactory(person=PersonFactory(), organization=org_a, status="pending")
    group = WorkingGroupFactory(is_open=False)
    GroupMembershipFactory(group=group, person=referent, is_facilitator=True)
    GroupMembershipFactory(group=group, person=member)
    asking = GroupMembershipFactory(
        group=group, person=PersonFactory(), status=GroupMembershipStatus.REQUESTED
    )
    document = GroupDocument.objects.create(
        group=group, title="Compte rendu", file=SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4")
    )
    need = NeedFactory(author=member)
    support = NeedSupport.objects.create(need=need, person=other_member)
    consent = ConsentRecord.objects.create(
        person=member, purpose="digest", given=True, wording_version="1", wording="Oui"
    )
    return {
        "org_a": org_a,
        "org_b": org_b,
        "pending": pending,
        "pending_org": pending_org,
        "member": member,
        "referent": referent,
        "other_member": other_member,
        "group": group,
        "action": ActionFactory(group=group),
        "document": {"slug": group.slug, "pk": document.pk},
        "need": need,
        "affiliation_decision": {"slug": org_a.slug, "pk": request.pk, "decision": "accepter"},
        "membership_decision": {"slug": group.slug, "pk": asking.pk, "decision": "accepter"},
        # One object per admin-registered model of the network.
        "members_organizationtype": OrganizationType.objects.first(),
        "members_discipline": Discipline.objects.first(),
        "members_theme": Theme.objects.first(),
        "members_needtag": NeedTag.objects.create(name="Urgent", slug="urgent"),
        "members_organization": org_a,
        "members_person": member,
        "members_affiliation": request,
        "members_workinggroup": group,
        "members_groupmembership": asking,
        "members_groupdocument": document,
        "members_action": group.actions.first(),
        "members_need": need,
        "members_needsupport": support,
        "members_epci": Epci.objects.first(),
        "members_commune": Commune.objects.first(),
        "members_agegroup": AgeGroup.objects.first(),
        "members_consentrecord": consent,
    }


def _event_samples(member) -> dict:
    """A public upcoming event (member registered), and a past training the member attended."""
    event = EventFactory()
    registration = RegistrationFactory(event=event, person=member)
    training = EventFactory(training=True, sessions=[(in_days(-10, 9, 0), in_days(-10, 12, 0))])
    attended = RegistrationFactory(event=training, person=member)
    attendance = AttendanceFactory(registration=attended)
    session = event.sessions.first()
    return {
        "event": event,
        "training": training,
        "feed_token": CalendarFeed.objects.create(person=member).token,
        "registration_action": {"slug": event.slug, "pk": registration.pk, "action": "annuler"},
        "attendance": {"slug": event.slug, "session_pk": session.pk},
        "certificate": {"slug": training.slug, "pk": attended.pk},
        "events_event": event,
        "events_session": session,
        "events_registration": registration,
        "events_attendance": attendance,
        "events_calendarfeed": CalendarFeed.objects.get(person=member),
        "events_reminderpolicy": ReminderPolicy.current(),
    }


def _observer_with_profile():
    return person_ensure(actor=ObserverFactory()).user  # as a first visit of /espace/ does


def log_in(client, role: str, samples: dict):
    factory = {
        "newcomer": UserFactory,
        "observer": ObserverFactory,
        "observer_with_profile": _observer_with_profile,
        "coordinator": CoordinatorFactory,
    }.get(role)
    if factory:
        client.force_login(factory())
    elif role != "anonymous":
        client.force_login(samples[role].user)


def _assert_answer(response, expected: Expect, requested: str, kwargs: dict):
    if isinstance(expected, int):
        assert response.status_code == expected, response.get("Location", "")
        return
    assert response.status_code == 302, f"expected a redirect, got {response.status_code}"
    location = urlsplit(response["Location"])
    assert location.path == expected.path.format(**kwargs)
    if expected.with_next:
        assert parse_qs(location.query).get("next") == [requested]


# Downloads of lists (spreadsheets, one's data as JSON) must leave an export entry in the
# audit log (consortium.core.services.export_record); files and PDFs are documents.
EXPORT_TYPES = ("text/csv", XLSX_TYPE, "application/json")
EXPORT_ACTIONS = (AuditAction.DATA_EXPORTED, AuditAction.SECURITY_LOG_EXPORTED)


def _exports_logged() -> int:
    return AuditLogEntry.objects.filter(action__in=EXPORT_ACTIONS).count()


def _is_export(response) -> bool:
    disposition = response.get("Content-Disposition", "")
    return disposition.startswith("attachment") and response.get("Content-Type", "").startswith(
        EXPORT_TYPES
    )


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_access(samples, subtests, name):
    """Every role on one route, the sample objects built once (one subtest per role)."""
    row = ROUTES[name]
    kwargs = row.kwargs(samples) if row.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        with subtests.test(role=role):
            client = Client()
            log_in(client, role, samples)
            logged = _exports_logged()
            response = client.get(url)
            if response.streaming:
                # Reading a streamed download to the end closes its file (the test
                # client's wrapper does it); response.close() would also close the
                # test's database connection.
                b"".join(response.streaming_content)
            _assert_answer(response, row.expected(role), url, kwargs)
            if _is_export(response):
                assert _exports_logged() == logged + 1, f"{url}: an export not in the audit log"


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
