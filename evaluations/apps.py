from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    label = "evaluations"
    verbose_name = _("Évaluations")

    def ready(self):
        from django.db.models.signals import post_save

        from consortium.core.navigation import NavItem, register
        from consortium.core.panels import register_panel
        from consortium.core.permissions import can_observe
        from events.models import Event

        from .panels import event_satisfaction_panel
        from .signals import training_gets_its_survey

        register(NavItem(_("Évaluations"), "evaluations:surveys", can_observe, 72))
        register_panel("events.coordination.event", event_satisfaction_panel)
        post_save.connect(
            training_gets_its_survey, sender=Event, dispatch_uid="evaluations.training"
        )
        from projects.models import Project

        from .panels import experiment_evaluation_panel, practice_version_panel
        from .signals import experiment_gets_its_evaluation

        register_panel("projects.practice", practice_version_panel)
        register_panel("projects.project", experiment_evaluation_panel)
        post_save.connect(
            experiment_gets_its_evaluation, sender=Project, dispatch_uid="evaluations.experiment"
        )
        # Activity reports and exports (issue 11, items 4 and 5).
        register(NavItem(_("Rapports"), "evaluations:reports", can_observe, 73))
