"""The directory, coverage, organisation and working-group pages in real Chromium:
axe-core (WCAG 2.1 AA) with zero violations and no horizontal scroll at 1280 and 360 px,
for the public, a member, a facilitator and the coordinator."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factories import CoordinatorFactory
from member_factories import (
    ActionFactory,
    GroupMembershipFactory,
    NeedFactory,
    OrganizationFactory,
    WorkingGroupFactory,
    member_of,
)
from test_accessibility import check_page
from transactional import restore_reference_data

from members import services
from members.enums import ActionStatus, GroupMembershipStatus, NeedStatus, Sector
from members.models import AgeGroup, Discipline, OrganizationType

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), a few
    organisations with people, and a working group with everything its page shows."""
    restore_reference_data()
    creche = OrganizationFactory(
        name="Multi-accueil Les Lucioles",
        email="contact@lucioles.fr",
        phone="01 30 00 00 00",
        address="3 rue des Écoles, Cergy",
        website="https://lucioles.exemple.fr/",
        public_description="Un multi-accueil de 40 places qui accueille des artistes en résidence.",
    )
    creche.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "1-3"]))
    theatre = OrganizationFactory(
        name="Théâtre de l'Usine",
        sector=Sector.CULTURE,
        type=OrganizationType.objects.get(slug="theatre"),
        listed_publicly=False,
    )
    theatre.disciplines.set(Discipline.objects.filter(slug__in=["theatre", "marionnette"]))
    facilitator = member_of(creche, referent=True, user__first_name="Claire")
    participant = member_of(theatre, user__first_name="Yanis")
    requester = member_of()
    group = WorkingGroupFactory(title="Lire avec les tout-petits", is_open=False)
    GroupMembershipFactory(group=group, person=facilitator, is_facilitator=True)
    GroupMembershipFactory(group=group, person=participant)
    GroupMembershipFactory(group=group, person=requester, status=GroupMembershipStatus.REQUESTED)
    ActionFactory(
        group=group,
        title="Recenser les albums sans texte",
        owner=participant,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
        status=ActionStatus.IN_PROGRESS,
    )
    ActionFactory(group=group, title="Préparer la rencontre de juin", status=ActionStatus.TODO)
    services.group_document_add(
        group=group,
        actor=facilitator.user,
        title="Compte rendu de la réunion de mars",
        file=SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    services.group_document_add(
        group=group,
        actor=participant.user,
        title="Bibliographie partagée",
        url="https://exemple.fr/",
    )
    NeedFactory(group=group, title="Former les équipes à la lecture", status=NeedStatus.IN_PROGRESS)
    WorkingGroupFactory(title="Spectacles très jeune public")
    return {
        "creche": creche,
        "group": group,
        "facilitator": facilitator,
        "coordinator": CoordinatorFactory(),
    }


def pages(network):
    creche, group = network["creche"], network["group"]
    facilitator, coordinator = network["facilitator"].user, network["coordinator"]
    return [
        ("reseau-public", "/reseau/", None),
        ("reseau-membre", "/reseau/", facilitator),
        ("reseau-filtre-vide", "/reseau/?q=introuvable", None),
        ("couverture", "/reseau/couverture/", None),
        ("couverture-membre", "/reseau/couverture/", facilitator),
        ("structure-public", creche.get_absolute_url(), None),
        ("structure-membre", creche.get_absolute_url(), facilitator),
        ("groupes", "/groupes/", facilitator),
        ("groupes-coordination", "/groupes/", coordinator),
        ("groupe", group.get_absolute_url(), facilitator),
        ("groupe-coordination", group.get_absolute_url(), coordinator),
        ("groupe-nouveau", "/groupes/nouveau/", coordinator),
        ("groupe-document", f"{group.get_absolute_url()}documents/ajouter/", facilitator),
        ("groupe-action", f"{group.get_absolute_url()}actions/ajouter/", facilitator),
        ("groupe-membre-ajout", f"{group.get_absolute_url()}membres/ajouter/", coordinator),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_pass_axe_at_every_width(new_page, session_of, screenshots, network, width):
    for name, path, user in pages(network):
        page = new_page(width, session_of(user) if user else None)
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        check_page(page, f"membres-{name}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_form_with_errors_passes_axe(new_page, session_of, screenshots, network, width):
    page = new_page(width, session_of(network["facilitator"].user))
    page.goto(f"{network['group'].get_absolute_url()}documents/ajouter/")
    form = page.locator("main form")
    form.locator("input[name=title]").fill("<b>Titre</b>")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("[aria-invalid=true]").count() >= 1
    check_page(page, "membres-groupe-document-erreurs", width, screenshots)


def test_the_directory_search_works_with_the_keyboard(new_page, network):
    page = new_page(1280)
    page.goto("/reseau/")
    page.locator("#id_q").focus()
    page.keyboard.type("lucioles")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=lucioles" in page.url
    assert page.locator("#resultats").inner_text().strip() == "1 structure"
    assert "Multi-accueil Les Lucioles" in page.locator("main").inner_text()
