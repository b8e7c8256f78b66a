"""The core helpers: roles and scope, audit log, language, demo data, e-mail, PDF."""

import shutil
import socket
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from factories import UserFactory, totp_code
from service_checks import require

from consortium.core import pdf
from consortium.core.emails import build_message, render_email
from consortium.core.enums import AuditAction, Role
from consortium.core.models import AuditLogEntry, ScopedQuerySet, User
from consortium.core.permissions import (
    can_observe,
    coordinator_required,
    get_visible_object_or_404,
    is_coordinator,
    is_observer,
    observer_required,
)
from consortium.core.project_apps import project_app_configs
from consortium.core.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from consortium.core.services import audit_log_record, role_grant, role_revoke
from consortium.core.widgets import StoredFileInput
from consortium.settings._mail import mailers_from_url
from members.models import Need, NeedTag

# --- Roles and scope ---------------------------------------------------------------


def test_roles(partner, observer, coordinator):
    superuser = UserFactory(is_superuser=True)
    users = {
        "anonymous": AnonymousUser(),
        "partner": partner,
        "observer": observer,
        "coordinator": coordinator,
        "superuser": superuser,
    }
    roles = {
        name: (is_coordinator(user), is_observer(user), can_observe(user))
        for name, user in users.items()
    }
    assert roles == {
        # name: (is_coordinator, is_observer, can_observe)
        "anonymous": (False, False, False),
        "partner": (False, False, False),
        "observer": (False, True, True),
        "coordinator": (True, False, True),
        "superuser": (True, False, True),
    }


def _call(decorator, user):
    request = RequestFactory().get("/coordination/")
    request.user = user
    return decorator(lambda request: HttpResponse("ok"))(request)


def test_coordinator_required_hides_the_page_from_others(partner, observer, coordinator):
    # 404, not 403: a partner must not even learn that the page exists.
    for user in (AnonymousUser(), partner, observer):
        with pytest.raises(Http404):
            _call(coordinator_required, user)
    assert _call(coordinator_required, coordinator).content == b"ok"


def test_observer_required_lets_coordinators_and_observers_in(partner, observer, coordinator):
    with pytest.raises(Http404):
        _call(observer_required, partner)
    assert _call(observer_required, observer).status_code == 200
    assert _call(observer_required, coordinator).status_code == 200


def test_scoped_queryset_denies_by_default(coordinator):
    # Even an existing object, even for a coordinator: a model must opt in explicitly.
    queryset = ScopedQuerySet(model=User)
    assert list(queryset.visible_to(coordinator)) == []
    with pytest.raises(Http404):
        get_visible_object_or_404(queryset, coordinator, pk=coordinator.pk)


def test_role_grant_and_revoke_are_logged(partner, coordinator):
    role_grant(user=partner, role=Role.OBSERVATION, actor=coordinator)
    assert partner.groups.filter(name=Role.OBSERVATION).exists()
    role_revoke(user=partner, role=Role.OBSERVATION, actor=coordinator)
    assert not partner.groups.filter(name=Role.OBSERVATION).exists()

    entries = AuditLogEntry.objects.filter(target_id=str(partner.pk)).order_by("id")
    assert [(e.action, e.actor, e.data) for e in entries] == [
        (AuditAction.ROLE_GRANTED, coordinator, {"role": "Observation"}),
        (AuditAction.ROLE_REVOKED, coordinator, {"role": "Observation"}),
    ]


def test_granting_coordination_makes_staff(partner):
    role_grant(user=partner, role=Role.COORDINATION, actor=None)
    partner.refresh_from_db()
    assert partner.is_staff
    assert is_coordinator(partner)


def test_role_grant_takes_effect_on_the_same_user_object(partner):
    # role_names() caches the groups on the user object; a grant must not leave it stale.
    assert not is_observer(partner)
    role_grant(user=partner, role=Role.OBSERVATION, actor=None)
    assert is_observer(partner)


def test_audit_log_names_users_by_number_only(partner):
    entry = audit_log_record(actor=partner, action=AuditAction.SIGNED_UP, target=partner)
    entry.refresh_from_db()
    assert entry.target_repr == f"utilisateur #{partner.pk}"
    assert entry.target_id == str(partner.pk)
    assert entry.target_type.model_class() is User
    stored = f"{entry.target_repr} {entry.message} {entry.data}"
    for personal in (partner.email, partner.first_name, partner.last_name):
        assert personal not in stored


def test_audit_log_describes_other_objects_and_ignores_unsaved_actors(db):
    group = Group.objects.get_or_create(name=Role.OBSERVATION.value)[0]
    entry = audit_log_record(actor=User(email="x@exemple.fr"), action="test", target=group)
    assert entry.actor is None
    assert entry.target_repr == "Observation"


# --- Language ---------------------------------------------------------------------


def test_browser_language_is_ignored(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


def _choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client.get("/")


def test_language_cookie_switches_to_english(client, db):
    response = _choose_english(client)
    assert '<html lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_french(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get("/")
    assert '<html lang="fr"' in response.content.decode()


def test_english_catalogue_translates_the_layout(client, db):
    """Fails until locale/en is written and compiled (manage.py compilemessages)."""
    content = _choose_english(client).content.decode()
    assert "Skip to content" in content
    assert "Aller au contenu" not in content


# --- Demo data --------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    labels = {c.label for c in project_app_configs()}
    labels |= {"auth", "account"}
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
    }
    return counts


def test_seed_demo_is_idempotent_and_prints_the_logins(db):
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    counts = _row_counts()
    call_command("seed_demo", stdout=second)
    assert _row_counts() == counts
    # The needs carry the coordination's tags, a fixed share of them.
    assert NeedTag.objects.count() == 5
    tagged = Need.objects.filter(tags__isnull=False).distinct().count()
    assert 0.2 < tagged / Need.objects.count() < 0.6
    for email, *_ in DEMO_ACCOUNTS:
        assert email in second.getvalue()
    assert DEMO_PASSWORD in second.getvalue()


def test_seed_demo_refuses_scale_zero_in_french(db):
    with pytest.raises(CommandError, match="--scale doit être un entier"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
    assert not User.objects.exists()


def test_seeded_accounts_log_in_and_the_coordinator_reaches_the_admin(db):
    output = StringIO()
    call_command("seed_demo", stdout=output)
    coordinator_email = next(e for e, *_, role in DEMO_ACCOUNTS if role == Role.COORDINATION)
    assert EmailAddress.objects.filter(email=coordinator_email, verified=True).exists()
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"login": coordinator_email, "password": DEMO_PASSWORD}
    )
    # Staff have a second factor: the demo's authenticator secret, printed by seed_demo.
    assert response.url == "/accounts/2fa/authenticate/"
    assert DEMO_TOTP_SECRET in output.getvalue()
    response = browser.post(response.url, {"code": totp_code(DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_the_printed_recovery_codes_of_the_demo_coordinator_work(db):
    output = StringIO()
    call_command("seed_demo", stdout=output)
    call_command("seed_demo", stdout=StringIO())  # idempotent: the same codes
    codes_line = next(line for line in output.getvalue().splitlines() if "codes de secours" in line)
    codes = codes_line.split(":")[1].split()
    assert len(codes) == 10
    # The README gives them to whoever runs the demo.
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert DEMO_TOTP_SECRET in readme
    assert all(code in readme for code in codes)
    coordinator_email = next(e for e, *_, role in DEMO_ACCOUNTS if role == Role.COORDINATION)
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"login": coordinator_email, "password": DEMO_PASSWORD}
    )
    assert browser.post(response.url, {"code": codes[0]}).status_code == 302
    assert browser.get("/admin/").status_code == 200


# --- E-mail configuration and rendering ---------------------------------------------


def test_mailers_from_smtp_url():
    mailer = mailers_from_url("smtp://alice:p%40ss@mail.exemple.fr:587?tls=1")["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.exemple.fr",
        "port": 587,
        "username": "alice",
        "password": "p@ss",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }


def test_mailers_from_smtps_url_defaults_to_port_465():
    options = mailers_from_url("smtps://mail.exemple.fr")["default"]["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_mailers_from_file_and_console_urls():
    file_mailer = mailers_from_url("file:///srv/courriels")["default"]
    assert file_mailer["BACKEND"].endswith("filebased.EmailBackend")
    assert file_mailer["OPTIONS"] == {"file_path": "/srv/courriels"}
    console = mailers_from_url("console://")["default"]
    assert console == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}


def test_mailers_from_url_rejects_unknown_schemes():
    with pytest.raises(ValueError, match="unknown scheme 'ftp'"):
        mailers_from_url("ftp://mail.exemple.fr")


@pytest.fixture
def notice_context():
    import datetime

    return {"title": "Atelier d’éveil musical", "when": datetime.date(2026, 3, 3)}


def test_render_email_in_french(test_templates, notice_context):
    email = render_email(name="test_notice", context=notice_context, language="fr")
    # The subject template spans lines: the subject is one line.
    assert email.subject == "[fr] Atelier d’éveil musical du 3 mars 2026"
    assert "Langue : fr" in email.text
    assert "Date : mardi 3 mars 2026" in email.text
    assert "Lien : http://" in email.text  # site_url is in every e-mail's context
    assert '<p lang="fr">' in email.html


def test_render_email_in_english(test_templates, notice_context):
    email = render_email(name="test_notice", context=notice_context, language="en")
    assert email.subject == "[en] Atelier d’éveil musical du 3 March 2026"
    assert "Date : Tuesday 3 March 2026" in email.text


def test_plain_text_email_is_not_html_escaped(test_templates, notice_context):
    # French is full of apostrophes: "L&#x27;éveil" in a text e-mail is a visible bug.
    notice_context["title"] = "L'éveil & les tout-petits"
    email = render_email(name="test_notice", context=notice_context, language="fr")
    assert email.subject == "[fr] L'éveil & les tout-petits du 3 mars 2026"
    assert "&#x27;" not in email.text
    assert "L&#x27;éveil &amp; les tout-petits" in email.html  # HTML stays escaped


def test_build_message_has_text_and_html_parts(test_templates, notice_context, mailoutbox):
    rendered = render_email(name="test_notice", context=notice_context, language="fr")
    message = build_message(rendered=rendered, to="lea@exemple.fr", headers={"X-Test": "1"})
    message.send()
    sent = mailoutbox[0]
    assert sent.to == ["lea@exemple.fr"]
    assert sent.body == rendered.text
    assert [(a.content, a.mimetype) for a in sent.alternatives] == [(rendered.html, "text/html")]
    assert sent.extra_headers == {"X-Test": "1"}


def test_build_message_without_html_template_is_text_only(test_templates):
    rendered = render_email(name="test_plain", context={"title": "Rappel"}, language="fr")
    assert rendered.html is None
    assert build_message(rendered=rendered, to="lea@exemple.fr").alternatives == []


# --- PDF ----------------------------------------------------------------------------


@pytest.fixture
def pdftotext():
    path = shutil.which("pdftotext")
    require("poppler-utils (pdftotext)", bool(path), "apt-get install poppler-utils")
    return path


@pytest.fixture
def served_files(monkeypatch):
    """Record every URL WeasyPrint asks for, and whether the project served it."""
    calls = []
    original = pdf._local_files

    def spy(url):
        try:
            result = original(url)
        except ValueError:
            calls.append((url, False))
            raise
        calls.append((url, True))
        return result

    monkeypatch.setattr(pdf, "_local_files", spy)
    return calls


@pytest.fixture
def no_network(monkeypatch):
    """Any outgoing connection attempt is recorded and refused."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _pdf_text(pdftotext, data: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode()


def test_render_pdf_with_accents_footer_and_static_image(
    test_templates, pdftotext, served_files, no_network, tmp_path
):
    data = pdf.render_pdf(
        template_name="pdf/test_document.html",
        context={
            "title": "Évaluation des résidences d’été",
            "text": "Crèche « Les Lucioles » à Cergy",
            "external_image": "",
        },
    )
    assert data.startswith(b"%PDF-")
    text = _pdf_text(pdftotext, data, tmp_path)
    assert "Évaluation des résidences d’été" in text
    assert "Crèche « Les Lucioles » à Cergy" in text
    assert "Page 1 / 1" in text
    assert [(url.rsplit("/static/", 1)[-1], ok) for url, ok in served_files] == [
        ("img/logo.svg", True)
    ]
    assert no_network == []


def test_render_pdf_refuses_external_resources(test_templates, served_files, no_network, caplog):
    data = pdf.render_pdf(
        template_name="pdf/test_document.html",
        context={"title": "Test", "text": "", "external_image": "https://example.org/x.png"},
    )
    # WeasyPrint logs the refused image (a log record, not a Python warning) and goes on.
    assert data.startswith(b"%PDF-")
    assert ("https://example.org/x.png", False) in served_files
    assert no_network == []
    assert any("https://example.org/x.png" in r.getMessage() for r in caplog.records)


def test_pdf_response_headers():
    response = pdf.pdf_response(pdf=b"%PDF-1.7", filename="Rapport d'activité 2026")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="rapport-dactivite-2026.pdf"'
    download = pdf.pdf_response(pdf=b"%PDF-1.7", filename="Feuille", inline=False)
    assert download["Content-Disposition"] == 'attachment; filename="feuille.pdf"'
    assert download.content == b"%PDF-1.7"


def test_pdf_media_paths_cannot_climb_out_of_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "secret.txt").write_text("confidentiel")
    with pytest.raises(ValueError, match="refused"):
        pdf._local_files(f"{settings.MEDIA_URL}../secret.txt")


def test_a_stored_file_is_named_not_linked():
    stored = SimpleUploadedFile("statuts.pdf", b"%PDF-1.4")
    stored.url = "/media/dossiers/2026/statuts.pdf"  # what a FieldFile would offer
    html = StoredFileInput().render("file", stored)
    assert "statuts.pdf" in html
    assert "href" not in html and "/media/" not in html
