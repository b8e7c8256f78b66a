from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The coordinator's desk and the Département's view: reads every app through its
    querysets and owns only its own records (mailings, who received them, who left)."""

    name = "coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        from consortium.core.navigation import NavItem, register, register_area_link
        from consortium.core.permissions import can_observe
        from members.rules import active_person

        def receives_mailings(user) -> bool:
            return active_person(user) is not None

        register(NavItem(_("Tableau de bord"), "coordination:dashboard", can_observe, 75))
        register(NavItem(_("Envois"), "coordination:mailings", can_observe, 76))
        register_area_link(
            NavItem(
                _("Mes messages de la coordination"),
                "coordination:my_mailings",
                receives_mailings,
                50,
            )
        )
