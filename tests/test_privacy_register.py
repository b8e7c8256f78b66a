"""The record of processing (docs/registre-des-traitements.md) names every model that holds
personal data: those of the privacy registry and those pointing to a person."""

import re
from pathlib import Path

from django.apps import apps
from django.db import models

from consortium.core.models import User
from consortium.core.privacy import REGISTRY
from members.models import Person

REGISTER = Path(__file__).resolve().parent.parent / "docs" / "registre-des-traitements.md"
SECTIONS = ("Finalité", "Base légale", "Personnes", "Données", "Destinataires", "Conservation")


def listed_models() -> set[str]:
    text = REGISTER.read_text(encoding="utf-8")
    lines = re.findall(r"\*\*Modèles\*\* :(.*?)(?:\n\n|\n## |\Z)", text, re.S)
    return {label for line in lines for label in re.findall(r"`([\w.]+)`", line)}


def personal_models() -> set[str]:
    people = (User, Person)
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField)
        and not field.auto_created
        and field.related_model in people
        and field.remote_field.on_delete is not models.SET_NULL
    }
    return pointing | {rule.model._meta.label for rule in REGISTRY}


def test_every_model_with_personal_data_is_in_the_register():
    missing = personal_models() - listed_models()
    assert not missing, f"not in docs/registre-des-traitements.md: {sorted(missing)}"


def test_the_register_lists_no_model_that_does_not_exist():
    known = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    assert listed_models() <= known


def test_every_processing_says_what_the_cnil_model_asks():
    text = REGISTER.read_text(encoding="utf-8")
    processings = re.split(r"\n## ", text)[1:]
    assert len(processings) >= 8
    for processing in processings:
        for section in SECTIONS:
            assert f"**{section}**" in processing, f"{processing.splitlines()[0]}: {section}"
