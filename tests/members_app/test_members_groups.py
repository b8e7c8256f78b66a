"""Working groups: list, page, membership, documents, actions, and who may do what."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories import CoordinatorFactory
from member_factories import (
    ActionFactory,
    GroupMembershipFactory,
    NeedFactory,
    WorkingGroupFactory,
    bulk_people,
    commune,
    member_of,
)

from members import services
from members.enums import ActionStatus, GroupMembershipStatus, NeedStatus
from members.models import (
    Action,
    GroupDocument,
    GroupMembership,
    Need,
    NeedSupport,
    Theme,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db

GROUPS = reverse("members:groups")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def url(name, group, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": group.slug, **kwargs})


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def status_of(group, person):
    return GroupMembership.objects.get(group=group, person=person).status


@pytest.fixture
def group(db):
    return WorkingGroupFactory(title="Lire aux bébés", is_open=True)


@pytest.fixture
def closed_group(db):
    return WorkingGroupFactory(title="Enfance protégée", is_open=False)


@pytest.fixture
def facilitator(group, closed_group):
    person = member_of()
    for each in (group, closed_group):
        GroupMembershipFactory(group=each, person=person, is_facilitator=True)
    return person


@pytest.fixture
def participant(group):
    """A plain member of `group`."""
    person = member_of()
    GroupMembershipFactory(group=group, person=person)
    return person


@pytest.fixture
def archived_group(participant):
    group = WorkingGroupFactory(title="Groupe 2024", archived_at=timezone.now())
    GroupMembershipFactory(group=group, person=participant)
    return group


# --- List ----------------------------------------------------------------------------------


def titles(response):
    return [group.title for group in response.context["page_obj"]]


def test_list_shows_my_groups_first_with_counts(client, participant, group, closed_group):
    WorkingGroupFactory(title="Autre groupe")
    ActionFactory(group=group, status=ActionStatus.TODO)
    ActionFactory(group=group, status=ActionStatus.DONE)
    client.force_login(participant.user)
    response = client.get(GROUPS)
    assert titles(response)[0] == group.title
    mine = response.context["page_obj"][0]
    assert mine.member_count == 1
    assert mine.open_action_count == 1
    html = response.content.decode()
    assert "Mon groupe" in html
    assert "Sur demande" in html


def test_members_never_see_archived_groups(client, participant, archived_group):
    client.force_login(participant.user)
    assert archived_group.title not in titles(client.get(GROUPS))
    assert archived_group.title not in titles(client.get(GROUPS, {"state": "archives"}))


def test_coordination_sees_archives_on_request(coordinator_client, group, archived_group):
    assert titles(coordinator_client.get(GROUPS)) == [group.title]
    assert titles(coordinator_client.get(GROUPS, {"state": "archives"})) == [archived_group.title]
    assert set(titles(coordinator_client.get(GROUPS, {"state": "tous"}))) == {
        group.title,
        archived_group.title,
    }


def test_list_filters_by_theme_text_and_mine(client, participant, group, closed_group):
    closed_group.theme = Theme.objects.get(slug="enfance-protegee")
    closed_group.save()
    client.force_login(participant.user)
    assert titles(client.get(GROUPS, {"theme": closed_group.theme.pk})) == [closed_group.title]
    assert titles(client.get(GROUPS, {"q": "bébés"})) == [group.title]
    assert titles(client.get(GROUPS, {"mine": "on"})) == [group.title]
    assert "state" not in client.get(GROUPS).context["filter"].form.fields


def test_list_query_count_does_not_grow_with_groups(client, participant):
    WorkingGroup.objects.bulk_create(
        WorkingGroup(title=f"Groupe {i}", slug=f"groupe-{i}") for i in range(10)
    )
    client.force_login(participant.user)
    few = count_queries(client, GROUPS)
    WorkingGroup.objects.bulk_create(
        WorkingGroup(title=f"Groupe bis {i}", slug=f"groupe-bis-{i}") for i in range(190)
    )
    assert count_queries(client, GROUPS) == few


# --- Access per role -------------------------------------------------------------------------

ROLES = ["anonymous", "pending", "member", "facilitator", "other", "coordinator", "observer"]


@pytest.fixture
def login_as(client, pending_person, participant, facilitator, coordinator, observer):
    def login(role):
        users = {
            "pending": pending_person.user,
            "member": participant.user,
            "facilitator": facilitator.user,
            "other": member_of().user,
            "coordinator": coordinator,
            "observer": observer,
        }
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return login


# GET pages: expected status per role, in ROLES order. 302: to the login for the
# anonymous, to /espace/ for a pending partner (member_required runs first).
PAGE_ACCESS = {
    "groups": (302, 302, 200, 200, 200, 200, 200),
    "group": (302, 302, 200, 200, 200, 200, 200),
    "group_create": (302, 404, 404, 404, 404, 200, 404),
    "group_member_add": (302, 302, 404, 404, 404, 200, 404),
    "group_document_add": (302, 302, 200, 200, 404, 200, 404),
    "group_action_add": (302, 302, 200, 200, 404, 200, 404),
}


def page_url(name, group):
    if name in ("groups", "group_create"):
        return reverse(f"members:{name}")
    return url(name, group)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(PAGE_ACCESS))
def test_page_access(login_as, group, role, name):
    client = login_as(role)
    response = client.get(page_url(name, group))
    expected = PAGE_ACCESS[name][ROLES.index(role)]
    assert response.status_code == expected
    if expected == 302:
        target = "/accounts/login/" if role == "anonymous" else reverse("members:space")
        assert response["Location"].startswith(target)


POST_ONLY = [
    ("group_join", {}),
    ("group_leave", {}),
    ("group_membership_decide", {"pk": 1, "decision": "accepter"}),
]


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY)
def test_state_changes_refuse_get(client, participant, group, name, kwargs):
    client.force_login(participant.user)
    assert client.get(url(name, group, **kwargs)).status_code == 405


def test_archived_group_page_is_hidden_from_members_not_from_the_coordination(
    client, participant, archived_group, coordinator, observer
):
    client.force_login(participant.user)
    assert client.get(archived_group.get_absolute_url()).status_code == 404
    for user in (coordinator, observer):
        client.force_login(user)
        response = client.get(archived_group.get_absolute_url())
        assert response.status_code == 200
        assert "Ce groupe est archivé" in response.content.decode()


def test_unknown_group_is_404(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("members:group", args=["inconnu"])).status_code == 404


# --- Joining and leaving -------------------------------------------------------------------


def test_joining_an_open_group_is_immediate(client, group, other_member):
    client.force_login(other_member.user)
    response = client.post(url("group_join", group), follow=True)
    assert status_of(group, other_member) == GroupMembershipStatus.MEMBER
    assert "Bienvenue dans le groupe" in response.content.decode()


def test_joining_a_closed_group_sends_a_request(client, closed_group, other_member):
    client.force_login(other_member.user)
    response = client.post(url("group_join", closed_group), follow=True)
    assert status_of(closed_group, other_member) == GroupMembershipStatus.REQUESTED
    assert "Votre demande est envoyée" in response.content.decode()


def test_joining_twice_says_so(client, group, participant):
    client.force_login(participant.user)
    response = client.post(url("group_join", group), follow=True)
    assert "déjà membre" in response.content.decode()


def test_a_pending_partner_cannot_join(client, group, pending_person):
    client.force_login(pending_person.user)
    response = client.post(url("group_join", group))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:space")
    assert not GroupMembership.objects.filter(person=pending_person).exists()


def test_leaving_a_group(client, group, participant):
    client.force_login(participant.user)
    response = client.post(url("group_leave", group), follow=True)
    assert status_of(group, participant) == GroupMembershipStatus.LEFT
    assert "Vous avez quitté le groupe" in response.content.decode()


def test_withdrawing_a_request(client, closed_group, other_member):
    GroupMembershipFactory(
        group=closed_group, person=other_member, status=GroupMembershipStatus.REQUESTED
    )
    client.force_login(other_member.user)
    client.post(url("group_leave", closed_group))
    assert status_of(closed_group, other_member) == GroupMembershipStatus.LEFT


def test_leaving_a_group_one_is_not_in_is_404(client, group, other_member):
    client.force_login(other_member.user)
    assert client.post(url("group_leave", group)).status_code == 404


# --- Deciding on requests --------------------------------------------------------------------


@pytest.fixture
def request_to_join(closed_group, other_member):
    return GroupMembershipFactory(
        group=closed_group, person=other_member, status=GroupMembershipStatus.REQUESTED
    )


def decide_url(membership, decision):
    return url("group_membership_decide", membership.group, pk=membership.pk, decision=decision)


def test_facilitator_sees_and_accepts_a_request(
    client, facilitator, request_to_join, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    page = client.get(request_to_join.group.get_absolute_url()).content.decode()
    assert "Demandes pour rejoindre le groupe" in page
    assert str(request_to_join.person) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(request_to_join, "accepter"), follow=True)
    request_to_join.refresh_from_db()
    assert request_to_join.status == GroupMembershipStatus.MEMBER
    assert "fait maintenant partie du groupe" in response.content.decode()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [request_to_join.person.user.email]
    assert "Enfance protégée" in email.subject
    assert request_to_join.group.get_absolute_url() in email.body


def test_asking_to_join_a_closed_group_emails_its_facilitators_only(
    client, closed_group, facilitator, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    GroupMembershipFactory(group=closed_group, person=member_of())  # a plain member
    GroupMembershipFactory(
        group=closed_group,
        person=member_of(),
        is_facilitator=True,
        status=GroupMembershipStatus.LEFT,
    )
    client.force_login(other_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("group_join", closed_group))
    assert status_of(closed_group, other_member) == GroupMembershipStatus.REQUESTED
    assert [email.to for email in mailoutbox] == [[facilitator.user.email]]
    email = mailoutbox[0]
    assert "demande à rejoindre le groupe « Enfance protégée »" in email.subject
    assert str(other_member) in email.body
    assert f"{settings.SITE_URL}{closed_group.get_absolute_url()}" in email.body
    html = email.alternatives[0].content
    assert closed_group.get_absolute_url() in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("group_join", closed_group))  # asking twice sends nothing more
    assert len(mailoutbox) == 1


def test_joining_an_open_group_emails_nobody(
    client, group, facilitator, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(other_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("group_join", group))
    assert status_of(group, other_member) == GroupMembershipStatus.MEMBER
    assert mailoutbox == []


def test_facilitator_refuses_a_request(client, facilitator, request_to_join, mailoutbox):
    client.force_login(facilitator.user)
    client.post(decide_url(request_to_join, "refuser"))
    request_to_join.refresh_from_db()
    assert request_to_join.status == GroupMembershipStatus.REFUSED
    assert mailoutbox == []


def test_coordinator_decides_too(coordinator_client, request_to_join):
    coordinator_client.post(decide_url(request_to_join, "accepter"))
    request_to_join.refresh_from_db()
    assert request_to_join.status == GroupMembershipStatus.MEMBER


@pytest.mark.parametrize("who", ["member", "observer", "requester"])
def test_others_cannot_decide(client, closed_group, request_to_join, observer, who):
    plain = member_of()
    GroupMembershipFactory(group=closed_group, person=plain)
    user = {"member": plain.user, "observer": observer, "requester": request_to_join.person.user}
    client.force_login(user[who])
    assert client.post(decide_url(request_to_join, "accepter")).status_code == 404
    request_to_join.refresh_from_db()
    assert request_to_join.status == GroupMembershipStatus.REQUESTED
    page = client.get(closed_group.get_absolute_url()).content.decode()
    assert "Demandes pour rejoindre" not in page


def test_a_facilitator_of_another_group_cannot_decide(client, request_to_join):
    elsewhere = member_of()
    GroupMembershipFactory(group=WorkingGroupFactory(), person=elsewhere, is_facilitator=True)
    client.force_login(elsewhere.user)
    assert client.post(decide_url(request_to_join, "accepter")).status_code == 404


def test_unknown_decision_or_request_is_404(client, facilitator, request_to_join, group):
    client.force_login(facilitator.user)
    assert client.post(decide_url(request_to_join, "peut-etre")).status_code == 404
    # The request belongs to closed_group, not to `group` (which she facilitates too).
    wrong_group = url("group_membership_decide", group, pk=request_to_join.pk, decision="accepter")
    assert client.post(wrong_group).status_code == 404
    member = GroupMembership.objects.get(group=request_to_join.group, person=facilitator)
    assert client.post(decide_url(member, "refuser")).status_code == 404
    request_to_join.refresh_from_db()
    assert request_to_join.status == GroupMembershipStatus.REQUESTED


# --- The coordinator adds members ----------------------------------------------------------


def test_coordinator_adds_someone_to_a_closed_group(coordinator_client, closed_group):
    person = member_of()
    response = coordinator_client.post(
        url("group_member_add", closed_group), {"person": person.pk, "is_facilitator": "on"}
    )
    assert response.status_code == 302
    membership = GroupMembership.objects.get(group=closed_group, person=person)
    assert membership.status == GroupMembershipStatus.MEMBER
    assert membership.is_facilitator


def test_member_add_offers_only_active_people_outside_the_group(
    coordinator_client, group, participant, pending_person
):
    outsider = member_of()
    form = coordinator_client.get(url("group_member_add", group)).context["form"]
    choices = set(form.fields["person"].queryset)
    assert outsider in choices
    assert participant not in choices
    assert pending_person not in choices
    response = coordinator_client.post(
        url("group_member_add", group), {"person": pending_person.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not GroupMembership.objects.filter(person=pending_person).exists()


def test_a_facilitator_cannot_add_members(client, facilitator, group):
    client.force_login(facilitator.user)
    person = member_of()
    assert client.post(url("group_member_add", group), {"person": person.pk}).status_code == 404
    assert not GroupMembership.objects.filter(person=person).exists()


# --- Creating a group ----------------------------------------------------------------------


def test_coordinator_creates_a_group(coordinator_client):
    WorkingGroupFactory(title="Éveil musical", slug="eveil-musical")
    response = coordinator_client.post(
        reverse("members:group_create"),
        {
            "title": "Éveil musical",
            "theme": Theme.objects.get(slug="formation").pk,
            "description": "Échanger sur les pratiques.",
            "is_open": "",
        },
    )
    group = WorkingGroup.objects.get(slug="eveil-musical-2")
    assert response["Location"] == group.get_absolute_url()
    assert not group.is_open


def test_a_group_never_takes_the_address_of_a_fixed_page(coordinator_client):
    theme = Theme.objects.get(slug="formation")
    for _time in range(2):
        coordinator_client.post(
            reverse("members:group_create"),
            {"title": "Nouveau", "theme": theme.pk, "description": "Un groupe."},
        )
    slugs = sorted(WorkingGroup.objects.values_list("slug", flat=True))
    assert slugs == ["nouveau-2", "nouveau-3"]
    assert coordinator_client.get(GROUPS + "nouveau-2/").context["group"].title == "Nouveau"


def test_unique_slug_skips_reserved_words_and_taken_slugs():
    WorkingGroupFactory(slug="bilan")
    make = services.unique_slug
    assert make(model=WorkingGroup, text="Bilan", reserved=("nouveau",)) == "bilan-2"
    assert make(model=WorkingGroup, text="Nouveau !", reserved=("nouveau",)) == "nouveau-2"
    assert make(model=WorkingGroup, text="Nouveau") == "nouveau"


def test_html_in_a_group_gets_a_clear_error_and_nothing_is_saved(coordinator_client):
    response = coordinator_client.post(
        reverse("members:group_create"),
        {"title": "<script>alert(1)</script>", "description": "<b>gras</b>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "sans balise HTML" in html
    assert "corrigez les champs signalés" in html
    assert not WorkingGroup.objects.exists()


def test_plain_text_with_comparison_signs_is_accepted(coordinator_client):
    coordinator_client.post(
        reverse("members:group_create"),
        {"title": "Moins de 3 ans < 10 enfants", "description": "Tout-petits <3"},
    )
    assert WorkingGroup.objects.filter(title="Moins de 3 ans < 10 enfants").exists()


# --- Documents -----------------------------------------------------------------------------


def upload(client, group, **data):
    return client.post(url("group_document_add", group), {"title": "Compte rendu", **data})


def test_a_member_shares_a_pdf_and_others_download_it(client, group, participant, other_member):
    client.force_login(participant.user)
    response = upload(client, group, file=SimpleUploadedFile("compte-rendu.pdf", PDF))
    assert response.status_code == 302
    document = GroupDocument.objects.get()
    assert document.added_by == participant
    assert document.file.name.endswith(".pdf")

    page = client.get(group.get_absolute_url()).content.decode()
    download = url("group_document", group, pk=document.pk)
    assert download in page
    assert "/media/" not in page

    client.force_login(other_member.user)  # sees the group without being in it
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_a_member_shares_a_link(client, group, participant):
    client.force_login(participant.user)
    upload(client, group, url="https://exemple.fr/dossier-partage")
    document = GroupDocument.objects.get()
    assert document.url == "https://exemple.fr/dossier-partage"
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'href="https://exemple.fr/dossier-partage"' in page
    assert client.get(url("group_document", group, pk=document.pk)).status_code == 404


BAD_FILES = [
    ("programme.exe", b"MZ\x90\x00binary", "Ce type de fichier n'est pas accepté"),
    ("faux.pdf", b"Ceci est du texte, pas un PDF.", "ne correspond pas à son extension"),
    ("image.png", PDF, "ne correspond pas à son extension"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_get_a_clear_error_and_nothing_is_saved(
    client, group, participant, settings, name, content, message
):
    client.force_login(participant.user)
    response = upload(client, group, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    assert not GroupDocument.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_oversized_file_is_refused(client, group, participant):
    client.force_login(participant.user)
    big = SimpleUploadedFile("rapport.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = upload(client, group, file=big)
    assert response.status_code == 200
    assert "Le fichier est trop lourd" in response.content.decode()
    assert not GroupDocument.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"url": "https://exemple.fr/"}],
    ids=["neither", "both"],
)
def test_a_file_or_a_link_not_both(client, group, participant, data):
    client.force_login(participant.user)
    if "url" in data:
        data = {**data, "file": SimpleUploadedFile("cr.pdf", PDF)}
    response = upload(client, group, **data)
    assert "Joignez un fichier ou indiquez un lien" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert not GroupDocument.objects.exists()


def test_a_network_member_outside_the_group_cannot_share(client, group, other_member):
    client.force_login(other_member.user)
    response = upload(client, group, url="https://exemple.fr/")
    assert response.status_code == 404
    assert not GroupDocument.objects.exists()


def test_download_is_404_for_those_who_do_not_see_the_group(
    client, participant, archived_group, group, other_member, coordinator
):
    # Shared before the group was archived (the services refuse it now).
    document = GroupDocument.objects.create(
        group=archived_group,
        added_by=participant,
        title="Bilan",
        file=SimpleUploadedFile("bilan.pdf", PDF),
    )
    download = url("group_document", archived_group, pk=document.pk)
    client.force_login(participant.user)  # archived groups are the coordination's
    assert client.get(download).status_code == 404
    # The same document under another group's address does not exist.
    client.force_login(coordinator)
    assert client.get(url("group_document", group, pk=document.pk)).status_code == 404
    response = client.get(download)
    assert response.status_code == 200
    response.close()


def test_download_asks_pending_and_anonymous_visitors_to_go_away(
    client, group, participant, pending_person
):
    document = services.group_document_add(
        group=group, actor=participant.user, title="CR", file=SimpleUploadedFile("cr.pdf", PDF)
    )
    download = url("group_document", group, pk=document.pk)
    response = client.get(download)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(pending_person.user)
    assert client.get(download)["Location"] == reverse("members:space")


# --- Actions -------------------------------------------------------------------------------


def test_a_member_adds_and_edits_an_action(client, group, participant):
    client.force_login(participant.user)
    response = client.post(
        url("group_action_add", group),
        {
            "title": "Recenser les albums",
            "description": "",
            "owner": participant.pk,
            "due_date": "2026-12-15",
            "status": ActionStatus.TODO,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.group, action.owner) == (group, participant)
    assert action.due_date == datetime.date(2026, 12, 15)

    edit = url("group_action_edit", group, pk=action.pk)
    assert 'value="2026-12-15"' in client.get(edit).content.decode()
    client.post(edit, {"title": "Recenser les albums", "status": ActionStatus.DONE})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.owner is None


def test_action_owner_must_be_in_the_group_and_html_is_refused(client, group, participant):
    client.force_login(participant.user)
    outsider = member_of()
    response = client.post(
        url("group_action_add", group),
        {"title": "<img src=x onerror=alert(1)>", "owner": outsider.pk, "status": "todo"},
    )
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "sans balise HTML" in html
    assert not Action.objects.exists()


def test_an_action_of_another_group_is_404(client, group, participant):
    action = ActionFactory()
    client.force_login(participant.user)
    assert client.get(url("group_action_edit", group, pk=action.pk)).status_code == 404


def test_overdue_open_actions_are_highlighted(client, group, participant):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ActionFactory(group=group, title="En retard", due_date=yesterday, status=ActionStatus.TODO)
    ActionFactory(group=group, title="Faite", due_date=yesterday, status=ActionStatus.DONE)
    client.force_login(participant.user)
    html = client.get(group.get_absolute_url()).content.decode()
    assert html.count("en retard</span>") == 1


# --- Archived groups are read-only ---------------------------------------------------------


def test_archived_group_is_read_only_even_for_the_coordination(
    client, coordinator, archived_group, participant
):
    client.force_login(coordinator)
    page = client.get(archived_group.get_absolute_url()).content.decode()
    for name in ("group_document_add", "group_action_add", "group_member_add", "group_join"):
        assert url(name, archived_group) not in page
    for name in ("group_document_add", "group_action_add", "group_member_add"):
        assert client.get(url(name, archived_group)).status_code == 404
    action = ActionFactory(group=archived_group)
    edit = url("group_action_edit", archived_group, pk=action.pk)
    assert client.post(edit, {"title": "Changée", "status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.title != "Changée"


@pytest.mark.parametrize(
    "write", ["join", "member_add", "document_add", "action_add", "action_edit"]
)
def test_services_refuse_any_change_to_an_archived_group(archived_group, participant, write):
    action = ActionFactory(group=archived_group, title="Avant l'archivage")
    calls = {
        "join": lambda: services.group_join(group=archived_group, person=member_of()),
        "member_add": lambda: services.group_member_add(
            group=archived_group, actor=CoordinatorFactory(), person=member_of()
        ),
        "document_add": lambda: services.group_document_add(
            group=archived_group, actor=participant.user, title="CR", url="https://exemple.fr/"
        ),
        "action_add": lambda: services.action_save(
            group=archived_group, actor=participant.user, fields={"title": "Neuve"}
        ),
        "action_edit": lambda: services.action_save(
            action=action, group=archived_group, actor=participant.user, fields={"title": "Changée"}
        ),
    }
    with pytest.raises(services.DomainError, match="Ce groupe est archivé : il n'est plus"):
        calls[write]()
    assert archived_group.memberships.count() == 1
    assert not archived_group.documents.exists()
    assert list(Action.objects.values_list("title", flat=True)) == ["Avant l'archivage"]


# --- Group page ------------------------------------------------------------------------------


def test_group_page_shows_members_documents_actions_and_needs(
    client, group, participant, facilitator
):
    NeedFactory(group=group, title="Un fonds d'albums", status=NeedStatus.IN_PROGRESS)
    merged_into = NeedFactory()
    NeedFactory(group=group, title="Doublon", status=NeedStatus.MERGED, merged_into=merged_into)
    ActionFactory(group=group, title="Préparer la rencontre", owner=participant)
    services.group_document_add(
        group=group, actor=participant.user, title="Bibliographie", url="https://exemple.fr/"
    )
    client.force_login(participant.user)
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Un fonds d'albums" in html.replace("&#x27;", "'")
    assert "Doublon" not in html
    assert "Préparer la rencontre" in html
    assert "Bibliographie" in html
    assert str(facilitator) in html
    organization = facilitator.affiliations.get().organization
    assert organization.name in html
    assert "Quitter le groupe" in html
    assert "Demandes pour rejoindre" not in html


def test_group_page_query_count_does_not_grow(client, group, participant):
    def fill(count, prefix):
        people = bulk_people(count, prefix=prefix)
        GroupMembership.objects.bulk_create(
            GroupMembership(group=group, person=p, status=GroupMembershipStatus.MEMBER)
            for p in people
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(group=group, person=p, status=GroupMembershipStatus.REQUESTED)
            for p in bulk_people(count, prefix=f"{prefix}-demande")
        )
        Action.objects.bulk_create(
            Action(group=group, title=f"Action {prefix} {i}", owner=p) for i, p in enumerate(people)
        )
        GroupDocument.objects.bulk_create(
            GroupDocument(group=group, title=f"Doc {i}", url="https://exemple.fr/", added_by=p)
            for i, p in enumerate(people)
        )
        theme = Theme.objects.get(slug="lecture")
        needs = Need.objects.bulk_create(
            Need(
                group=group,
                title=f"Besoin {i}",
                description="…",
                theme=theme,
                sector="culture",
                commune=commune(),
                author=p,
            )
            for i, p in enumerate(people)
        )
        NeedSupport.objects.bulk_create(
            NeedSupport(need=need, person=p)
            for need, p in zip(needs, reversed(people), strict=True)
        )

    GroupMembership.objects.filter(person=participant).update(is_facilitator=True)
    client.force_login(participant.user)
    fill(10, "premier")
    few = count_queries(client, group.get_absolute_url())
    fill(190, "second")
    assert count_queries(client, group.get_absolute_url()) == few
