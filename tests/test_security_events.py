"""Security events in the audit log (consortium/core/security.py) and the data-protection
officer's extract: logins, failed logins without the password, logouts, second factor,
role changes in the admin, deletions, exports; what they keep (a network, a digest),
who reads them, and for how long."""

import io
import json
from datetime import timedelta

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, CoordinatorFactory, UserFactory, totp_code
from openpyxl import load_workbook

from consortium.core.enums import AuditAction, Role
from consortium.core.models import AuditLogEntry
from consortium.core.security import (
    SecurityKind,
    client_network,
    identifier_digest,
    security_action_labels,
    security_actions,
)
from consortium.core.services import audit_log_purge, audit_log_record
from members.enums import MembersAuditAction

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADDRESS = "203.0.113.57"
WRONG = "pas-le-bon-mot-de-passe-42"
EXTRACT = reverse("security_log")


def entries(action) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action).order_by("pk"))


def only(action) -> AuditLogEntry:
    found = entries(action)
    assert len(found) == 1, [entry.data for entry in found]
    return found[0]


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ADDRESS)


def confirm_password(client):
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


# --- What an entry keeps ---------------------------------------------------------------


def test_client_addresses_are_cut_to_their_network(rf):
    assert client_network(rf.get("/", REMOTE_ADDR="203.0.113.57")) == "203.0.113.0/24"
    ipv6 = rf.get("/", REMOTE_ADDR="2001:db8:abcd:12:1:2:3:4")
    assert client_network(ipv6) == "2001:db8:abcd::/48"
    assert client_network(rf.get("/", REMOTE_ADDR="pas une adresse")) == ""


def test_the_identifier_digest_is_keyed_and_ignores_case(settings):
    digest = identifier_digest("Alex@Exemple.fr ")
    assert digest == identifier_digest("alex@exemple.fr")
    assert len(digest) == 16 and "exemple" not in digest
    settings.SECRET_KEY = "une-autre-cle"
    assert identifier_digest("alex@exemple.fr") != digest


# --- Logins, failed logins, logouts ----------------------------------------------------


def test_a_login_is_logged_with_its_factor_and_network(client):
    partner = UserFactory()
    assert login(client, partner.email).status_code == 302
    entry = only(AuditAction.LOGGED_IN)
    assert entry.actor == partner
    assert entry.target_repr == f"utilisateur #{partner.pk}"
    assert entry.data == {"network": "203.0.113.0/24", "methods": ["password"]}


def test_a_login_with_the_second_factor_names_both(client):
    coordinator = CoordinatorFactory()
    response = login(client, coordinator.email)
    assert not entries(AuditAction.LOGGED_IN)  # not yet: the code is asked first
    client.post(response.url, {"code": totp_code()}, REMOTE_ADDR=ADDRESS)
    assert only(AuditAction.LOGGED_IN).data["methods"] == ["mfa:totp", "password"]


def test_a_failed_login_keeps_neither_the_password_nor_the_address(client):
    partner = UserFactory()
    response = login(client, partner.email, WRONG)
    assert response.status_code == 200
    entry = only(AuditAction.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.target_id == str(partner.pk)  # the account aimed at, by number
    assert entry.data == {
        "network": "203.0.113.0/24",
        "identifier": identifier_digest(partner.email),
        "reauthentication": False,
    }
    stored = json.dumps(entry.data) + entry.message + entry.target_repr
    for secret in (WRONG, partner.email, ADDRESS):
        assert secret not in stored
    assert not entries(AuditAction.LOGGED_IN)


def test_a_failed_login_on_an_unknown_address_names_no_account(client):
    login(client, "personne@inconnu.fr", WRONG)
    entry = only(AuditAction.LOGIN_FAILED)
    assert entry.target_id == ""
    assert entry.data["identifier"] == identifier_digest("personne@inconnu.fr")


def test_attempts_stopped_by_the_rate_limit_are_logged_as_locked(client):
    partner = UserFactory()
    for _attempt in range(6):  # ACCOUNT_RATE_LIMITS: 5 failures per 5 minutes per address
        login(client, partner.email, WRONG)
    failures = entries(AuditAction.LOGIN_FAILED)
    assert len(failures) == 6
    assert [entry.data.get("locked", False) for entry in failures] == [False] * 5 + [True]


def test_a_wrong_password_when_asked_again_is_a_failed_reauthentication(client):
    partner = UserFactory()
    client.force_login(partner)
    client.post("/accounts/reauthenticate/", {"password": WRONG})
    entry = only(AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.data["reauthentication"]) == (partner, True)


def test_logging_out_is_logged(client):
    partner = UserFactory()
    client.force_login(partner)
    assert not entries(AuditAction.LOGGED_IN)  # force_login is no login through the site
    client.post("/accounts/logout/")
    assert only(AuditAction.LOGGED_OUT).actor == partner


# --- Second factor -----------------------------------------------------------------------


def committing(client, capture):
    """client.post, then what waits for the commit, run while the request is still the
    one being answered (as in production; a test's transaction never commits): allauth
    sends its second-factor signals that way."""

    def post(path, data=None):
        with capture() as callbacks:
            response = client.post(path, data or {})
        with allauth_context.request_context(response.wsgi_request):
            for callback in callbacks:
                callback()
        return response

    return post


def test_activating_regenerating_and_removing_the_second_factor_are_logged(
    client, django_capture_on_commit_callbacks
):
    partner = UserFactory()
    login(client, partner.email)
    confirm_password(client)
    activate = "/accounts/2fa/totp/activate/"
    secret = client.get(activate).context["form"].secret
    post = committing(client, django_capture_on_commit_callbacks)
    assert post(activate, {"code": totp_code(secret)}).status_code == 302
    activated = entries(AuditAction.MFA_ACTIVATED)
    assert sorted(entry.data["type"] for entry in activated) == ["recovery_codes", "totp"]
    assert {entry.actor for entry in activated} == {partner}

    assert post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert only(AuditAction.MFA_RECOVERY_CODES_REGENERATED).actor == partner

    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    removed = entries(AuditAction.MFA_DEACTIVATED)  # the codes go with the app
    assert sorted(entry.data["type"] for entry in removed) == ["recovery_codes", "totp"]
    for entry in AuditLogEntry.objects.filter(action__startswith="mfa."):
        assert secret not in json.dumps(entry.data)


def test_a_wrong_code_and_a_recovery_code_are_logged(client):
    coordinator = CoordinatorFactory()
    codes = RecoveryCodes.activate(coordinator).get_unused_codes()
    step = login(client, coordinator.email).url
    wrong = "000000" if totp_code() != "000000" else "111111"
    client.post(step, {"code": wrong})
    entry = only(AuditAction.MFA_FAILED)
    assert (entry.actor, entry.data["type"]) == (coordinator, Authenticator.Type.TOTP)
    assert wrong not in json.dumps(entry.data)

    assert client.post(step, {"code": codes[0]}).status_code == 302
    assert only(AuditAction.MFA_RECOVERY_CODE_USED).actor == coordinator
    assert codes[0] not in json.dumps([entry.data for entry in AuditLogEntry.objects.all()])


# --- Roles, deletions --------------------------------------------------------------------


def test_rights_changed_in_the_admin_are_logged(client):
    from test_access_matrix import _user_change_form

    admin_user = superuser()
    client.force_login(admin_user)
    partner = UserFactory()
    coordination = Group.objects.get(name=Role.COORDINATION)
    url = reverse("admin:core_user_change", args=[partner.pk])
    form = _user_change_form(partner, groups=[coordination.pk], is_staff="on")
    assert client.post(url, form).status_code == 302
    granted = entries(AuditAction.ROLE_GRANTED)
    assert sorted(entry.data["role"] for entry in granted) == ["Coordination", "staff"]
    assert {(entry.actor, entry.target_id) for entry in granted} == {(admin_user, str(partner.pk))}

    assert client.post(url, _user_change_form(partner)).status_code == 302
    revoked = entries(AuditAction.ROLE_REVOKED)
    assert sorted(entry.data["role"] for entry in revoked) == ["Coordination", "staff"]


def test_deleting_one_s_account_is_in_the_extract_of_deletions(client, member):
    user_pk = member.user.pk
    login(client, member.user.email)
    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    entry = only(MembersAuditAction.ACCOUNT_DELETED)
    assert entry.target_id == str(user_pk)
    assert entry.action in security_actions(SecurityKind.DELETIONS)
    # Its earlier entries stay, without who (privacy registry: anonymised).
    assert only(AuditAction.LOGGED_IN).actor is None
    assert not entries(AuditAction.LOGGED_OUT)


# --- Exports -----------------------------------------------------------------------------


def test_an_export_is_logged_with_its_size_and_filters_but_not_their_values(
    coordinator_client, coordinator
):
    url = reverse("projects:dossiers_csv")
    assert coordinator_client.get(url, {"q": "Lucioles secret"}).status_code == 200
    entry = only(AuditAction.DATA_EXPORTED)
    assert entry.actor == coordinator
    assert entry.data == {"export": "dossiers", "format": "csv", "filters": ["q"]}
    assert "Lucioles" not in json.dumps(entry.data)


def test_exporting_one_s_own_data_is_logged(partner_client, partner):
    assert partner_client.get(reverse("members:export_data")).status_code == 200
    entry = only(AuditAction.DATA_EXPORTED)
    assert (entry.actor, entry.data["export"], entry.data["format"]) == (
        partner,
        "mes-donnees",
        "json",
    )


# --- Where security events show, and for how long -----------------------------------------


def test_logins_and_exports_stay_off_the_desk_and_the_coordinator_s_admin(client, coordinator):
    partner = UserFactory()
    login(client, partner.email)
    audit_log_record(actor=partner, action=AuditAction.PASSWORD_CHANGED, target=partner)
    client.force_login(coordinator)
    desk = client.get(reverse("coordination:dashboard"), {"section": "activite"})
    assert "Mot de passe modifié" in desk.content.decode()
    assert "Connexion" not in [entry.label for entry in desk.context["activity"]]
    admin_list = client.get(reverse("admin:core_auditlogentry_changelist"))
    actions = {entry.action for entry in admin_list.context["cl"].result_list}
    assert AuditAction.PASSWORD_CHANGED in actions and AuditAction.LOGGED_IN not in actions

    client.force_login(superuser())
    admin_list = client.get(reverse("admin:core_auditlogentry_changelist"))
    assert AuditAction.LOGGED_IN in {entry.action for entry in admin_list.context["cl"].result_list}


def test_security_events_are_purged_with_the_log_after_a_year(settings):
    entry = audit_log_record(actor=None, action=AuditAction.LOGIN_FAILED)
    kept = audit_log_record(actor=None, action=AuditAction.LOGGED_IN)
    year_ago = timezone.now() - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS, minutes=1)
    AuditLogEntry.objects.filter(pk=entry.pk).update(created_at=year_ago)
    assert audit_log_purge() == 1
    assert list(AuditLogEntry.objects.all()) == [kept]


def test_every_security_event_has_its_words():
    from coordination.desk import action_labels

    labels = security_action_labels()
    assert set(labels) <= set(action_labels())
    for kind in SecurityKind.values:
        assert security_actions(kind), kind


# --- The data-protection officer's extract -------------------------------------------------


@pytest.fixture
def dpo_client(client):
    client.force_login(superuser())
    return client


def _period(**extra) -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat(), **extra}


def test_the_extract_lists_security_events_by_kind(dpo_client):
    partner = UserFactory()
    login(Client(), partner.email, WRONG)
    audit_log_record(actor=None, action=MembersAuditAction.NEED_CREATED)  # not security
    page = dpo_client.get(EXTRACT, _period())
    assert page.status_code == 200
    assert [entry.action for entry in page.context["latest"]] == [AuditAction.LOGIN_FAILED]
    assert "203.0.113.0/24" in page.content.decode()
    exports_only = dpo_client.get(EXTRACT, _period(kind=SecurityKind.EXPORTS))
    assert exports_only.context["count"] == 0


def test_the_extract_downloads_as_csv_and_xlsx_and_is_itself_logged(dpo_client):
    login(Client(), UserFactory().email, WRONG)
    csv = dpo_client.get(reverse("security_log_export", args=["csv"]), _period())
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "account.login_failed;Échec de connexion;;utilisateur #" in text
    assert "203.0.113.0/24" in text and WRONG not in text and ADDRESS not in text
    exported = only(AuditAction.SECURITY_LOG_EXPORTED)
    assert exported.data["rows"] == 1 and exported.data["format"] == "csv"

    xlsx = dpo_client.get(reverse("security_log_export", args=["xlsx"]), _period(kind="exports"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == AuditAction.SECURITY_LOG_EXPORTED  # the CSV download above
    assert len(entries(AuditAction.SECURITY_LOG_EXPORTED)) == 2


def test_the_extract_refuses_a_period_longer_than_the_log_keeps(dpo_client, settings):
    today = timezone.localdate()
    start = today - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS + 1)
    page = dpo_client.get(EXTRACT, {"start": start.isoformat(), "end": today.isoformat()})
    assert page.status_code == 400
    assert "Le journal est conservé 365 jours" in page.content.decode()
    url = reverse("security_log_export", args=["csv"])
    assert (
        dpo_client.get(url, {"start": start.isoformat(), "end": today.isoformat()}).status_code
        == 404
    )
    assert not entries(AuditAction.SECURITY_LOG_EXPORTED)


def test_only_superusers_read_the_extract(coordinator_client):
    # Every role of the access matrix gets a 404 (tests/access_rows/core_security.py).
    assert coordinator_client.get(EXTRACT).status_code == 404
    url = reverse("security_log_export", args=["csv"])
    assert coordinator_client.get(url, _period()).status_code == 404
    assert not entries(AuditAction.SECURITY_LOG_EXPORTED)


# --- Sessions and refusals -------------------------------------------------------------------


def test_logging_in_gives_a_new_session_key(client):
    partner = UserFactory()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    login(client, partner.email)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(partner.pk)


def test_a_session_logged_out_opens_nothing_any_more(client):
    partner = UserFactory()
    login(client, partner.email)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get(reverse("members:space")).status_code == 302  # to the login


def test_a_new_password_ends_the_other_sessions_and_a_disabled_account_every_one(client):
    partner = UserFactory()
    elsewhere = Client()
    login(elsewhere, partner.email)
    login(client, partner.email)
    new = "un-tout-nouveau-mot-de-passe-2027"
    change = {"oldpassword": PASSWORD, "password1": new, "password2": new}
    assert client.post("/accounts/password/change/", change).status_code == 302
    assert elsewhere.get(reverse("members:space")).status_code == 302  # signed out
    assert client.get(reverse("members:space")).status_code == 200  # this one stays

    partner.is_active = False
    partner.save(update_fields=["is_active"])
    assert client.get(reverse("members:space")).status_code == 302


def test_a_refused_role_page_is_logged_without_forging_lines(partner_client, partner, caplog):
    url = reverse("members:validation_decide", args=[1, "valider"]).replace(
        "valider", "valider%0Afaux accès accordé"
    )
    with caplog.at_level("WARNING", logger="consortium.security"):
        assert partner_client.get(url).status_code == 404
    (record,) = [r for r in caplog.records if r.name == "consortium.security"]
    line = record.getMessage()
    assert f"account #{partner.pk}, rule is_coordinator, GET" in line
    assert "\n" not in line and "\\n" in line
