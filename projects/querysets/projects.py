from django.apps import apps
from django.db.models import Case, IntegerField, Prefetch, Value, When

from consortium.core.french import french_order
from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import is_coordinator
from members.access import is_member, person_of
from members.enums import AffiliationStatus, OrganizationStatus

from ..enums import PartnerRole
from .text import TextSearchMixin


def _partnerships_lead_first():
    """A project's partners, the lead organisations first, then by name."""
    partners = apps.get_model("projects", "ProjectPartner").objects
    lead_first = Case(
        When(role=PartnerRole.LEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        partners.select_related("organization")
        .annotate(lead_rank=lead_first)
        .order_by("lead_rank", french_order("organization__name"))
    )


class ProjectQuerySet(TextSearchMixin, ScopedQuerySet):
    SEARCH_FIELDS = (("title", "A"), ("summary", "B"), ("description", "C"))
    STORED_SEARCH = True  # PostgreSQL: search_vector, search_text (migration 0005)

    def experiments(self):
        return self.filter(is_experiment=True)

    def visible_to(self, user):
        """The network's projects are the network's: members, observers and the coordination."""
        return self.all() if is_member(user) else self.none()

    def partnered_by(self, person, **partnership):
        """Projects one of whose partners is an organisation `person` is active in
        (`partnership`: more conditions on that partnership, such as its role)."""
        if person is None or not person.is_active_member:
            return self.none()
        conditions = {f"partnerships__{name}": value for name, value in partnership.items()}
        return self.filter(
            pk__in=self.model.objects.filter(
                partnerships__organization__affiliations__person=person,
                partnerships__organization__affiliations__status=AffiliationStatus.ACTIVE,
                partnerships__organization__status=OrganizationStatus.ACTIVE,
                **conditions,
            ).values("pk")
        )

    def editable_by(self, user):
        """The coordination edits every project; a partner's active members edit theirs."""
        if is_coordinator(user):
            return self.all()
        return self.partnered_by(person_of(user))

    def with_partners(self):
        """Prefetch `partner_list`: the partnerships with their organisation, lead first."""
        return self.prefetch_related(
            Prefetch("partnerships", _partnerships_lead_first(), to_attr="partner_list")
        )

    def for_listing(self):
        """What a project card shows, in a fixed number of queries."""
        return (
            self.select_related("working_group")
            .with_partners()
            .prefetch_related("communes", "age_groups", "disciplines")
        )

    def for_page(self):
        """What the project page shows, in a fixed number of queries."""
        return self.for_listing().prefetch_related("communes__epci", "themes")
