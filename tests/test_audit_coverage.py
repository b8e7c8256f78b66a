"""Every write service leaves an audit entry: it calls `audit_log_record` or
`workflow_apply` (itself, or through a helper or another service of its module), or it is
listed below as exempt, with the reason. A new write service that logs nothing fails here.

Write services are the public functions of the apps' service modules that run in a
transaction (`@transaction.atomic`) or whose name ends with a write verb
(`<entity>_<verb>`, e.g. `event_cancel`, `need_close`).
"""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

SERVICE_MODULES = (
    "consortium.core.services",
    "members.services",
    "events.services",
    "projects.services.digest",
    "projects.services.dossiers",
    "projects.services.opportunities",
    "projects.services.practices",
    "projects.services.projects",
    "projects.services.resources",
    "evaluations.services",
    "coordination.services",
    "evaluations.services_experiments",
    "evaluations.reports",
)
WRITE_VERBS = frozenset(
    [
        "accept",
        "add",
        "anonymise_old",
        "archive",
        "attach",
        "cancel",
        "close",
        "create",
        "delete",
        "duplicate",
        "ensure",
        "follow",
        "grant",
        "join",
        "leave",
        "mark",
        "merge",
        "move",
        "promote",
        "publish",
        "purge",
        "record",
        "refuse",
        "regenerate",
        "remove",
        "request",
        "revoke",
        "save",
        "send",
        "support",
        "sweep",
        "toggle",
        "transition",
        "triage",
        "unfollow",
        "unpublish",
        "unsubscribe",
        "unsupport",
        "update",
        "validate",
    ]
)
AUDITING_CALLS = frozenset({"audit_log_record", "workflow_apply"})

# What writes without an audit entry, and why. Keep each reason true.
EXEMPT = {
    "consortium.core.services.audit_log_record": "it is the audit log",
    "consortium.core.services.audit_log_purge": "retention: deletes old entries of the log",
    "consortium.core.services.heartbeat_record": "a worker's liveness, no one's decision",
    "members.services.person_ensure": "creates the visitor's own empty profile on first visit",
    "members.services.person_profile_update": "one's own name and phone: personal data, "
    "the log would only say 'changed', and the person is its only author",
    "members.services.person_preferences_update": "one's own preferences; consents are "
    "recorded in ConsentRecord with their wording",
    "members.services.need_support": "a member's 'me too', counted on the need itself",
    "members.services.need_unsupport": "withdrawing one's 'me too'",
    "events.services.attendance_mark": "each mark keeps who marked it and when (marked_by)",
    "events.services.attendance_save": "each mark keeps who marked it and when (marked_by)",
    "events.services.reminders_sweep": "beat: the outbox keeps each reminder queued",
    "events.services.certificates_sweep": "beat: the outbox keeps each certificate queued, "
    "the registration its date",
    "events.services.calendar_feed_for": "one's own secret address, made on first use",
    "events.services.calendar_feed_regenerate": "one's own secret address",
    "events.services.registrations_anonymise_old": "retention sweep (beat), no actor",
    "projects.services.digest.digest_send_weekly": "beat: the outbox keeps each digest",
    "projects.services.dossiers.dossier_send_deadline_reminders": "beat: the outbox keeps "
    "each reminder",
    "projects.services.opportunities.opportunity_send_deadline_alerts": "beat: the outbox "
    "keeps each alert",
    "evaluations.services.invitation_draft_save": "an anonymous respondent's draft: a log "
    "entry would time it beside their invitation",
    "evaluations.services.invitation_submit": "an anonymous response: a log entry would "
    "time it beside their invitation, and so tell who answered what",
    "evaluations.services.invitations_anonymise_old": "retention sweep (beat), no actor",
}


def _module_source(name: str) -> ast.Module:
    module = importlib.import_module(name)
    return ast.parse(Path(inspect.getsourcefile(module)).read_text())


def _calls(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def _is_atomic(function: ast.FunctionDef) -> bool:
    return any("atomic" in ast.unparse(decorator) for decorator in function.decorator_list)


def _is_write(function: ast.FunctionDef) -> bool:
    name = function.name
    if name.startswith("_"):
        return False
    words = name.split("_")
    # entity_verb, entity_part_verb, entity_verb_object (opportunity_send_deadline_alerts)
    verbs = {name.split("_", 1)[-1], words[-1], words[1] if len(words) > 1 else ""}
    return _is_atomic(function) or bool(verbs & WRITE_VERBS)


def _auditing(functions: dict[str, ast.FunctionDef]) -> set[str]:
    """The functions that reach an audit call, directly or through their module's others."""
    calls = {name: _calls(function) for name, function in functions.items()}
    auditing = {name for name, called in calls.items() if called & AUDITING_CALLS}
    grew = True
    while grew:
        more = {name for name, called in calls.items() if called & auditing} - auditing
        auditing |= more
        grew = bool(more)
    return auditing


def _write_services():
    for module in SERVICE_MODULES:
        tree = _module_source(module)
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        auditing = _auditing(functions)
        for name, function in functions.items():
            if _is_write(function):
                yield f"{module}.{name}", name in auditing


def test_every_write_service_is_audited_or_exempt_with_a_reason():
    silent = [name for name, audited in _write_services() if not audited and name not in EXEMPT]
    assert not silent, f"write services that leave no audit entry: {silent}"


def test_the_exemptions_are_still_needed():
    services = dict(_write_services())
    stale = [name for name in EXEMPT if name not in services or services[name]]
    assert not stale, f"exempt but gone, not a write service, or now audited: {stale}"


@pytest.mark.parametrize(
    "name",
    [
        "events.services.event_cancel",
        "members.services.person_validate",
        "projects.services.projects.project_partner_remove",
    ],
)
def test_the_walk_sees_known_audited_services(name):
    assert dict(_write_services())[name] is True
