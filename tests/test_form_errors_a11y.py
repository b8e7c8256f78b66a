"""Forms announce their errors to screen readers (RGAA 11.10, WCAG 3.3.1 and 4.1.2).

On a page with errors: each invalid field has aria-invalid="true" and aria-describedby
pointing at its error message (a fieldset of radios or checkboxes carries the
aria-describedby), every error message is pointed at, and one error summary
(role="alert", tabindex="-1", autofocus) comes first and takes the focus on load (checked
in Chromium by tests/browser/test_keyboard_journeys.py).

Every form of the project is reached from the access matrix: each page it expects a 200
for, as the coordinator, a member and a visitor, that holds a POST form sent to itself is
sent back empty; a page answering with errors is checked (28 forms for the coordinator,
15 for a member, 3 for a visitor). A new form page is covered by its row. Not reached
this way: forms with formsets (an empty POST lacks their management form: 400) and forms
sent to another address (buttons that act); the browser journeys cover the survey.
"""

import re
from html.parser import HTMLParser

from django import forms
from django.template.loader import render_to_string
from django.test import Client
from test_access_matrix import ROUTES, log_in, reverse
from test_access_matrix import samples as samples  # the fixture, for this module's tests

ROLES = ("coordinator", "member", "anonymous")
# Form targets that end the session or the account when sent: they are not forms in error.
NOT_SENT = {"account_logout"}
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ACTION = re.compile(r'\baction="([^"]*)"')


def posts_to_itself(html: str, url: str) -> bool:
    """Whether the page holds a POST form sent to its own address (forms sent elsewhere
    are buttons: send, delete, leave; sending them empty would act)."""
    for tag in FORM.findall(html):
        action = ACTION.search(tag)
        if 'method="post"' in tag.lower() and (not action or action.group(1) in {"", url}):
            return True
    return False


class _Elements(HTMLParser):
    """Every element with its attributes, its fieldset (if any) and the text of each id."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, dict | None]] = []
        self.texts: dict[str, list[str]] = {}
        self.open_ids: list[tuple[str, str]] = []
        self.fieldsets: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, self.fieldsets[-1] if self.fieldsets else None))
        if tag == "fieldset":
            self.fieldsets.append(attrs)
        if attrs.get("id") and tag not in {"input", "br", "img"}:
            self.open_ids.append((tag, attrs["id"]))
            self.texts[attrs["id"]] = []

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        if self.open_ids and self.open_ids[-1][0] == tag:
            self.open_ids.pop()

    def handle_data(self, data):
        for _tag, element_id in self.open_ids:
            self.texts[element_id].append(data)


def error_problems(html: str) -> list[str]:
    """What a screen-reader user would miss on this page of errors."""
    parsed = _Elements()
    parsed.feed(html)
    problems, described = [], set()
    for tag, attrs, fieldset in parsed.elements:
        if attrs.get("aria-invalid") != "true":
            continue
        ids = attrs.get("aria-describedby") or (fieldset or {}).get("aria-describedby", "")
        ids = ids.split()
        described.update(ids)
        errors = [i for i in ids if "".join(parsed.texts.get(i, [])).strip()]
        if not any(i.endswith("_error") for i in errors):
            problems.append(f"<{tag} name={attrs.get('name')}> points at no error message")
    for _tag, attrs, _fieldset in parsed.elements:
        error_id = attrs.get("id") if "errorlist" in attrs.get("class", "") else None
        if error_id and error_id not in described:
            problems.append(f"error message #{attrs['id']} is tied to no field")
    summaries = [
        attrs
        for _tag, attrs, _fieldset in parsed.elements
        if attrs.get("role") == "alert" and attrs.get("tabindex") == "-1" and "autofocus" in attrs
    ]
    if len(summaries) != 1:
        problems.append(f"{len(summaries)} error summaries that take the focus (one expected)")
    return problems


def test_the_checker_sees_a_field_without_its_message():
    untied = '<input name="a" aria-invalid="true"><ul class="errorlist" id="id_a_error"><li>x'
    assert len(error_problems(untied)) == 3  # untied field, orphan message, no summary


class EveryWidget(forms.Form):
    text = forms.CharField(help_text="Aide")
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    radios = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField()
    day = forms.DateField()
    upload = forms.FileField()
    notes = forms.CharField(widget=forms.Textarea)


def test_the_shared_field_template_ties_every_kind_of_widget_to_its_error():
    form = EveryWidget(data={})
    assert not form.is_valid()
    html = render_to_string(
        "components/form_card.html",
        {"form": form, "submit_label": "OK", "cancel_url": "/", "cancel_label": ""},
    )
    assert error_problems(html) == []
    assert html.count('aria-invalid="true"') >= 6  # every field but the fieldsets' own


def _form_pages(samples, role):
    for name, row in sorted(ROUTES.items()):
        if row.expected(role) == 200 and not name.startswith("admin:") and name not in NOT_SENT:
            yield name, reverse(name, kwargs=row.kwargs(samples) if row.kwargs else {})


def test_every_form_in_error_announces_its_errors(samples, subtests):
    """An empty POST to every form page of the matrix, for each role (the sample objects
    built once); each page that answers with errors ties them to their fields and has one
    focused summary."""
    for role in ROLES:
        with subtests.test(role=role):
            checked, problems = _forms_in_error(samples, role)
            assert not problems, "\n".join(problems)
            minimum = {"coordinator": 25, "member": 12, "anonymous": 3}[role]
            assert len(checked) >= minimum, checked


def _forms_in_error(samples, role: str) -> tuple[list[str], list[str]]:
    client = Client()
    log_in(client, role, samples)
    checked, problems = [], []
    for name, url in _form_pages(samples, role):
        page = client.get(url)
        if page.streaming:
            b"".join(page.streaming_content)  # closes the file
            continue
        if not page["Content-Type"].startswith("text/html"):
            continue
        if not posts_to_itself(page.content.decode(), url):
            continue
        answer = client.post(url, {"essai": ""})  # not empty: `request.POST or None` binds
        if role != "anonymous" and "_auth_user_id" not in client.session:
            log_in(client, role, samples)
        if answer.status_code != 200 or 'aria-invalid="true"' not in answer.content.decode():
            continue
        checked.append(name)
        problems += [f"{name}: {p}" for p in error_problems(answer.content.decode())]
    return checked, problems
