from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    label = "members"
    verbose_name = _("Réseau")

    def ready(self):
        from consortium.core.navigation import NavItem, coordinators, everyone, register

        from .access import is_member

        register(NavItem(_("Le réseau"), "members:directory", everyone, 10))
        register(NavItem(_("Groupes de travail"), "members:groups", is_member, 20))
        register(NavItem(_("Besoins"), "members:needs", is_member, 30))
        register(NavItem(_("Validations"), "members:validations", coordinators, 80))
        register(NavItem(_("Mon espace"), "members:space", _signed_in, 90))


def _signed_in(user) -> bool:
    return user.is_authenticated
