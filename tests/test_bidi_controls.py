"""Names and titles refuse the invisible characters that reorder how text is shown.

"\u202eevil" shows as "live": a name could pass for another. One validator
(consortium.core.validators.reject_bidi_controls), attached to the model fields of names
and titles and to the few form fields that have no model field behind them.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from factories import UserFactory
from member_factories import PersonFactory, WorkingGroupFactory, commune

from consortium.core.validators import reject_bidi_controls
from events.forms.coordination import EventForm
from events.models import Event
from members.enums import PersonStatus, Sector
from members.forms.groups import ActionForm, DocumentForm, GroupForm
from members.forms.needs import NeedForm
from members.forms.space import OrganizationForm, ProfileForm
from members.models import Organization, OrganizationType
from projects.forms.dossiers import DocumentAddForm, DossierForm
from projects.forms.opportunities import OpportunityForm
from projects.forms.practices import PracticeForm
from projects.forms.projects import ProjectForm
from projects.forms.resources import ResourceForm
from projects.models import Project

MESSAGE = "caractères invisibles qui inversent le sens d'affichage"
EVIL = "\u202eevil"
CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_the_validator_refuses_every_direction_control(control):
    with pytest.raises(ValidationError) as refused:
        reject_bidi_controls(f"Crèche{control} Les Lucioles")
    assert refused.value.code == "bidi"
    assert MESSAGE in str(refused.value.messages[0])


@pytest.mark.parametrize("text", ["Crèche « Les Lucioles »", "مكتبة الأطفال", "Théâtre 95", ""])
def test_the_validator_accepts_ordinary_names_in_any_script(text):
    reject_bidi_controls(text)


def _forms():
    """(id, build(data) -> form, field) for every form that names or titles something."""
    # Built lazily: most forms need the database (querysets, vocabularies).
    return [
        ("profile-first-name", lambda data: ProfileForm(data), "first_name"),
        ("profile-last-name", lambda data: ProfileForm(data), "last_name"),
        ("profile-job-title", lambda data: ProfileForm(data), "job_title"),
        ("organisation", lambda data: OrganizationForm(data), "name"),
        ("group", lambda data: GroupForm(data), "title"),
        ("group-document", lambda data: DocumentForm(data), "title"),
        ("group-action", lambda data: ActionForm(data, group=WorkingGroupFactory()), "title"),
        ("need", lambda data: NeedForm(data), "title"),
        ("event-title", lambda data: EventForm(data), "title"),
        ("event-venue", lambda data: EventForm(data), "venue"),
        (
            "project",
            lambda data: ProjectForm(data, organizations=Organization.objects.all()),
            "title",
        ),
        (
            "practice",
            lambda data: PracticeForm(
                data, organizations=Organization.objects.all(), projects=Project.objects.none()
            ),
            "title",
        ),
        ("dossier-title", lambda data: DossierForm(data, user=UserFactory()), "title"),
        ("dossier-funder", lambda data: DossierForm(data, user=UserFactory()), "funder"),
        ("dossier-document", lambda data: DocumentAddForm(data), "label"),
        ("opportunity-title", lambda data: OpportunityForm(data), "title"),
        ("opportunity-funder", lambda data: OpportunityForm(data), "funder"),
        ("opportunity-attachment", lambda data: OpportunityForm(data), "attachment_title"),
        ("resource", lambda data: ResourceForm(data), "title"),
    ]


FORMS = _forms()


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "field"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_every_name_and_title_field_refuses_direction_controls(build, field):
    form = build({field: EVIL})
    assert not form.is_valid()
    assert MESSAGE in " ".join(form.errors.get(field, [])), form.errors


# --- Nothing is saved ------------------------------------------------------------------


def test_the_profile_refuses_a_reversed_name_and_changes_nothing(client, member):
    client.force_login(member.user)
    before = (member.user.first_name, member.user.last_name)
    response = client.post(
        reverse("members:profile"),
        {"first_name": "Lou", "last_name": EVIL, "job_title": "Bibliothécaire", "phone": ""},
    )
    assert response.status_code == 200
    assert MESSAGE in " ".join(response.context["form"].errors["last_name"])
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name) == before


@pytest.mark.django_db
def test_a_new_organisation_with_a_reversed_name_is_not_created(client):
    client.force_login(PersonFactory(status=PersonStatus.PENDING).user)
    before = Organization.objects.count()
    response = client.post(
        reverse("members:create_organization"),
        {
            "name": f"Crèche {EVIL}",
            "siret": "",
            "sector": Sector.EARLY_CHILDHOOD,
            "type": OrganizationType.objects.get(slug="eaje").pk,
            "commune": commune().insee_code,
            "address": "3 rue des Lucioles",
            "website": "",
            "email": "",
            "phone": "",
            "public_description": "Une crèche.",
            "listed_publicly": "on",
        },
    )
    assert response.status_code == 200
    assert MESSAGE in " ".join(response.context["form"].errors["name"])
    assert Organization.objects.count() == before


def test_an_event_with_a_reversed_title_is_not_created(coordinator_client):
    response = coordinator_client.post(
        reverse("events:create"),
        {
            "kind": "formation",
            "title": EVIL,
            "description": "Deux demi-journées pour lire avec les tout-petits.",
            "audience": "tous",
            "visibility": "public",
            "online_url": "",
            "venue": "Médiathèque",
            "address": "Rue des Pas Perdus",
            "commune": "95127",
            "capacity": "12",
            "registration_opens_at": "2026-01-10T09:00",
            "registration_closes_at": "",
            "group": "",
        },
    )
    assert response.status_code == 200
    assert MESSAGE in " ".join(response.context["form"].errors["title"])
    assert not Event.objects.exists()
