"""Every form of the project under hostile input (hypothesis), driven by the table FORMS.

For each form: the page that shows it is read as a user entitled to it (its fields, hidden
ones and offered choices included), then hypothesis POSTs it with each field kept, set to
another offered choice, to the id of any sample object (outside the user's scope too) or
to a hostile value (control, direction and look-alike characters, very long text,
malformed dates and numbers, tampered ids), files included, and sometimes with the URL's
own ids tampered with. The property:

- no 500 (the test client raises what a view raises);
- refused (a form re-rendered with errors, 400, 403, 404, 405, or a redirect with a
  warning): the reason is in French and no row of the database changed;
- accepted: no NUL stored, no direction control in a name or title.

A route whose view takes a POST and has no row in FORMS fails
`test_every_form_has_a_row`, as a route without a row fails the access matrix.
"""

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import test_access_matrix
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hostile import (
    HOSTILE_FILES,
    TAMPERED_IDS,
    changed_tables,
    field_value,
    form_errors,
    hostile_files,
    hostile_value,
    is_french,
    page_forms,
    smuggled,
    snapshot,
    untouched,
    warnings,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from test_access_matrix import ROUTES, log_in

# The access matrix's sample objects (one per kind a URL needs), as a fixture of this module.
samples = test_access_matrix.samples

AUDIT = frozenset({"core_auditlogentry"})


@dataclass(frozen=True)
class Form:
    """One form: who fills it in, the route of the page that shows it (None: the form's
    own URL), and the fields to send when no sample page shows it (names, or a function
    of the samples)."""

    role: str
    page: str | None = None
    fields: tuple[str, ...] | Callable[[dict], tuple[str, ...]] = ()
    # Tables a refusal may still write, with the reason (a failed login is audited).
    may_write: frozenset[str] = frozenset()


def _attendance_fields(samples) -> tuple[str, ...]:
    return (f"presence-{samples['events_registration'].pk}",)


M, R, C, N, A = "member", "referent", "coordinator", "newcomer", "anonymous"

FORMS: dict[str, Form] = {
    # allauth, as configured (e-mail login, no login by code, TOTP second factor).
    "account_login": Form(A, may_write=AUDIT),
    "account_signup": Form(A),
    "account_reset_password": Form(A),
    "account_reset_password_from_key": Form(A, fields=("password1", "password2")),
    "account_confirm_email": Form(A),
    "account_confirm_login_code": Form(A, fields=("code",)),
    "account_logout": Form(N),
    "account_change_password": Form(N, may_write=AUDIT),
    "account_set_password": Form(N, fields=("password1", "password2")),
    "account_email": Form(N, fields=("action_send", "action_remove", "action_primary")),
    "account_reauthenticate": Form(N, may_write=AUDIT),
    "mfa_authenticate": Form(N, fields=("code",)),
    "mfa_reauthenticate": Form(C, may_write=AUDIT),
    "mfa_activate_totp": Form(N, fields=("code", "signed_secret")),
    "mfa_deactivate_totp": Form(C, fields=("code",)),
    "mfa_generate_recovery_codes": Form(N),
    "set_language": Form(A, page="pages:home"),
    # Members: one's space and organisation, the coordination's validations and import.
    "members:profile": Form(N),
    "members:preferences": Form(N),
    "members:create_organization": Form(N),
    "members:join_organization": Form(N, fields=("message",)),
    "members:delete_account": Form(N),
    "members:organization_manage": Form(R),
    "members:leave_organization": Form(M, page="members:space"),
    "members:affiliation_decide": Form(R, page="members:organization_manage"),
    "members:validation_decide": Form(C, page="members:validations"),
    "members:validation_organization_decide": Form(C, fields=("message",)),
    "members:import": Form(C),
    # Working groups and needs.
    "members:group_create": Form(C),
    "members:group_join": Form(M),
    "members:group_leave": Form(M, page="members:group"),
    "members:group_member_add": Form(C),
    "members:group_membership_decide": Form(R, page="members:group"),
    "members:group_document_add": Form(M),
    "members:group_action_add": Form(M),
    "members:group_action_edit": Form(M),
    "members:need_create": Form(M),
    "members:need_support": Form(R, page="members:need"),
    "members:need_triage": Form(C, page="members:need"),
    "members:need_merge": Form(C, page="members:need"),
    "members:need_close": Form(C, page="members:need"),
    # Events.
    "events:register": Form(R, page="events:event"),
    "events:unregister": Form(M, page="events:event"),
    "events:my_registrations": Form(M),
    "events:create": Form(C),
    "events:edit": Form(C),
    "events:reminders": Form(C),
    "events:sessions": Form(C),
    "events:duplicate": Form(C, page="events:edit"),
    "events:publish": Form(C),
    "events:cancel": Form(C),
    "events:registrations": Form(C),
    "events:registration_action": Form(C, page="events:registrations"),
    "events:attendance": Form(C, fields=_attendance_fields),
    # Projects: opportunities, dossiers, projects, resources, practices.
    "projects:opportunity_create": Form(C),
    "projects:opportunity_edit": Form(C),
    "projects:opportunity_publish": Form(C),
    "projects:opportunity_unpublish": Form(C, page="projects:opportunity"),
    "projects:opportunity_follow": Form(M, page="projects:opportunity"),
    "projects:opportunity_unfollow": Form(M),
    "projects:digest_unsubscribe": Form(A),
    "projects:dossier_create": Form(M),
    "projects:dossier_edit": Form(M),
    "projects:dossier_transition": Form(M, page="projects:dossier"),
    "projects:dossier_document_add": Form(M, page="projects:dossier"),
    "projects:dossier_document_toggle": Form(M, page="projects:dossier"),
    "projects:dossier_document_upload": Form(M, page="projects:dossier"),
    "projects:dossier_document_delete": Form(M, page="projects:dossier"),
    "projects:dossier_deadline_add": Form(M, page="projects:dossier"),
    "projects:dossier_deadline_delete": Form(M, page="projects:dossier"),
    "projects:project_create": Form(M),
    "projects:project_edit": Form(M),
    "projects:project_partners": Form(M),
    "projects:project_partner_remove": Form(M, page="projects:project_partners"),
    "projects:resource_create": Form(C),
    "projects:resource_edit": Form(C),
    "projects:resource_publish": Form(C),
    "projects:resource_unpublish": Form(C, page="projects:resource"),
    "projects:practice_create": Form(M),
    "projects:practice_edit": Form(M),
    "projects:practice_transition": Form(C, page="projects:practice"),
    "projects:practice_comment": Form(C, page="projects:practice"),
    # Evaluations.
    "evaluations:respond": Form(A),
    "evaluations:create": Form(C),
    "evaluations:edit": Form(C),
    "evaluations:invite": Form(C),
    "evaluations:question_add": Form(C),
    "evaluations:question_edit": Form(C),
    "evaluations:question_delete": Form(C, page="evaluations:edit"),
    "evaluations:question_move": Form(C, page="evaluations:edit"),
    "evaluations:measurements": Form(M),
    "evaluations:measurement_decide": Form(C, fields=("transition", "comment")),
    "evaluations:indicator_add": Form(C),
    "evaluations:indicator_edit": Form(C),
    "evaluations:sheet_draft": Form(C),
    "evaluations:sheet_edit": Form(C),
    "evaluations:sheet_publish": Form(C, page="evaluations:sheet"),
    "evaluations:reports": Form(C),
    "evaluations:report_retry": Form(C),
    # Coordination: mailings and one's subscription.
    "coordination:mailing_create": Form(C),
    "coordination:mailing_edit": Form(C),
    "coordination:mailing_test": Form(C, page="coordination:mailing"),
    "coordination:mailing_send": Form(C, page="coordination:mailing"),
    "coordination:mailing_cancel": Form(C, page="coordination:mailing"),
    "coordination:my_subscription": Form(M, page="coordination:my_mailings"),
    "coordination:unsubscribe": Form(A),
}

# --- Which routes take a form ------------------------------------------------------------


def _sources(function, seen: set) -> str:
    """The source of a view and of the functions of its module it calls, recursively."""
    function = inspect.unwrap(function)
    if function in seen:
        return ""
    seen.add(function)
    source = inspect.getsource(function)
    module = inspect.getmodule(function)
    for name in set(re.findall(r"\b(\w+)\(", source)):
        callee = getattr(module, name, None)
        if inspect.isfunction(callee) and callee.__module__ == module.__name__:
            source += _sources(callee, seen)
    return source


def takes_a_post(view) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    source = _sources(view, set())
    return any(
        word in source
        for word in ("request.POST", "request.FILES", "request.method", "require_POST")
    )


def form_routes(patterns=None, namespace: str = "") -> set[str]:
    """Every named route whose view takes a POST (the admin's aside: Django's own)."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace != "admin":
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= form_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and takes_a_post(pattern.callback):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_form_has_a_row():
    routes = form_routes()
    missing, stale = routes - FORMS.keys(), FORMS.keys() - routes
    assert not missing, f"forms without a row in FORMS (tests/test_hostile_forms.py): {missing}"
    assert not stale, f"rows of FORMS for routes that take no form: {sorted(stale)}"


def test_the_coverage_test_sees_forms_behind_helpers():
    # resource_create delegates to _form_page, which reads request.POST.
    assert "projects:resource_create" in form_routes()
    assert "events:agenda" not in form_routes()


# --- The property ------------------------------------------------------------------------

ALLOWED = {200, 302, 400, 403, 404, 405}


def _target(name: str, row: Form, samples: dict, client: Client):
    """The URL to post to and the form as its page shows it (None: not on a page)."""
    kwargs = ROUTES[name].kwargs(samples) if ROUTES[name].kwargs else {}
    url = reverse(name, kwargs=kwargs)
    page = row.page or name
    page_kwargs = ROUTES[page].kwargs(samples) if ROUTES[page].kwargs else {}
    page_url = reverse(page, kwargs=page_kwargs)
    response = client.get(page_url)
    if response.status_code != 200 or response.streaming:
        return url, None
    for form in page_forms(response.content.decode(), page_url):
        action = urlsplit(form.action).path
        if resolve(action).view_name == name:
            return action, form
    return url, None


def _tampered(url: str, ids: list[int]) -> st.SearchStrategy:
    """The URL with each of its numeric ids kept or replaced (0, huge, another object's)."""
    match = resolve(url)
    numeric = [key for key, value in match.kwargs.items() if isinstance(value, int)]
    if not numeric:
        return st.just(url)
    replacement = st.sampled_from([0, 2**31, 2**63, 10**25, *ids])
    kwargs = st.fixed_dictionaries(dict.fromkeys(numeric, replacement))
    return kwargs.map(lambda new: reverse(match.view_name, kwargs=match.kwargs | new))


def _sample_ids(samples: dict) -> list[int]:
    return sorted({value.pk for value in samples.values() if isinstance(value, Model)})


def _log_in_again(client: Client, user_pk):
    from consortium.core.models import User

    client.logout()
    if user_pk is not None:
        client.force_login(User.objects.get(pk=user_pk))


def _check(name: str, row: Form, response, before: dict, after: dict):
    assert response.status_code in ALLOWED, (name, response.status_code)
    errors = form_errors(response) if response.status_code in (200, 400) else []
    said = errors + warnings(response)
    refused = response.status_code in (400, 403, 404, 405) or bool(said)
    if not refused:
        assert not smuggled(before, after), (name, smuggled(before, after))
        return
    changed = changed_tables(before, after) - row.may_write
    assert not changed, (name, "refused but changed", changed, said)
    english = [message for message in said if not is_french(message)]
    assert not english, (name, english)


class _Stub:
    """A response as _check reads it."""

    def __init__(self, status_code, context=None):
        self.status_code, self.context = status_code, context
        self.wsgi_request = object()


def test_the_property_fails_on_a_refusal_that_writes_or_speaks_english():
    from django import forms

    row, written = FORMS["members:need_create"], {"t": {(1, "x"): ("id", "title")}}
    with pytest.raises(AssertionError, match="refused but changed"):
        _check("x", row, _Stub(404), {"t": {}}, written)
    form = forms.Form({})
    form.add_error(None, "Please enter a valid value.")
    with pytest.raises(AssertionError, match="Please"):
        _check("x", row, _Stub(200, [{"form": form}]), {}, {})
    with pytest.raises(AssertionError):
        _check("x", row, _Stub(500), {}, {})


def test_the_property_fails_on_an_accepted_nul_or_direction_control():
    row = FORMS["members:need_create"]
    for value in ("a\x00b", "\u202eevil"):
        after = {"t": {(1, value): ("id", "title")}}
        with pytest.raises(AssertionError):
            _check("x", row, _Stub(302), {"t": {}}, after)
    stored = {"t": {(1, "groupes/../../etc/passwd"): ("id", "file")}}
    with pytest.raises(AssertionError):
        _check("x", row, _Stub(302), {"t": {}}, stored)


def _area(name: str) -> str:
    return name.split(":")[0] if ":" in name else "accounts"


AREAS = sorted({_area(name) for name in FORMS})


@pytest.mark.parametrize("area", AREAS)
def test_hostile_forms_are_refused_in_french_and_change_nothing(samples, subtests, area):
    """The sample data built once per area; each example rolled back, so that examples
    and forms do not see each other's changes (a cancelled event, a deleted account)."""
    for name in sorted(name for name in FORMS if _area(name) == area):
        with subtests.test(form=name):
            _hostile_posts(name, FORMS[name], samples)


def _hostile_posts(name: str, row: Form, samples: dict):
    client = Client()
    log_in(client, row.role, samples)
    user_pk = client.session.get("_auth_user_id")
    url, form = _target(name, row, samples, client)
    assert form or not row.page, f"{row.page} shows no form posting to {name}: fix its row"
    ids = _sample_ids(samples)
    names = row.fields(samples) if callable(row.fields) else row.fields
    fields = form.fields if form else {}
    id_values = list(map(str, ids)) + TAMPERED_IDS

    # Half the profile's examples: ~110 forms, within the CI's time budget.
    @settings(max_examples=max(3, settings.default.max_examples // 2))
    @given(data=st.data())
    def check(data):
        post = untouched(form) if form else {}
        for field_name, one in fields.items():
            if one.kind == "file":
                if data.draw(st.booleans()):
                    post[field_name] = data.draw(hostile_files())
            elif data.draw(st.booleans()):
                post[field_name] = data.draw(field_value(one, id_values))
        for field_name in names:
            post[field_name] = [data.draw(st.one_of(hostile_value, st.sampled_from(id_values)))]
        extra = data.draw(st.dictionaries(st.text(max_size=8), hostile_value, max_size=2))
        target = data.draw(st.one_of(st.just(url), _tampered(url, ids)))
        for cache in caches.all():  # allauth's rate limits: each example from scratch
            cache.clear()
        with transaction.atomic():
            _log_in_again(client, user_pk)
            before = snapshot()
            response = client.post(target, post | extra)
            _check(name, row, response, before, snapshot())
            transaction.set_rollback(True)

    check()
    for field_name in _upload_fields(name, fields):
        _every_hostile_file(name, row, client, user_pk, url, form, field_name)


def _upload_fields(name: str, fields: dict) -> list[str]:
    """The file fields to try every hostile file on: not an edit's (its create form has the
    same validation), one per formset (images-0-image stands for images-1-image)."""
    if name.endswith("_edit"):
        return []
    kinds = {re.sub(r"-\d+-", "-N-", key): key for key, one in fields.items() if one.kind == "file"}
    return sorted(kinds.values())


def _every_hostile_file(name, row, client, user_pk, url, form, field_name):
    """Every upload field gets every hostile file, the rest of the form untouched."""
    for case in HOSTILE_FILES:
        post = untouched(form) | {field_name: SimpleUploadedFile(*case)}
        with transaction.atomic():
            _log_in_again(client, user_pk)
            before = snapshot()
            response = client.post(url, post)
            _check(name, row, response, before, snapshot())
            transaction.set_rollback(True)
