"""Account journeys through django-allauth, as a visitor lives them, e-mails included."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from factories import PASSWORD, UserFactory
from flaky_mail import FlakyBackend

from consortium.core.enums import AuditAction, OutboxStatus
from consortium.core.models import AuditLogEntry, OutboxMessage, User
from consortium.core.outbox import outbox_sweep

NEW_PASSWORD = "un-nouveau-mot-de-passe-95"
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/confirm-email/[-:\w]+/")
RESET_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/password/reset/key/[^\s\"'<>]+/")

# Words that give away an untranslated allauth e-mail, and words any French one uses.
ENGLISH = re.compile(r"\b(Please|Hello|Thank you|receiving this|[Yy]our|password|account)\b")
FRENCH = re.compile(r"\b(vous|votre|adresse|mot de passe|compte)\b", re.IGNORECASE)


def assert_french(text: str) -> None:
    assert FRENCH.search(text), f"not French:\n{text}"
    english = ENGLISH.search(re.sub(r"https?://\S+", "", text))  # URLs are in English
    assert not english, f"English left ({english and english.group(0)!r}):\n{text}"


def link_path(pattern: re.Pattern, body: str) -> str:
    match = pattern.search(body)
    assert match, f"no link matching {pattern.pattern} in:\n{body}"
    return urlsplit(match.group(0)).path


def signup(client, email: str, password: str = PASSWORD):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def login(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def logged_in_user_id(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the e-mails) at the block's end.

    allauth's e-mails go through the outbox, which sends them after the commit; in these
    tests the transaction never commits, so the block runs those callbacks itself.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def signed_up(client, db, mailoutbox, committed):
    """A visitor who just signed up: their account, and the path of their confirmation link."""
    with committed():
        response = signup(client, "camille@exemple.fr")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    user = User.objects.get(email="camille@exemple.fr")
    return user, link_path(CONFIRM_LINK, mailoutbox[0].body)


def test_signup_sends_a_french_confirmation_email(signed_up, client, mailoutbox):
    user, _ = signed_up
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert_french(message.subject)
    assert_french(message.body)
    assert not EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) is None  # mandatory verification comes first


def test_confirmation_link_shows_a_form_and_only_post_confirms(signed_up, client):
    user, path = signed_up
    response = client.get(path)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    # Mail scanners follow links: a GET must not confirm anything.
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/espace/"  # the onboarding, for a newcomer
    assert EmailAddress.objects.get(user=user).verified
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: the same browser is now logged in.
    assert logged_in_user_id(client) == user.pk


def test_confirmed_user_logs_in_with_email_and_password(signed_up, client):
    user, path = signed_up
    client.post(path)
    browser = Client()
    response = login(browser, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/espace/"
    assert logged_in_user_id(browser) == user.pk


def test_login_before_confirmation_is_refused(signed_up):
    user, _ = signed_up
    browser = Client()
    response = login(browser, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert logged_in_user_id(browser) is None


def test_short_password_is_refused_in_french(client, db, mailoutbox, committed):
    with committed():
        response = signup(client, "court@exemple.fr", password="court-2026")
    assert response.status_code == 200
    assert "au minimum 12 caractères" in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_password_reset_journey(client, db, mailoutbox, committed):
    user = UserFactory()
    with committed():
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1
    assert_french(mailoutbox[0].subject)
    assert_french(mailoutbox[0].body)

    # The key moves into the session, then the form is on a key-less URL.
    response = client.get(link_path(RESET_LINK, mailoutbox[0].body))
    assert response.status_code == 302
    form_path = response["Location"]
    assert client.get(form_path).status_code == 200
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"

    assert login(Client(), user.email, PASSWORD).status_code == 200  # form shown again
    browser = Client()
    assert login(browser, user.email, NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(browser) == user.pk


def test_signup_with_a_taken_address_looks_like_a_new_signup(db, mailoutbox, committed):
    existing = UserFactory()
    with committed():
        fresh = signup(Client(), "inconnue@exemple.fr")
        taken = signup(Client(), existing.email)
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])

    assert User.objects.filter(email__iexact=existing.email).count() == 1
    to_existing = [m for m in mailoutbox if m.to == [existing.email]]
    assert len(to_existing) == 1
    # "An account already exists", pointing to password reset, not to a confirmation.
    assert not CONFIRM_LINK.search(to_existing[0].body)
    assert "/accounts/password/reset/" in to_existing[0].body
    assert_french(to_existing[0].subject)
    assert_french(to_existing[0].body)


def test_password_reset_for_an_unknown_address_looks_the_same(client, db, mailoutbox, committed):
    known = UserFactory()
    with committed():
        for_known = client.post("/accounts/password/reset/", {"email": known.email})
        for_unknown = Client().post("/accounts/password/reset/", {"email": "personne@exemple.fr"})
    assert (for_unknown.status_code, for_unknown["Location"]) == (
        for_known.status_code,
        for_known["Location"],
    )
    to_unknown = [m for m in mailoutbox if m.to == ["personne@exemple.fr"]]
    assert all(not RESET_LINK.search(m.body) for m in to_unknown)


def test_email_change_is_confirmed_by_the_new_address(
    partner_client, partner, mailoutbox, committed
):
    new_address = {"email": "nouvelle.adresse@exemple.fr", "action_add": ""}
    # A session alone is not enough: the password is asked again first.
    response = partner_client.post("/accounts/email/", new_address)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not mailoutbox
    assert partner_client.post("/accounts/reauthenticate/", {"password": "faux"}).status_code == 200
    partner_client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    with committed():
        response = partner_client.post("/accounts/email/", new_address)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nouvelle.adresse@exemple.fr"]
    assert_french(message.body)
    partner.refresh_from_db()
    assert partner.email != "nouvelle.adresse@exemple.fr"  # nothing changes before confirming

    partner_client.post(link_path(CONFIRM_LINK, message.body))
    partner.refresh_from_db()
    assert partner.email == "nouvelle.adresse@exemple.fr"
    assert AuditLogEntry.objects.filter(
        action=AuditAction.EMAIL_CHANGED, actor=partner, target_id=str(partner.pk)
    ).exists()


def test_repeated_failed_logins_lock_the_account_out(client, db):
    user = UserFactory()
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per account
        response = login(client, user.email, "pas-le-bon-mot-de-passe")
        assert response.status_code == 200
    response = login(client, user.email, PASSWORD)  # even the right password now
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_signup_and_confirmation_are_in_the_audit_log(signed_up, client):
    user, path = signed_up
    client.post(path)
    entries = AuditLogEntry.objects.filter(actor=user, target_id=str(user.pk))
    assert set(entries.values_list("action", flat=True)) >= {
        AuditAction.SIGNED_UP,
        AuditAction.EMAIL_CONFIRMED,
    }
    for entry in entries:
        assert entry.target_repr == f"utilisateur #{user.pk}"
        stored = f"{entry.target_repr} {entry.message} {entry.data}"
        assert "@" not in stored, "the audit log must not store e-mail addresses"


# --- allauth's e-mails go through the outbox -----------------------------------------------


def test_signup_succeeds_with_the_mail_server_down_and_the_email_follows(
    client, db, settings, mailoutbox, committed
):
    FlakyBackend.reset()
    settings.MAILERS = {
        "default": {"BACKEND": "flaky_mail.FlakyBackend", "OPTIONS": {"failures": -1}}
    }
    with committed():
        response = signup(client, "camille@exemple.fr")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="camille@exemple.fr")
    assert mailoutbox == []
    assert FlakyBackend.tries == 1  # tried after the commit, and refused
    row = OutboxMessage.objects.get()
    assert (row.recipient, row.recipient_email) == (user, "camille@exemple.fr")
    assert row.template == "account/email/email_confirmation_signup"
    assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 1)
    assert "SMTPServerDisconnected" in row.last_error

    # The server is back; the sweeper sends the message once its retry is due.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0  # sent once
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    [message] = mailoutbox
    assert message.to == ["camille@exemple.fr"]
    assert_french(message.subject)
    path = link_path(CONFIRM_LINK, message.body)
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def test_password_reset_email_is_an_outbox_message(client, db, mailoutbox, committed):
    user = UserFactory()
    with committed():
        client.post("/accounts/password/reset/", {"email": user.email.upper()})
    row = OutboxMessage.objects.get()
    assert row.recipient == user  # found whatever the case of the address typed
    assert row.template == "account/email/password_reset_key"
    assert row.kind.startswith("account:account/email/password_reset_key:")
    assert row.status == OutboxStatus.SENT
    assert_french(row.subject)
    assert RESET_LINK.search(row.body_text)
    assert RESET_LINK.search(row.body_html)
    [message] = mailoutbox
    assert message.subject == row.subject
    assert message.body == row.body_text
    assert message.alternatives[0] == (row.body_html, "text/html")
    assert "Message-ID" in message.extra_headers


def test_each_account_email_is_its_own_outbox_message(client, db, mailoutbox, committed):
    user = UserFactory()
    with committed():
        client.post("/accounts/password/reset/", {"email": user.email})
        Client().post("/accounts/password/reset/", {"email": user.email})
        Client().post("/accounts/password/reset/", {"email": "personne@exemple.fr"})
    rows = OutboxMessage.objects.order_by("pk")
    assert [row.recipient for row in rows] == [user, user, None]  # an unknown address
    assert len({row.kind for row in rows}) == 3
    assert len(mailoutbox) == 3
