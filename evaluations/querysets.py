"""Reads of the evaluations app, with each user's scope built in (deny by default)."""

from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet

from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import can_observe
from consortium.core.query import subquery_count
from members.rules import active_person


class SurveyQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Every survey's results for the coordination and the Observation group; a
        partner sees those of the experiments their organisation takes part in, and
        nothing of anyone else's."""
        if can_observe(user):
            return self.all()
        person = active_person(user)
        if person is None:
            return self.none()
        organizations = apps.get_model("members", "Organization").objects.acted_for_by(person)
        partnerships = apps.get_model("projects", "ProjectPartner").objects.filter(
            project=OuterRef("project"), organization__in=organizations
        )
        return self.filter(project__isnull=False).filter(Exists(partnerships))

    def with_figures(self):
        """Annotate response_count, invitation_count and completed_count (subqueries)."""
        responses = apps.get_model("evaluations", "Response").objects
        invitations = apps.get_model("evaluations", "Invitation").objects
        return self.annotate(
            response_count=subquery_count(responses.all(), link="survey"),
            invitation_count=subquery_count(invitations.all(), link="survey"),
        )

    def for_listing(self):
        return self.select_related("event", "project")


class InvitationQuerySet(QuerySet):
    def by_token(self, token: str):
        """The invitation of a token from a link (its digest is what is stored)."""
        from .models import token_digest

        return self.filter(token_hash=token_digest(token))


# --- Evaluation of experiments and model sheets ---------------------------------------------


def _partner_projects(user):
    """The experiments whose partners include an organisation `user` acts for, or None
    when `user` is no active member."""
    person = active_person(user)
    if person is None:
        return None
    organizations = apps.get_model("members", "Organization").objects.acted_for_by(person)
    return (
        apps.get_model("projects", "ProjectPartner")
        .objects.filter(organization__in=organizations)
        .values("project")
    )


class ExperimentEvaluationQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Every evaluation for the coordination and the Observation group; a partner, those
        of the experiments their organisation takes part in; nobody else anything."""
        if can_observe(user):
            return self.all()
        projects = _partner_projects(user)
        if projects is None:
            return self.none()
        return self.filter(project__in=projects)

    def for_listing(self):
        """With the counts the list shows, in subqueries (flat whatever the rows)."""
        from .enums import MeasurementStatus

        measurements = apps.get_model("evaluations", "Measurement").objects
        return self.select_related("project").annotate(
            indicator_count=subquery_count(
                apps.get_model("evaluations", "Indicator").objects.all(), link="evaluation"
            ),
            validated_count=subquery_count(
                measurements.filter(status=MeasurementStatus.VALIDATED),
                link="indicator__evaluation",
            ),
            pending_count=subquery_count(
                measurements.filter(status=MeasurementStatus.ENTERED),
                link="indicator__evaluation",
            ),
        )


class MeasurementQuerySet(QuerySet):
    def pending(self):
        from .enums import MeasurementStatus

        return self.filter(status=MeasurementStatus.ENTERED)


class ModelSheetQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """As the experiment's evaluation: the coordination, observers, its partners."""
        if can_observe(user):
            return self.all()
        projects = _partner_projects(user)
        if projects is None:
            return self.none()
        return self.filter(project__in=projects)


def trainings_not_surveyed(*, now, days: int = 30):
    """Trainings over since more than a day and a half (their J+1 invitations were due)
    in the last `days` days, with people marked present, whose satisfaction survey invited
    nobody: the beat missed them, or the survey had no question. The oldest first."""
    from datetime import timedelta

    from events.enums import EventKind, EventStatus

    event = apps.get_model("events", "Event")
    attendance = apps.get_model("events", "Attendance")
    invitation = apps.get_model("evaluations", "Invitation")
    present = attendance.objects.filter(present=True, session__event=OuterRef("pk"))
    invited = invitation.objects.filter(survey__event=OuterRef("pk"))
    return (
        event.objects.filter(kind=EventKind.TRAINING, status=EventStatus.PUBLISHED)
        .with_dates()
        .filter(last_end__lte=now - timedelta(hours=36), last_end__gte=now - timedelta(days=days))
        .filter(Exists(present))
        .exclude(Exists(invited))
        .order_by("last_end", "pk")
    )
