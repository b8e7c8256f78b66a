from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The coordinator's desk and the Département's view: reads every app through its
    querysets and owns no domain model."""

    name = "coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        from consortium.core.navigation import NavItem, register
        from consortium.core.permissions import can_observe

        register(NavItem(_("Tableau de bord"), "coordination:dashboard", can_observe, 75))
