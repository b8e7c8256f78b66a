"""Resources: who sees what (public, members, drafts), safe downloads, the coordination's
form (a file or a link, validated uploads) and publication."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from project_factories import ResourceFactory, png_upload

from members.models import AgeGroup, Discipline, Theme
from projects.enums import PublicationStatus, ResourceKind
from projects.models import Resource
from projects.services import resources as services

pytestmark = pytest.mark.django_db

RESOURCES = reverse("projects:resources")
CREATE = reverse("projects:resource_create")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def url(name, resource):
    return reverse(f"projects:{name}", kwargs={"slug": resource.slug})


def pdf(name="guide.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_resource(**fields) -> Resource:
    return ResourceFactory(**{"kind": ResourceKind.GUIDE, "url": "", "file": pdf(), **fields})


def titles(response) -> set[str]:
    return {resource.title for resource in response.context["page_obj"]}


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


@pytest.fixture
def shelf(db):
    """A public resource, a members-only one, and a draft."""
    return {
        "public": ResourceFactory(title="Public", is_public=True),
        "members": ResourceFactory(title="Membres"),
        "draft": ResourceFactory(
            title="Brouillon", is_public=True, status=PublicationStatus.DRAFT, published_at=None
        ),
    }


def form_data(**changes) -> dict:
    data = {
        "title": "Bibliographie des albums pour bébés",
        "kind": ResourceKind.BIBLIOGRAPHY,
        "summary": "Cent albums choisis par les bibliothécaires du réseau.",
        "url": "",
        "themes": [Theme.objects.get(slug="lecture").pk],
        "age_groups": [AgeGroup.objects.get(code="0-1").pk],
        "disciplines": [Discipline.objects.get(slug="livre-lecture").pk],
        "is_public": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Who sees what ---------------------------------------------------------------------


def test_anonymous_sees_public_published_only(client, shelf):
    assert titles(client.get(RESOURCES)) == {"Public"}
    assert client.get(url("resource", shelf["public"])).status_code == 200
    assert client.get(url("resource", shelf["members"])).status_code == 404
    assert client.get(url("resource", shelf["draft"])).status_code == 404


def test_member_sees_every_published_resource_not_drafts(client, member, shelf):
    client.force_login(member.user)
    assert titles(client.get(RESOURCES)) == {"Public", "Membres"}
    assert client.get(url("resource", shelf["members"])).status_code == 200
    assert client.get(url("resource", shelf["draft"])).status_code == 404


def test_pending_partner_sees_what_the_public_sees(client, pending_person, shelf):
    client.force_login(pending_person.user)
    assert titles(client.get(RESOURCES)) == {"Public"}
    assert client.get(url("resource", shelf["members"])).status_code == 404


def test_coordinator_sees_drafts_and_filters_by_state(coordinator_client, shelf):
    assert titles(coordinator_client.get(RESOURCES)) == {"Public", "Membres", "Brouillon"}
    assert coordinator_client.get(url("resource", shelf["draft"])).status_code == 200
    assert titles(coordinator_client.get(f"{RESOURCES}?status=draft")) == {"Brouillon"}


def test_state_filter_is_ignored_for_members(client, member, shelf):
    client.force_login(member.user)
    assert titles(client.get(f"{RESOURCES}?status=draft")) == {"Public", "Membres"}


def test_filters_by_kind_theme_age_discipline_and_text(client, member):
    target = ResourceFactory(title="Cible", kind=ResourceKind.VIDEO, summary="Comptines filmées")
    target.themes.set([Theme.objects.get(slug="lecture")])
    target.age_groups.set([AgeGroup.objects.get(code="1-3")])
    target.disciplines.set([Discipline.objects.get(slug="chant")])
    ResourceFactory(title="Autre", summary="Rien à voir")
    client.force_login(member.user)
    queries = [
        "kind=video",
        f"theme={Theme.objects.get(slug='lecture').pk}",
        f"age={AgeGroup.objects.get(code='1-3').pk}",
        f"discipline={Discipline.objects.get(slug='chant').pk}",
        "q=comptines",
    ]
    for query in queries:
        assert titles(client.get(f"{RESOURCES}?{query}")) == {"Cible"}, query


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_list_query_count_does_not_grow_with_resources(client, coordinator, who):
    def fill(count, prefix):
        themes, ages = list(Theme.objects.all()[:2]), list(AgeGroup.objects.all()[:2])
        for i in range(count):
            resource = ResourceFactory(title=f"{prefix} {i}", is_public=True)
            resource.themes.set(themes)
            resource.age_groups.set(ages)
            resource.disciplines.set(Discipline.objects.all()[:2])

    if who == "coordinator":
        client.force_login(coordinator)
    fill(10, "Peu")
    few = count_queries(client, RESOURCES)
    fill(50, "Beaucoup")
    assert count_queries(client, RESOURCES) == few
    assert count_queries(client, f"{RESOURCES}?page=2") == few


def test_text_is_escaped_on_the_page(client):
    resource = ResourceFactory(
        title='<script>alert("titre")</script>',
        summary='<img src=x onerror="alert(1)"> et <svg onload=alert(2)>',
        is_public=True,
    )
    page = client.get(url("resource", resource)).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<svg" not in page
    assert "&lt;script&gt;" in page


def test_link_resource_points_to_its_url(client):
    resource = ResourceFactory(is_public=True, url="https://www.exemple.fr/video")
    page = client.get(url("resource", resource)).content.decode()
    assert 'href="https://www.exemple.fr/video" rel="noopener noreferrer"' in page
    assert url("resource_download", resource) not in page


# --- Downloads -------------------------------------------------------------------------


def test_download_is_an_attachment_with_a_safe_name(client):
    resource = file_resource(is_public=True, title="Guide « éveil »")
    response = client.get(url("resource_download", resource))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == f'attachment; filename="{resource.slug}.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_detail_page_links_the_download(client):
    resource = file_resource(is_public=True)
    assert (
        url("resource_download", resource) in client.get(url("resource", resource)).content.decode()
    )


def test_members_only_download_is_404_for_anonymous_and_private_for_members(client, member):
    resource = file_resource(is_public=False)
    assert client.get(url("resource_download", resource)).status_code == 404
    client.force_login(member.user)
    response = client.get(url("resource_download", resource))
    b"".join(response.streaming_content)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_draft_download_is_404_for_members(client, member):
    resource = file_resource(status=PublicationStatus.DRAFT, published_at=None)
    client.force_login(member.user)
    assert client.get(url("resource_download", resource)).status_code == 404


def test_link_resource_has_no_download(client):
    resource = ResourceFactory(is_public=True)
    assert client.get(url("resource_download", resource)).status_code == 404


def test_missing_file_is_404(client):
    resource = file_resource(is_public=True)
    default_storage.delete(resource.file.name)
    assert client.get(url("resource_download", resource)).status_code == 404


# --- The coordination's form -----------------------------------------------------------


def test_members_cannot_add_resources(client, member):
    client.force_login(member.user)
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, form_data(url="https://exemple.fr")).status_code == 404
    assert not Resource.objects.exists()


def test_coordinator_adds_a_draft_with_a_file(coordinator_client, coordinator):
    response = coordinator_client.post(CREATE, form_data(file=pdf("albums.pdf")))
    resource = Resource.objects.get()
    assert response["Location"] == url("resource", resource)
    assert resource.status == PublicationStatus.DRAFT and resource.published_at is None
    assert resource.slug == "bibliographie-des-albums-pour-bebes"
    assert resource.created_by == coordinator
    with resource.file.open("rb") as handle:
        assert handle.read() == PDF
    assert list(resource.themes.values_list("slug", flat=True)) == ["lecture"]


def test_coordinator_adds_and_publishes_a_link(coordinator_client):
    coordinator_client.post(CREATE, form_data(url="https://www.exemple.fr/albums", publier="1"))
    resource = Resource.objects.get()
    assert resource.status == PublicationStatus.PUBLISHED
    assert resource.published_at is not None
    assert resource.url == "https://www.exemple.fr/albums"


@pytest.mark.parametrize(
    "changes",
    [
        {"url": "https://www.exemple.fr"},  # and a file (added below)
        {},  # neither
    ],
)
def test_file_or_url_exactly_one(coordinator_client, changes):
    data = form_data(**changes)
    if changes:
        data["file"] = pdf()
    response = coordinator_client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Joignez un fichier ou indiquez un lien, l'un des deux seulement."
    ]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "Ce type de fichier n'est pas accepté"),
        (pdf("faux.pdf", b"<html><script>alert(1)</script></html>"), "ne correspond pas"),
        (SimpleUploadedFile("image.pdf", png_upload().read()), "ne correspond pas"),
        (SimpleUploadedFile("page.txt", b"\x00\x01\x02binaire"), "ne correspond pas"),
    ],
)
def test_fake_or_forbidden_files_are_rejected(coordinator_client, upload, message):
    response = coordinator_client.post(CREATE, form_data(file=upload))
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not Resource.objects.exists()


def test_too_large_file_is_rejected(coordinator_client, settings):
    big = pdf("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = coordinator_client.post(CREATE, form_data(file=big))
    assert "trop lourd" in response.context["form"].errors["file"][0]
    assert not Resource.objects.exists()


def test_html_in_the_title_is_refused(coordinator_client):
    response = coordinator_client.post(CREATE, form_data(title="<b>Gras</b>", url="https://a.fr"))
    assert "title" in response.context["form"].errors
    assert not Resource.objects.exists()


def test_reserved_slug_is_never_taken(coordinator):
    fields = {"title": "Nouvelle", "kind": "lien", "summary": "S", "url": "https://a.fr"}
    assert services.resource_create(actor=coordinator, fields=fields).slug == "nouvelle-2"


def test_database_refuses_both_file_and_url():
    with pytest.raises(IntegrityError), transaction.atomic():
        file_resource(url="https://a.fr")


# --- Editing and publication -----------------------------------------------------------


def test_edit_keeps_the_file_when_none_is_sent(coordinator_client):
    resource = file_resource()
    name = resource.file.name
    response = coordinator_client.post(
        url("resource_edit", resource), form_data(title="Nouveau titre")
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.title, resource.file.name) == ("Nouveau titre", name)


def test_switching_from_file_to_link_asks_to_clear_the_file(coordinator_client):
    resource = file_resource()
    response = coordinator_client.post(
        url("resource_edit", resource), form_data(url="https://www.exemple.fr")
    )
    assert "cochez « Effacer »" in response.context["form"].non_field_errors()[0]
    resource.refresh_from_db()
    assert resource.url == ""


def test_cleared_file_is_deleted_after_commit(
    coordinator_client, django_capture_on_commit_callbacks
):
    resource = file_resource()
    name = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url("resource_edit", resource),
            form_data(url="https://www.exemple.fr", **{"file-clear": "on"}),
        )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.file.name, resource.url) == ("", "https://www.exemple.fr")
    assert not default_storage.exists(name)


def test_coordinator_publishes_and_unpublishes(coordinator_client, member):
    client = Client()
    resource = ResourceFactory(status=PublicationStatus.DRAFT, published_at=None)
    assert coordinator_client.get(url("resource_publish", resource)).status_code == 405
    coordinator_client.post(url("resource_publish", resource))
    resource.refresh_from_db()
    first = resource.published_at
    assert resource.status == PublicationStatus.PUBLISHED and first is not None
    client.force_login(member.user)
    assert client.get(url("resource", resource)).status_code == 200
    coordinator_client.post(url("resource_unpublish", resource))
    assert client.get(url("resource", resource)).status_code == 404
    coordinator_client.post(url("resource_publish", resource))
    resource.refresh_from_db()
    assert resource.published_at == first  # announced once in the digest


def test_members_cannot_publish(client, member):
    resource = ResourceFactory(status=PublicationStatus.DRAFT, published_at=None)
    client.force_login(member.user)
    assert client.post(url("resource_publish", resource)).status_code == 404
    resource.refresh_from_db()
    assert resource.status == PublicationStatus.DRAFT
