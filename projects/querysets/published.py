from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import is_coordinator
from members.access import is_member

from ..enums import PublicationStatus


class PublishedQuerySet(ScopedQuerySet):
    """What the coordination publishes (opportunities, resources): drafts are hers, the
    published ones the network's, and those marked public everyone's."""

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def public(self):
        return self.published().filter(is_public=True)

    def visible_to(self, user):
        if is_coordinator(user):
            return self.all()
        if is_member(user):
            return self.published()
        return self.public()
