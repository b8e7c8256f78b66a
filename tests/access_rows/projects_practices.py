"""Best practices: public catalogue and sheets; proposals by members (not observers, who
only read); drafts for their organisation and the coordination only; the review queue
for the coordination."""

from access import coordination_only, everyone, network, post_only
from project_factories import PracticeFactory, png_upload

from projects.enums import PracticeStatus
from projects.models import PracticeImage


def _published(samples: dict) -> dict:
    return {"slug": samples["practices_published"].slug}


def _draft(samples: dict) -> dict:
    return {"slug": samples["practices_draft"].slug}


ROUTES = {
    "projects:practices": everyone(200),
    "projects:practice": everyone(200, kwargs=_published),
    "projects:practice_pdf": everyone(200, kwargs=_published),
    # The image of a published sheet is as public as the sheet.
    "projects:practice_image": everyone(
        200, kwargs=lambda s: {"slug": s["practices_published"].slug, "pk": s["practices_image"].pk}
    ),
    "projects:practice_create": network(observer=404),
    "projects:my_practices": network(observer=404),
    # A draft of org_a: its member and referent edit it; another organisation never sees it.
    "projects:practice_edit": network(other_member=404, observer=404, kwargs=_draft),
    "projects:practice_transition": post_only(
        kwargs=lambda s: {"slug": s["practices_draft"].slug, "name": "proposer"}
    ),
    "projects:practice_comment": post_only(kwargs=_draft),
    "projects:practices_review": coordination_only(),
}


def samples(base: dict) -> dict:
    published = PracticeFactory()
    return {
        "practices_published": published,
        "practices_image": PracticeImage.objects.create(
            practice=published, image=png_upload(), alt_text="Un atelier"
        ),
        "practices_draft": PracticeFactory(
            status=PracticeStatus.DRAFT,
            published_at=None,
            organization=base["org_a"],
            proposed_by=base["member"],
        ),
    }
