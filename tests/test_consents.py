"""Consents: each wording defined once (members/consents.py), with its version and digest;
every place that asks for a consent takes its text from there and records it."""

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import translation
from member_factories import OrganizationFactory, member_of

from members.consents import CONSENTS
from members.enums import ConsentPurpose
from members.models import ConsentRecord
from members.services import organization_update, person_preferences_update
from projects.services.digest import digest_unsubscribe

# Every version ever published, with the digest of its French text. Records made under a
# version say which text the person read: a version's text never changes. A new wording
# is a new version, added here with its digest (members.consents.ConsentWording.digest).
PUBLISHED = {
    (ConsentPurpose.DIGEST, "2026-11"): (
        "90d3aa1ecf66d900cca5c7eb7dc294c1e4c9d4cc4740ab42d6a28561240e874c"
    ),
    (ConsentPurpose.PUBLIC_LISTING, "2026-11"): (
        "717b011e513785a748888dd7b775930f422e17c67fac1462f61266dc69b53a28"
    ),
}


def test_every_purpose_has_its_wording():
    assert set(CONSENTS) == set(ConsentPurpose)


@pytest.mark.parametrize("purpose", list(ConsentPurpose))
def test_a_wording_changes_only_with_a_new_version(purpose):
    wording = CONSENTS[purpose]
    assert wording.digest() == wording.sha256, (
        f"the {purpose} consent text changed: give it a new version and its digest "
        f"({wording.digest()}), and add both to PUBLISHED"
    )
    assert PUBLISHED.get((purpose, wording.version)) == wording.sha256, (
        f"{purpose} {wording.version}: a published version keeps its text, or is new "
        "and missing from PUBLISHED"
    )


def test_the_text_stored_is_the_french_one_even_for_an_english_page():
    with translation.override("en"):
        text = CONSENTS[ConsentPurpose.DIGEST].text()
    assert text.startswith("J'accepte de recevoir chaque semaine")


def _form_classes():
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        yield cls


def test_every_form_that_asks_for_a_consent_takes_its_wording_from_the_registry():
    labels = {str(wording.label) for wording in CONSENTS.values()}
    found = set()
    with translation.override("fr"):
        for cls in _form_classes():
            for name, field in getattr(cls, "base_fields", {}).items():
                label = str(field.label or "")
                if isinstance(field, forms.BooleanField) and label.startswith("J'accepte"):
                    assert label in labels, f"{cls.__module__}.{cls.__name__}.{name}"
                    found.add(label)
    assert found == labels


def _records(person):
    return list(
        ConsentRecord.objects.filter(person=person)
        .order_by("created_at", "pk")
        .values_list("purpose", "given", "wording_version", "wording")
    )


def _record(purpose, given):
    wording = CONSENTS[purpose]
    return (purpose, given, wording.version, wording.text())


@pytest.mark.django_db
def test_digest_opt_in_and_both_opt_outs_record_the_consent_with_its_version():
    person = member_of()
    for wants in (True, False, True):
        person_preferences_update(
            person=person, wants_reminders=True, wants_digest=wants, language="fr"
        )
    assert digest_unsubscribe(person=person)  # the link in the letter
    digest = ConsentPurpose.DIGEST
    assert _records(person) == [
        _record(digest, True),
        _record(digest, False),
        _record(digest, True),
        _record(digest, False),
    ]
    assert all(record.created_at for record in person.consents.all())


@pytest.mark.django_db
def test_directory_listing_records_the_consent_with_its_version():
    organization = OrganizationFactory(listed_publicly=True)
    referent = member_of(organization, referent=True)
    for listed in (False, True):
        organization_update(
            organization=organization,
            actor=referent.user,
            fields={"listed_publicly": listed},
            m2m={},
        )
    listing = ConsentPurpose.PUBLIC_LISTING
    assert _records(referent) == [_record(listing, False), _record(listing, True)]
