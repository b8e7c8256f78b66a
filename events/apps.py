from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    label = "events"
    verbose_name = _("Rencontres et formations")

    def ready(self):
        from consortium.core.navigation import (
            NavItem,
            everyone,
            register,
            register_area_link,
        )
        from consortium.core.panels import register_panel
        from members.access import is_member, sees_everything

        from .panels import need_events_panel

        register_panel("members.need", need_events_panel)
        register(NavItem(_("Agenda"), "events:agenda", everyone, 15))
        register(NavItem(_("Rencontres"), "events:manage", sees_everything, 70))
        register_area_link(
            NavItem(_("Mes inscriptions aux rencontres"), "events:my_registrations", is_member, 10)
        )
