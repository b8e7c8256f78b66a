"""The dossier pages: scope (a partner never sees nor guesses another organisation's
dossier), the list and its filters, the board, the CSV, the forms and the POST endpoints,
and flat query counts."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from member_factories import OrganizationFactory, bulk_organizations, member_of
from project_factories import DossierFactory, OpportunityFactory, today_plus

from projects.enums import DeadlineKind, DossierKind, DossierStatus
from projects.models import Dossier, DossierDeadline, DossierDocument
from projects.services import dossiers as services

pytestmark = pytest.mark.django_db


def pdf(name="budget.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def dossier(organization, member):
    """A subsidy request of `organization` in preparation, with a file, a date and notes."""
    dossier = DossierFactory(
        organization=organization,
        title="Subvention résidence en crèche",
        status=DossierStatus.PREPARING,
        notes="Appeler la DRAC avant le dépôt",
        amount_requested=12000,
        funder="DRAC Île-de-France",
    )
    dossier.owners.set([member])
    document = DossierDocument.objects.create(dossier=dossier, label="Budget prévisionnel")
    services.dossier_document_attach(document=document, actor=member.user, file=pdf())
    DossierDeadline.objects.create(
        dossier=dossier, kind=DeadlineKind.SUBMISSION, due_on=today_plus(20)
    )
    return dossier


def dossier_urls(dossier) -> list[tuple[str, str]]:
    """Every address about one dossier, with its method."""
    document = dossier.documents.first()
    deadline = dossier.deadlines.first()
    pk = {"pk": dossier.pk}
    doc = {"pk": dossier.pk, "document_pk": document.pk}
    return [
        ("get", reverse("projects:dossier", kwargs=pk)),
        ("get", reverse("projects:dossier_edit", kwargs=pk)),
        ("post", reverse("projects:dossier_edit", kwargs=pk)),
        ("post", reverse("projects:dossier_transition", kwargs=pk | {"name": "deposer"})),
        ("post", reverse("projects:dossier_document_add", kwargs=pk)),
        ("post", reverse("projects:dossier_document_toggle", kwargs=doc)),
        ("post", reverse("projects:dossier_document_upload", kwargs=doc)),
        ("get", reverse("projects:dossier_document_file", kwargs=doc)),
        ("post", reverse("projects:dossier_document_delete", kwargs=doc)),
        ("post", reverse("projects:dossier_deadline_add", kwargs=pk)),
        (
            "post",
            reverse(
                "projects:dossier_deadline_delete",
                kwargs={"pk": dossier.pk, "deadline_pk": deadline.pk},
            ),
        ),
    ]


# --- Scope ------------------------------------------------------------------------------------


def test_another_organizations_dossier_is_404_everywhere(client, dossier, other_member):
    client.force_login(other_member.user)
    before = Dossier.objects.values().get(pk=dossier.pk)
    for method, url in dossier_urls(dossier):
        data = {"piece-label": "X", "echeance-kind": "autre", "echeance-due_on": "2030-01-01"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert Dossier.objects.values().get(pk=dossier.pk) == before
    assert dossier.documents.count() == 1 and dossier.deadlines.count() == 1


def test_guessing_a_document_of_another_dossier_is_404(member_client, dossier):
    foreign = DossierFactory()
    document = DossierDocument.objects.create(dossier=foreign, label="RIB", file="dossiers/x.pdf")
    # The dossier is the member's, the document is not: the pair does not exist for them.
    url = reverse(
        "projects:dossier_document_file", kwargs={"pk": dossier.pk, "document_pk": document.pk}
    )
    assert member_client.get(url).status_code == 404
    url = reverse(
        "projects:dossier_document_file", kwargs={"pk": foreign.pk, "document_pk": document.pk}
    )
    assert member_client.get(url).status_code == 404


def test_observers_do_not_see_dossiers(observer_client, dossier):
    assert observer_client.get(reverse("projects:dossiers")).status_code == 404
    assert observer_client.get(dossier.get_absolute_url()).status_code == 404


def test_the_list_shows_only_ones_organizations(member_client, dossier):
    DossierFactory(title="Dossier d'une autre structure")
    response = member_client.get(reverse("projects:dossiers"))
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [dossier]
    assert "Dossier d'une autre structure" not in response.text
    assert reverse("projects:dossier_board") not in response.text


def test_the_coordinator_sees_all_and_filters(coordinator_client, dossier):
    other = DossierFactory(title="Festival des tout-petits", kind=DossierKind.FESTIVAL)
    url = reverse("projects:dossiers")
    response = coordinator_client.get(url)
    assert set(response.context["page_obj"].object_list) == {dossier, other}
    assert reverse("projects:dossier_board") in response.text

    assert list(coordinator_client.get(url, {"kind": "festival"}).context["page_obj"]) == [other]
    assert list(coordinator_client.get(url, {"q": "DRAC"}).context["page_obj"]) == [dossier]
    assert list(coordinator_client.get(url, {"status": "preparation"}).context["page_obj"]) == [
        dossier
    ]
    soon = {"deadline_before": today_plus(30).isoformat()}
    assert list(coordinator_client.get(url, soon).context["page_obj"]) == [dossier]
    early = {"deadline_before": today_plus(5).isoformat()}
    assert list(coordinator_client.get(url, early).context["page_obj"]) == []
    org = {"organization": dossier.organization.name[:8].upper()}
    assert list(coordinator_client.get(url, org).context["page_obj"]) == [dossier]


def test_the_detail_page(member_client, dossier):
    response = member_client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "Appeler la DRAC avant le dépôt" in text  # private notes, for the organisation
    assert "12\xa0000 €" in text  # French grouping, a no-break space
    names = [transition.name for transition in response.context["transitions"]]
    assert names == ["deposer", "clore"]
    document = dossier.documents.get()
    assert (
        reverse(
            "projects:dossier_document_file", kwargs={"pk": dossier.pk, "document_pk": document.pk}
        )
        in text
    )
    assert 'aria-current="step"' in text


# --- Board and CSV -----------------------------------------------------------------------------


def make_dossiers(count: int) -> None:
    organizations = bulk_organizations(5, prefix=f"tableau-{count}")
    statuses = list(DossierStatus)
    Dossier.objects.bulk_create(
        Dossier(
            organization=organizations[i % 5],
            title=f"Dossier {i}",
            kind=DossierKind.SUBSIDY,
            status=statuses[i % len(statuses)],
        )
        for i in range(count)
    )
    for dossier in Dossier.objects.all()[:count:3]:
        DossierDeadline.objects.create(dossier=dossier, kind="depot", due_on=today_plus(9))
        DossierDocument.objects.create(dossier=dossier, label="RIB", is_done=True)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["projects:dossier_board", "projects:dossiers"])
def test_query_count_is_flat(coordinator_client, name):
    url = reverse(name)
    make_dossiers(5)
    few = queries_for(coordinator_client, url)
    make_dossiers(55)
    assert queries_for(coordinator_client, url) == few


def test_member_list_query_count_is_flat(member_client, organization):
    url = reverse("projects:dossiers")
    DossierFactory.create_batch(2, organization=organization)
    few = queries_for(member_client, url)
    DossierFactory.create_batch(25, organization=organization)
    assert queries_for(member_client, url) == few


def test_the_board_groups_by_status_with_counts(coordinator_client, monkeypatch):
    from projects.views import dossiers as views

    monkeypatch.setattr(views, "BOARD_LIMIT", 2)
    organization = OrganizationFactory()
    DossierFactory.create_batch(3, organization=organization, status=DossierStatus.SUBMITTED)
    DossierFactory(organization=organization, status=DossierStatus.IDEA, kind="festival")
    response = coordinator_client.get(reverse("projects:dossier_board"))
    columns = {column["status"]: column for column in response.context["columns"]}
    assert list(columns) == list(DossierStatus.values)
    assert columns["depose"]["count"] == 3
    assert len(columns["depose"]["dossiers"]) == 2 and columns["depose"]["more"] == 1
    assert columns["idee"]["count"] == 1 and columns["clos"]["count"] == 0
    filtered = coordinator_client.get(reverse("projects:dossier_board"), {"kind": "festival"})
    assert filtered.context["total"] == 1


def test_the_board_shows_ten_cards_per_step_and_links_to_the_rest(coordinator_client):
    organization = OrganizationFactory()
    DossierFactory.create_batch(12, organization=organization, status=DossierStatus.IDEA)
    response = coordinator_client.get(reverse("projects:dossier_board"))
    columns = {column["status"]: column for column in response.context["columns"]}
    assert len(columns["idee"]["dossiers"]) == 10 and columns["idee"]["more"] == 2
    assert "et 2 autres" in response.content.decode()


def test_board_and_list_cards_show_amounts_and_next_key_date(coordinator_client):
    dossier = DossierFactory(
        title="<b>Résidence</b>", amount_requested=12500, amount_granted=8000, status="accorde"
    )
    DossierDeadline.objects.create(dossier=dossier, kind="bilan", due_on=today_plus(20))
    DossierFactory(amount_requested=None, status="accorde")
    due = today_plus(20)
    for name in ("projects:dossier_board", "projects:dossiers"):
        page = coordinator_client.get(reverse(name)).content.decode()
        assert "&lt;b&gt;Résidence&lt;/b&gt;" in page
        assert "12\xa0500 € demandés<br>8\xa0000 € accordés" in page
        assert '<span class="muted">montant non précisé</span>' in page
        assert f'<time datetime="{due.isoformat()}">{due.day} ' in page
        assert "(Remise du bilan)" in page
    coordinator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = coordinator_client.get(reverse("projects:dossier_board")).content.decode()
    assert "€12,500 requested" in english and "amount not specified" in english


def test_board_and_csv_are_the_coordinations(member_client):
    assert member_client.get(reverse("projects:dossier_board")).status_code == 404
    assert member_client.get(reverse("projects:dossiers_csv")).status_code == 404


def test_the_csv_export(coordinator_client, dossier, member):
    DossierFactory(title='=HYPERLINK("http://x")', kind=DossierKind.FESTIVAL)
    response = coordinator_client.get(reverse("projects:dossiers_csv"), {"kind": "subvention"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="dossiers-')
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == [
        "N°",
        "Intitulé",
        "Structure",
        "Intercommunalité",
        "Type de dossier",
        "Étape",
    ]
    assert len(rows) == 2  # the filter applies: only the subsidy request
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Intitulé"] == "Subvention résidence en crèche"
    assert row["Étape"] == "En préparation"
    assert row["Montant demandé (€)"] == "12000"
    assert row["Pièces prêtes"] == "1/1"
    assert row["Responsables"] == str(member)
    assert row["Prochaine échéance"] == today_plus(20).strftime("%d/%m/%Y")
    assert "Appeler la DRAC" not in content  # never the private notes

    everything = coordinator_client.get(reverse("projects:dossiers_csv")).content.decode()
    assert "'=HYPERLINK" in everything  # a formula is neutralised


# --- Create and edit ---------------------------------------------------------------------------


def test_a_member_creates_a_dossier_for_their_organization(member_client, member, organization):
    url = reverse("projects:dossier_create")
    page = member_client.get(url)
    assert list(page.context["form"].fields["organization"].queryset) == [organization]
    assert page.context["form"].initial["owners"] == [member.pk]
    response = member_client.post(
        url,
        {
            "organization": organization.pk,
            "title": "Convention avec la médiathèque",
            "kind": DossierKind.PARTNERSHIP,
            "owners": [member.pk],
            "amount_requested": "1500",
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert (dossier.organization, dossier.created_by) == (organization, member.user)
    assert dossier.amount_requested == 1500
    assert dossier.documents.filter(label="Projet de convention").exists()


def test_a_member_cannot_pick_another_organization(member_client):
    other = OrganizationFactory()
    response = member_client.post(
        reverse("projects:dossier_create"),
        {"organization": other.pk, "title": "Intrus", "kind": DossierKind.SUBSIDY},
    )
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors
    assert not Dossier.objects.exists()


def test_bad_input_changes_nothing_with_french_errors(member_client, organization):
    response = member_client.post(
        reverse("projects:dossier_create"),
        {
            "organization": organization.pk,
            "title": "<b>Gras</b>",
            "kind": "",
            "amount_requested": "-4",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "kind", "amount_requested"} <= set(errors)
    assert "balise HTML" in errors["title"][0]
    assert not Dossier.objects.exists()


def test_prefilled_from_an_opportunity(member_client):
    opportunity = OpportunityFactory(title="Fonds pour l'éveil", funder="Fondation Culture")
    response = member_client.get(
        reverse("projects:dossier_create"), {"opportunite": opportunity.slug}
    )
    initial = response.context["form"].initial
    assert initial["opportunity"] == opportunity.pk
    assert (initial["title"], initial["funder"]) == ("Fonds pour l'éveil", "Fondation Culture")
    assert initial["kind"] == DossierKind.CALL_FOR_PROJECTS
    draft = OpportunityFactory(status="draft", published_at=None)
    response = member_client.get(reverse("projects:dossier_create"), {"opportunite": draft.slug})
    assert "opportunity" not in response.context["form"].initial


def test_the_coordinator_creates_for_any_organization_with_its_referents(
    coordinator_client, organization, referent, member
):
    response = coordinator_client.post(
        reverse("projects:dossier_create"),
        {"organization": organization.pk, "title": "Festival 2027", "kind": DossierKind.FESTIVAL},
    )
    assert response.status_code == 302
    assert list(Dossier.objects.get().owners.all()) == [referent]


def test_edit(member_client, dossier, organization, member):
    colleague = member_of(organization)
    url = reverse("projects:dossier_edit", kwargs={"pk": dossier.pk})
    page = member_client.get(url)
    assert set(page.context["form"].fields["owners"].queryset) >= {member, colleague}
    assert "organization" not in page.context["form"].fields
    response = member_client.post(
        url,
        {
            "title": "Subvention 2027",
            "kind": DossierKind.SUBSIDY,
            "owners": [member.pk, colleague.pk],
            "notes": "",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.title == "Subvention 2027" and dossier.notes == ""
    assert set(dossier.owners.all()) == {member, colleague}
    assert dossier.status == DossierStatus.PREPARING


def test_a_closed_dossier_cannot_be_edited(member_client, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.CLOSED)
    url = reverse("projects:dossier_edit", kwargs={"pk": dossier.pk})
    response = member_client.post(url, {"title": "Non", "kind": DossierKind.SUBSIDY})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).title == "Subvention résidence en crèche"


# --- Steps, checklist and dates through the pages ------------------------------------------------


def test_a_step_through_the_page(member_client, dossier):
    url = reverse("projects:dossier_transition", kwargs={"pk": dossier.pk, "name": "deposer"})
    response = member_client.post(url, {"etape-comment": "Déposé en ligne"})
    assert response.status_code == 302
    assert response["Location"] == f"{dossier.get_absolute_url()}#etapes"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.transitions.get().comment == "Déposé en ligne"


def test_granting_records_the_amount(member_client, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUBMITTED)
    url = reverse("projects:dossier_transition", kwargs={"pk": dossier.pk, "name": "accorder"})
    member_client.post(url, {"etape-amount_granted": "9000"})
    assert Dossier.objects.get(pk=dossier.pk).amount_granted == 9000


def test_a_step_that_is_not_possible_shows_an_error(member_client, dossier):
    url = reverse("projects:dossier_transition", kwargs={"pk": dossier.pk, "name": "rouvrir"})
    response = member_client.post(url, {"etape-comment": "Svp"})
    assert response.status_code == 400
    assert response.context["transition_form"].non_field_errors()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PREPARING
    assert not dossier.transitions.exists()


def test_reopening_without_a_comment_through_the_page(coordinator_client, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.CLOSED)
    url = reverse("projects:dossier_transition", kwargs={"pk": dossier.pk, "name": "rouvrir"})
    response = coordinator_client.post(url, {"etape-comment": ""})
    assert response.status_code == 400
    assert "commentaire requis" in str(response.context["transition_form"].non_field_errors())
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.CLOSED
    coordinator_client.post(url, {"etape-comment": "Le financeur relance"})
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PREPARING


def test_checklist_through_the_pages(member_client, dossier):
    add = reverse("projects:dossier_document_add", kwargs={"pk": dossier.pk})
    response = member_client.post(add, {"piece-label": "Statuts", "piece-file": pdf("statuts.pdf")})
    assert response.status_code == 302
    added = dossier.documents.get(label="Statuts")
    assert added.is_done and added.file

    kwargs = {"pk": dossier.pk, "document_pk": added.pk}
    download = member_client.get(reverse("projects:dossier_document_file", kwargs=kwargs))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    member_client.post(reverse("projects:dossier_document_toggle", kwargs=kwargs))
    assert not DossierDocument.objects.get(pk=added.pk).is_done

    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00")
    upload = reverse("projects:dossier_document_upload", kwargs=kwargs)
    response = member_client.post(upload, {f"piece-{added.pk}-file": bad})
    assert response.status_code == 400
    assert "type de fichier" in response.text
    assert DossierDocument.objects.get(pk=added.pk).file.name == added.file.name

    member_client.post(reverse("projects:dossier_document_delete", kwargs=kwargs))
    assert not dossier.documents.filter(pk=added.pk).exists()


def test_key_dates_through_the_pages(member_client, dossier):
    add = reverse("projects:dossier_deadline_add", kwargs={"pk": dossier.pk})
    response = member_client.post(
        add,
        {
            "echeance-kind": "bilan",
            "echeance-due_on": today_plus(100).isoformat(),
            "echeance-label": "",
        },
    )
    assert response.status_code == 302
    deadline = dossier.deadlines.get(kind="bilan")
    assert member_client.post(add, {"echeance-kind": "bilan"}).status_code == 400
    delete = reverse(
        "projects:dossier_deadline_delete", kwargs={"pk": dossier.pk, "deadline_pk": deadline.pk}
    )
    member_client.post(delete)
    assert not dossier.deadlines.filter(pk=deadline.pk).exists()


def test_pending_partners_are_sent_to_their_status_page(client, pending_person):
    client.force_login(pending_person.user)
    response = client.get(reverse("projects:dossiers"))
    assert response.status_code == 302 and response["Location"] == reverse("members:space")


def test_a_file_closed_at_the_idea_stage_shows_no_step_it_skipped(
    member_client, organization, member
):
    idea = services.dossier_create(
        organization=organization,
        actor=member.user,
        fields={"title": "Idée abandonnée", "kind": DossierKind.FESTIVAL},
    )
    services.dossier_transition(dossier=idea, name="clore", actor=member.user)
    steps = member_client.get(idea.get_absolute_url()).context["steps"]
    done = [step["label"] for step in steps if step["done"]]
    assert done == [DossierStatus.IDEA.label]
    assert [step["label"] for step in steps if step["current"]] == [DossierStatus.CLOSED.label]
