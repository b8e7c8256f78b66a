"""What the accessibility statement says was tested: one source for the page and the tests.

AUDITED_ROUTES is the list of pages the axe-core sweep checks
(tests/browser/test_accessibility_sweep.py): the sweep fails when the pages it finds in
the access matrix differ from this list, so the statement cannot claim more, or less,
than what is tested. JOURNEYS are the keyboard-only journeys of
tests/browser/test_keyboard_journeys.py.
"""

import datetime
import re
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.translation import gettext_lazy as _

AUDIT_DATE = datetime.date(2026, 12, 7)
AXE_CORE_VERSION = "4.12.1"  # axe-playwright-python's axe.min.js (a test checks it)
CHROMIUM_VERSION = "156"  # Debian's, where the audit ran
WIDTHS = (1280, 360)

# The route names of every HTML page of the access matrix (the Django admin left out),
# each checked for every role that may open it.
AUDITED_ROUTES = (
    "account_change_password",
    "account_confirm_email",
    "account_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_signup",
    "coordination:dashboard",
    "coordination:mailing",
    "coordination:mailing_create",
    "coordination:mailing_edit",
    "coordination:mailings",
    "coordination:my_mailing",
    "coordination:my_mailings",
    "coordination:unsubscribe",
    "evaluations:create",
    "evaluations:edit",
    "evaluations:experiment",
    "evaluations:experiments",
    "evaluations:indicator_add",
    "evaluations:indicator_edit",
    "evaluations:measurements",
    "evaluations:question_add",
    "evaluations:question_edit",
    "evaluations:report",
    "evaluations:reports",
    "evaluations:respond",
    "evaluations:results",
    "evaluations:sheet",
    "evaluations:sheet_edit",
    "evaluations:surveys",
    "events:agenda",
    "events:attendance",
    "events:cancel",
    "events:create",
    "events:edit",
    "events:event",
    "events:manage",
    "events:my_registrations",
    "events:registrations",
    "events:reminders",
    "events:sessions",
    "members:choose_organization",
    "members:coverage",
    "members:create_organization",
    "members:delete_account",
    "members:directory",
    "members:group",
    "members:group_action_add",
    "members:group_action_edit",
    "members:group_create",
    "members:group_document_add",
    "members:group_member_add",
    "members:groups",
    "members:import",
    "members:need",
    "members:need_create",
    "members:needs",
    "members:organization",
    "members:organization_manage",
    "members:preferences",
    "members:profile",
    "members:space",
    "members:validations",
    "mfa_index",
    "mfa_reauthenticate",
    "pages:accessibility",
    "pages:home",
    "pages:legal_notice",
    "pages:privacy",
    "projects:digest_unsubscribe",
    "projects:dossier",
    "projects:dossier_board",
    "projects:dossier_create",
    "projects:dossier_edit",
    "projects:dossiers",
    "projects:my_practices",
    "projects:opportunities",
    "projects:opportunities_public",
    "projects:opportunity",
    "projects:opportunity_create",
    "projects:opportunity_edit",
    "projects:practice",
    "projects:practice_create",
    "projects:practice_edit",
    "projects:practices",
    "projects:practices_review",
    "projects:project",
    "projects:project_create",
    "projects:project_edit",
    "projects:project_partners",
    "projects:projects",
    "projects:resource",
    "projects:resource_create",
    "projects:resource_edit",
    "projects:resources",
    "projects:search",
)

JOURNEYS = (
    _("s'inscrire, confirmer son adresse, puis se présenter (première étape de l'accueil)"),
    _("s'inscrire à une rencontre de l'agenda"),
    _("répondre à un questionnaire à partir du lien personnel reçu par e-mail"),
    _("faire l'émargement d'une séance (coordination)"),
    _("écrire et envoyer un message aux membres du réseau (coordination)"),
)

# The area of each URL namespace, in the order the statement lists them.
AREAS = {
    "pages": _("Pages du site"),
    "": _("Compte : connexion, inscription, mot de passe, double authentification"),
    "members": _("Réseau : espace personnel, annuaire, groupes de travail, besoins"),
    "events": _("Agenda et rencontres"),
    "evaluations": _("Questionnaires, expérimentations et rapports"),
    "projects": _("Projets, dossiers, appels à projets, pratiques et ressources"),
    "coordination": _("Espace de coordination et envois"),
}
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _patterns(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


@cache
def audited_pages() -> list[tuple[str, list[str]]]:
    """(area, sorted addresses) for every audited route; <slug:slug> reads <slug>."""
    addresses = dict(_patterns(get_resolver().url_patterns))
    by_area: dict[str, set[str]] = {area: set() for area in AREAS}
    for name in AUDITED_ROUTES:
        area = name.split(":")[0] if ":" in name else ""
        path = "/" + CONVERTER.sub(r"<\1>", addresses[name]).lstrip("^").rstrip("$")
        by_area[area if area in AREAS else ""].add(path)
    return [(str(AREAS[area]), sorted(paths)) for area, paths in by_area.items() if paths]
