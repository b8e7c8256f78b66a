"""Personal data: every model that points to a user (or a person) is exported or covered
by the account deletion. Walks every installed model's foreign keys (`_meta`)."""

import pytest
from django.apps import apps
from django.db import models

from consortium.core.models import User
from consortium.core.privacy import rule_for
from members.models import Person

PEOPLE = (User, Person)


def _links_to_people(model):
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField)
        and not field.auto_created
        and field.related_model in PEOPLE
    ]


def _uncovered(model) -> list[str]:
    """Links whose row would outlive the person without a rule saying what happens."""
    if model in PEOPLE or rule_for(model) is not None:
        return []
    # SET_NULL: the deletion removes the link (a trace of who decided, say) and the row
    # keeps nothing personal; anything else (CASCADE, PROTECT) needs a rule.
    return [
        f"{model._meta.label}.{field.name}"
        for field in _links_to_people(model)
        if field.remote_field.on_delete is not models.SET_NULL
    ]


def test_every_model_pointing_to_a_person_is_exported_or_erased():
    uncovered = [link for model in apps.get_models() for link in _uncovered(model)]
    assert not uncovered, f"no privacy rule (export / deletion) for: {uncovered}"


@pytest.mark.parametrize("label", ["members.Person", "members.Need", "events.Registration"])
def test_the_main_personal_models_have_rules(label):
    assert rule_for(apps.get_model(label)) is not None
