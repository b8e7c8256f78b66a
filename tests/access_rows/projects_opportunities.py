"""The funding watch: members' pages, the public page, the coordination's, the digest link.

The sample opportunity is for members only: anonymous visitors are asked to log in (as
for an unknown address), signed-in people outside the network get a 404.
"""

from access import LOGIN, coordination_only, everyone, network, post_only
from django.core.files.uploadedfile import SimpleUploadedFile
from project_factories import OpportunityFactory

from projects.models import OpportunityAttachment
from projects.services.digest import unsubscribe_token


def _slug(samples):
    return {"slug": samples["opportunities_members_only"].slug}


ROUTES = {
    "projects:opportunities": network(),
    "projects:opportunities_public": everyone(200),
    "projects:opportunity": network(anonymous=LOGIN, newcomer=404, pending=404, kwargs=_slug),
    "projects:opportunity_attachment": network(
        anonymous=LOGIN, newcomer=404, pending=404, kwargs=lambda s: s["opportunities_attachment"]
    ),
    "projects:opportunity_follow": post_only(kwargs=_slug),
    "projects:opportunity_unfollow": post_only(kwargs=_slug),
    "projects:opportunity_create": coordination_only(),
    "projects:opportunity_edit": coordination_only(kwargs=_slug),
    "projects:opportunity_publish": coordination_only(coordinator=405, kwargs=_slug),
    "projects:opportunity_unpublish": coordination_only(coordinator=405, kwargs=_slug),
    # The signed token is the key: no login, same answer for everyone.
    "projects:digest_unsubscribe": everyone(
        200, kwargs=lambda s: {"token": s["opportunities_unsubscribe_token"]}
    ),
}


def samples(base: dict) -> dict:
    opportunity = OpportunityFactory(is_public=False)
    attachment = OpportunityAttachment.objects.create(
        opportunity=opportunity,
        title="Règlement",
        file=SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 reglement"),
    )
    member = base["member"]
    member.wants_digest = True
    member.save(update_fields=["wants_digest"])
    return {
        "opportunities_members_only": opportunity,
        "opportunities_attachment": {"slug": opportunity.slug, "pk": attachment.pk},
        "opportunities_unsubscribe_token": unsubscribe_token(member),
    }
