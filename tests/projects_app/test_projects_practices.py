"""Best practices: the review workflow (steps, roles, history, e-mails), proposing and
editing a sheet, who sees what, and stored rich text kept clean."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import CoordinatorFactory
from member_factories import OrganizationFactory, commune
from project_factories import PracticeFactory, png_upload
from xss_payloads import PAYLOADS

from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.workflows import TransitionError
from members.enums import AffiliationStatus
from members.models import AgeGroup, Discipline
from projects.enums import PracticeStatus, ProjectsAuditAction
from projects.models import Practice, PracticeComment, PracticeImage
from projects.rules import practice_authors
from projects.services import practices as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination():
    return CoordinatorFactory()


@pytest.fixture
def draft(organization, member):
    return PracticeFactory(
        status=PracticeStatus.DRAFT,
        published_at=None,
        organization=organization,
        proposed_by=member,
        title="Berceuses du monde au relais",
    )


def step(practice, name, actor, comment=""):
    return services.practice_transition(practice=practice, name=name, actor=actor, comment=comment)


def history_of(practice):
    return list(practice.transitions.values_list("from_status", "to_status", "actor_id"))


# --- Transitions: only the allowed ones, by the allowed roles, each logged ------------------


def test_the_whole_review_is_logged_step_by_step(draft, member, coordination):
    step(draft, "proposer", member.user)
    step(draft, "demander-modifications", coordination, "Ajoutez le budget.")
    step(draft, "proposer", member.user)
    step(draft, "publier", coordination)

    draft.refresh_from_db()
    assert draft.status == PracticeStatus.PUBLISHED
    assert draft.published_at is not None
    P = PracticeStatus
    assert history_of(draft) == [
        (P.DRAFT, P.SUBMITTED, member.user.pk),
        (P.SUBMITTED, P.CHANGES_REQUESTED, coordination.pk),
        (P.CHANGES_REQUESTED, P.SUBMITTED, member.user.pk),
        (P.SUBMITTED, P.PUBLISHED, coordination.pk),
    ]
    assert draft.transitions.get(to_status=P.CHANGES_REQUESTED).comment == "Ajoutez le budget."
    audit = AuditLogEntry.objects.filter(
        action=ProjectsAuditAction.PRACTICE_TRANSITION, target_id=str(draft.pk)
    )
    assert audit.count() == 4
    assert {"from": P.SUBMITTED, "to": P.PUBLISHED} in [entry.data for entry in audit]


def test_a_colleague_of_the_same_organisation_may_propose(draft, referent):
    step(draft, "proposer", referent.user)
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.SUBMITTED


@pytest.mark.parametrize("name", ["publier", "demander-modifications"])
def test_authors_do_not_review_their_own_sheet(draft, member, coordination, name):
    step(draft, "proposer", member.user)
    with pytest.raises(TransitionError):
        step(draft, name, member.user, "Je me publie moi-même.")
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.SUBMITTED
    assert draft.transitions.count() == 1


def test_another_organisation_cannot_propose_a_sheet(draft, other_member):
    with pytest.raises(TransitionError):
        step(draft, "proposer", other_member.user)
    assert draft.transitions.count() == 0


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (PracticeStatus.DRAFT, "publier"),
        (PracticeStatus.PUBLISHED, "proposer"),
        (PracticeStatus.CHANGES_REQUESTED, "retirer"),
        (PracticeStatus.DRAFT, "inventee"),
    ],
)
def test_a_step_that_does_not_start_here_changes_nothing(draft, coordination, status, name):
    Practice.objects.filter(pk=draft.pk).update(status=status, published_at=draft.created_at)
    draft.refresh_from_db()
    with pytest.raises(TransitionError):
        step(draft, name, coordination, "Pourquoi pas.")
    draft.refresh_from_db()
    assert draft.status == status
    assert not AuditLogEntry.objects.filter(action=ProjectsAuditAction.PRACTICE_TRANSITION)


def test_requesting_changes_needs_a_comment(draft, member, coordination):
    step(draft, "proposer", member.user)
    with pytest.raises(TransitionError):
        step(draft, "demander-modifications", coordination, "   ")
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.SUBMITTED


def test_a_second_publication_keeps_the_first_date(draft, member, coordination):
    step(draft, "proposer", member.user)
    step(draft, "publier", coordination)
    draft.refresh_from_db()
    first = draft.published_at
    step(draft, "retirer", coordination, "Photos à remplacer.")
    step(draft, "publier", coordination)
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.PUBLISHED
    assert draft.published_at == first


# --- E-mails, through the outbox ------------------------------------------------------------


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_coordination_hears_of_each_proposal_once(
    draft, member, coordination, sending, mailoutbox
):
    second = CoordinatorFactory()
    with sending():
        step(draft, "proposer", member.user)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordination.email, second.email])
    assert "Berceuses du monde au relais" in mailoutbox[0].subject
    assert draft.get_absolute_url() in mailoutbox[0].body
    # A second proposal, after changes, is a new message.
    with sending():
        step(draft, "demander-modifications", coordination, "Ajoutez une photo.")
        step(draft, "proposer", member.user)
    proposals = OutboxMessage.objects.filter(template="coordinator_practice_proposed")
    assert proposals.count() == 4


def test_the_proposer_hears_of_changes_and_publication(
    draft, member, coordination, sending, mailoutbox
):
    step(draft, "proposer", member.user)
    with sending():
        step(draft, "demander-modifications", coordination, "Précisez les âges, merci.")
    assert [m.to[0] for m in mailoutbox] == [member.user.email]
    assert "Précisez les âges, merci." in mailoutbox[0].body
    assert "reprendre" in mailoutbox[0].subject
    mailoutbox.clear()
    step(draft, "proposer", member.user)
    with sending():
        step(draft, "publier", coordination)
    assert [m.to[0] for m in mailoutbox] == [member.user.email]
    assert "publiée" in mailoutbox[0].subject


def test_the_proposer_hears_why_their_sheet_was_withdrawn_once_per_withdrawal(
    draft, member, coordination, sending, mailoutbox
):
    step(draft, "proposer", member.user)
    step(draft, "publier", coordination)
    with sending():
        step(draft, "retirer", coordination, "Les photos montrent des enfants reconnaissables.")
    assert [m.to[0] for m in mailoutbox] == [member.user.email]
    mail = mailoutbox[0]
    assert "Berceuses du monde au relais" in mail.subject
    assert "retirée" in mail.subject
    assert "Les photos montrent des enfants reconnaissables." in mail.body
    assert draft.get_absolute_url() in mail.body
    html = mail.alternatives[0][0]
    assert "Les photos montrent des enfants reconnaissables." in html
    assert draft.get_absolute_url() in html
    # Queueing the same step again sends nothing more; a later withdrawal is a new message.
    withdrawal = draft.transitions.order_by("-pk").first()
    with sending():
        services._notify_transition(
            draft, PracticeStatus.WITHDRAWN, step=withdrawal.pk, comment="Encore ?"
        )
    assert len(mailoutbox) == 1
    step(draft, "publier", coordination)
    with sending():
        step(draft, "retirer", coordination, "Une seconde fois.")
    assert len(mailoutbox) == 2
    assert "Une seconde fois." in mailoutbox[1].body
    assert OutboxMessage.objects.filter(template="member_practice_withdrawn").count() == 2


def test_comments_reach_the_other_side(draft, member, coordination, sending, mailoutbox):
    with sending():
        services.practice_comment_add(practice=draft, actor=member.user, body="Une question.")
    assert [m.to[0] for m in mailoutbox] == [coordination.email]
    mailoutbox.clear()
    with sending():
        services.practice_comment_add(practice=draft, actor=coordination, body="Une réponse.")
    assert [m.to[0] for m in mailoutbox] == [member.user.email]
    assert "Une réponse." in mailoutbox[0].body


def test_a_stranger_cannot_comment(draft, other_member):
    with pytest.raises(services.DomainError):
        services.practice_comment_add(practice=draft, actor=other_member.user, body="Coucou")
    assert not PracticeComment.objects.exists()


# --- Pages: who sees and does what ------------------------------------------------------------


def test_a_draft_is_hidden_from_anyone_outside_its_organisation(client, draft, other_member):
    for path in (
        draft.get_absolute_url(),
        reverse("projects:practice_pdf", kwargs={"slug": draft.slug}),
    ):
        assert client.get(path).status_code == 404
    client.force_login(other_member.user)
    for path in (
        draft.get_absolute_url(),
        reverse("projects:practice_edit", kwargs={"slug": draft.slug}),
    ):
        assert client.get(path).status_code == 404
    url = reverse("projects:practice_transition", kwargs={"slug": draft.slug, "name": "proposer"})
    assert client.post(url).status_code == 404
    comment = reverse("projects:practice_comment", kwargs={"slug": draft.slug})
    assert client.post(comment, {"body": "Bonjour"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.DRAFT
    assert not PracticeComment.objects.exists()


def test_authors_see_their_draft_with_a_banner_and_the_review_panel(client, draft, member):
    client.force_login(member.user)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Fiche non publiée" in content
    assert "Proposer à la coordination" in content
    assert 'name="robots" content="noindex"' in content


def test_who_writes_a_sheet(draft, member, referent, other_member, coordination):
    """The sheet's organisation (all its active members) and the coordination; a sheet
    without an organisation, its proposer."""
    assert practice_authors(referent.user, draft)
    assert practice_authors(coordination, draft)
    assert not practice_authors(other_member.user, draft)
    alone = PracticeFactory(status=PracticeStatus.DRAFT, published_at=None, proposed_by=member)
    assert practice_authors(member.user, alone)
    assert not practice_authors(referent.user, alone)
    assert {draft, alone} <= set(Practice.objects.visible_to(member.user))
    assert set(Practice.objects.visible_to(referent.user)) == {draft}
    assert set(Practice.objects.proposed_by_team_of(member)) == {draft, alone}


def test_a_former_author_loses_the_drafts_of_the_organisation_they_left(client, draft, member):
    member.affiliations.update(status=AffiliationStatus.LEFT)
    assert not practice_authors(member.user, draft)
    assert draft not in Practice.objects.visible_to(member.user)
    assert draft not in Practice.objects.proposed_by_team_of(member)
    client.force_login(member.user)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get(reverse("projects:my_practices")).content.decode()


def test_a_former_author_no_longer_hears_of_the_sheet(
    draft, member, coordination, sending, mailoutbox
):
    step(draft, "proposer", member.user)
    step(draft, "publier", coordination)
    member.affiliations.update(status=AffiliationStatus.LEFT)
    with sending():
        step(draft, "retirer", coordination, "Photos à remplacer.")
    assert mailoutbox == []


def test_the_public_page_has_no_review_panel(client, draft):
    PracticeComment.objects.create(practice=draft, body="Remarque interne")
    Practice.objects.filter(pk=draft.pk).update(
        status=PracticeStatus.PUBLISHED, published_at=draft.created_at
    )
    content = client.get(draft.get_absolute_url()).content.decode()
    assert "Remarque interne" not in content
    assert "Relecture" not in content
    assert "Fiche non publiée" not in content


def test_proposing_through_the_page(client, draft, member, coordination):
    client.force_login(member.user)
    url = reverse("projects:practice_transition", kwargs={"slug": draft.slug, "name": "proposer"})
    response = client.post(url, {"comment": "Prête !"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.SUBMITTED
    assert draft.transitions.get().comment == "Prête !"


def test_a_too_long_comment_is_explained_as_too_long(client, draft, coordination):
    Practice.objects.filter(pk=draft.pk).update(
        status=PracticeStatus.PUBLISHED, published_at=draft.created_at
    )
    client.force_login(coordination)
    url = reverse("projects:practice_transition", kwargs={"slug": draft.slug, "name": "retirer"})
    response = client.post(url, {"comment": "x" * 2001}, follow=True)
    content = response.content.decode()
    assert "2 000 caractères au plus" in content
    assert "commentaire requis" not in content
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.PUBLISHED
    assert not draft.transitions.exists()


def test_service_refusals_go_through_gettext(draft, member, other_member):
    step(draft, "proposer", member.user)
    # A stand-in catalogue: each message must come out of it, translated at call time.
    with mock.patch.object(services, "_", lambda text: f"[{text}]"):
        with pytest.raises(services.DomainError, match=r"^\[Cette fiche"):
            services.practice_update(
                practice=draft, actor=member.user, fields={}, m2m={}, images=[]
            )
        with pytest.raises(services.DomainError, match=r"^\[Seuls les auteurs"):
            services.practice_comment_add(practice=draft, actor=other_member.user, body="Bonjour")
        with pytest.raises(services.DomainError, match=r"^\[Le commentaire est vide"):
            services.practice_comment_add(practice=draft, actor=member.user, body="  ")


def test_a_refused_step_is_explained_and_changes_nothing(client, draft, member):
    step(draft, "proposer", member.user)
    client.force_login(member.user)
    url = reverse("projects:practice_transition", kwargs={"slug": draft.slug, "name": "publier"})
    response = client.post(url, follow=True)
    assert "pas effectuer cette étape" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.SUBMITTED


def test_authors_no_longer_edit_during_review_but_the_coordination_does(
    client, draft, member, coordination
):
    step(draft, "proposer", member.user)
    edit = reverse("projects:practice_edit", kwargs={"slug": draft.slug})
    client.force_login(member.user)
    assert client.get(edit).status_code == 404
    client.force_login(coordination)
    assert client.get(edit).status_code == 200


def test_the_review_queue_lists_proposed_sheets(client, draft, member, coordination):
    other = PracticeFactory(title="Fiche déjà publiée")
    step(draft, "proposer", member.user)
    client.force_login(coordination)
    content = client.get(reverse("projects:practices_review")).content.decode()
    assert draft.title in content
    assert other.title not in content
    everything = client.get(reverse("projects:practices_review"), {"status": "publiee"})
    assert other.title in everything.content.decode()


def test_my_proposals_show_my_organisation_s_sheets_only(client, draft, referent, other_member):
    foreign = PracticeFactory(
        status=PracticeStatus.DRAFT,
        published_at=None,
        proposed_by=other_member,
        title="Fiche d'une autre structure",
    )
    client.force_login(referent.user)
    content = client.get(reverse("projects:my_practices")).content.decode()
    assert draft.title in content
    assert foreign.title not in content


# --- Proposing and editing a sheet ---------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "title": "Proposer",  # a reserved address: the slug must step aside
        "summary": "Des comptines partagées entre parents et assistantes maternelles.",
        "sector": "petite_enfance",
        "what_was_done": "Six ateliers.\n\nUn <b>concert</b> final.<script>alert(1)</script>",
        "context": "",
        "partners": "Conservatoire de Cergy",
        "communes": [commune("95127").pk],
        "age_groups": [AgeGroup.objects.get(code="0-1").pk],
        "disciplines": [Discipline.objects.get(slug="chant").pk],
        "duration": "trois mois",
        "contact": "rpe@exemple.fr",
        "images-TOTAL_FORMS": "2",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "6",
        "images-0-image": png_upload(),
        "images-0-alt_text": "Une maman chante avec son bébé",
        "images-0-caption": "Atelier du mardi",
    }
    return data | overrides


def test_a_member_proposes_a_draft_with_its_image(client, organization, member):
    client.force_login(member.user)
    create = reverse("projects:practice_create")
    assert f'value="{organization.pk}" selected' in client.get(create).content.decode()
    response = client.post(create, form_data(organization=organization.pk))
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert response["Location"] == practice.get_absolute_url()
    assert practice.slug == "proposer-2"
    assert practice.status == PracticeStatus.DRAFT
    assert practice.proposed_by == member
    assert practice.organization == organization
    assert list(practice.epcis.all()) == [commune("95127").epci]
    assert "<script" not in practice.what_was_done
    assert "<strong>concert</strong>" in practice.what_was_done or "<b>concert</b>" in (
        practice.what_was_done
    )
    image = practice.images.get()
    assert image.alt_text == "Une maman chante avec son bébé"
    assert image.image.name.endswith(".png")


@pytest.mark.parametrize(
    "overrides",
    [
        {"images-0-alt_text": ""},  # the alternative text is required
        {"images-0-image": SimpleUploadedFile("photo.png", b"not an image")},
        {"title": "<b>Titre</b>"},  # plain text fields refuse tags
        {"what_was_done": ""},
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(
    client, organization, member, overrides
):
    client.force_login(member.user)
    data = form_data(organization=organization.pk) | overrides
    response = client.post(reverse("projects:practice_create"), data)
    assert response.status_code == 200
    assert "Erreur" in response.content.decode()
    assert not Practice.objects.exists()
    assert not PracticeImage.objects.exists()


def test_a_member_proposes_only_for_their_own_organisations(client, member):
    client.force_login(member.user)
    stranger = OrganizationFactory()
    response = client.post(reverse("projects:practice_create"), form_data(organization=stranger.pk))
    assert response.status_code == 200
    assert not Practice.objects.exists()


def test_observers_do_not_propose(client, observer):
    client.force_login(observer)
    assert client.get(reverse("projects:practice_create")).status_code == 404


def test_editing_replaces_fields_and_deletes_an_image(client, draft, member):
    image = PracticeImage.objects.create(practice=draft, image=png_upload(), alt_text="Avant")
    slug = draft.slug
    client.force_login(member.user)
    data = form_data(
        title="Berceuses du monde, saison 2",
        organization=draft.organization_id,
        **{
            "images-INITIAL_FORMS": "1",
            "images-0-id": image.pk,
            "images-0-practice": draft.pk,
            "images-0-alt_text": "Avant",
            "images-0-DELETE": "on",
            "images-1-image": png_upload("nouvelle.png"),
            "images-1-alt_text": "Après",
        },
    )
    del data["images-0-image"]
    response = client.post(reverse("projects:practice_edit", kwargs={"slug": draft.slug}), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Berceuses du monde, saison 2"
    assert draft.slug == slug  # links keep working
    assert list(draft.images.values_list("alt_text", flat=True)) == ["Après"]


def test_an_author_cannot_touch_another_sheet_s_image(draft, member):
    foreign = PracticeFactory()
    theirs = PracticeImage.objects.create(practice=foreign, image=png_upload(), alt_text="Eux")
    services.practice_update(
        practice=draft,
        actor=member.user,
        fields={},
        m2m={},
        images=[{"id": theirs.pk, "alt_text": "Piraté", "delete": True}],
    )
    theirs.refresh_from_db()
    assert theirs.alt_text == "Eux"


# --- Stored rich text is clean -----------------------------------------------------------------

RICH_FIELDS = ("context", "what_was_done", "replication", "lessons")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rich_text_is_clean_once_saved(payload):
    practice = PracticeFactory(**dict.fromkeys(RICH_FIELDS, f"<p>Texte</p>{payload}"))
    practice.refresh_from_db()
    for name in RICH_FIELDS:
        stored = getattr(practice, name).lower()
        for forbidden in ("<script", "onerror", "onload", "ontoggle", "javascript:", "<svg"):
            assert forbidden not in stored, (name, stored)
        assert "<iframe" not in stored and "style=" not in stored and "<math" not in stored


def test_text_fields_are_escaped_on_the_public_page(client):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    practice = PracticeFactory(
        title=f"Titre {payload}", summary=payload, partners=payload, contact=payload
    )
    content = client.get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_open_graph_tags(client):
    practice = PracticeFactory(summary="Des musiciens à la crèche.")
    image = PracticeImage.objects.create(practice=practice, image=png_upload(), alt_text="Un bébé")
    content = client.get(practice.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in content
    assert '<meta property="og:locale" content="fr_FR">' in content
    assert f'<meta property="og:title" content="{practice.title}">' in content
    assert f'content="http://testserver{practice.get_absolute_url()}"' in content
    image_url = reverse("projects:practice_image", kwargs={"slug": practice.slug, "pk": image.pk})
    assert f'<meta property="og:image" content="http://testserver{image_url}">' in content
    assert '<meta name="description" content="Des musiciens à la crèche.">' in content


def test_the_project_link_is_for_members_only(client, member):
    from project_factories import ProjectFactory

    project = ProjectFactory(title="Bébés lecteurs en Vexin")
    practice = PracticeFactory(project=project)
    assert project.title not in client.get(practice.get_absolute_url()).content.decode()
    client.force_login(member.user)
    assert project.title in client.get(practice.get_absolute_url()).content.decode()


def test_reserved_addresses_are_never_given_as_slugs(member):
    for title in ("Relecture", "Mes propositions"):
        practice = services.practice_create(
            actor=member.user,
            person=member,
            fields={
                "title": title,
                "summary": "Résumé",
                "sector": "culture",
                "what_was_done": "Fait",
            },
            m2m={},
            images=[],
        )
        assert practice.slug not in services.PRACTICE_RESERVED_SLUGS


def test_the_catalogue_tells_the_coordination_how_many_sheets_wait(client, member):
    PracticeFactory(status=PracticeStatus.SUBMITTED, published_at=None)
    PracticeFactory()
    client.force_login(CoordinatorFactory())
    page = client.get(reverse("projects:practices")).content.decode()
    assert "1 fiche à relire" in page
    assert reverse("projects:practices_review") in page
    client.force_login(member.user)
    assert "à relire" not in client.get(reverse("projects:practices")).content.decode()
