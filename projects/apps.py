from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    label = "projects"
    verbose_name = _("Projets, veille et ressources")

    def ready(self):
        from consortium.core.navigation import NavItem, everyone, register, register_area_link
        from consortium.core.permissions import is_observer
        from members.access import is_member

        from .rules import acts_in_network

        def outside_network(user) -> bool:
            return not is_member(user)

        register(NavItem(_("Bonnes pratiques"), "projects:practices", everyone, 16))
        register(NavItem(_("Ressources"), "projects:resources", everyone, 17))
        # The public sees the public opportunities; members, the whole watch.
        register(NavItem(_("Financements"), "projects:opportunities_public", outside_network, 18))
        register(NavItem(_("Financements"), "projects:opportunities", is_member, 35))
        register(NavItem(_("Projets"), "projects:projects", is_member, 36))
        register(NavItem(_("Dossiers"), "projects:dossiers", acts_in_network, 37))
        # The Observation group reads the board of the network's dossiers instead.
        register(NavItem(_("Dossiers"), "projects:dossier_board", is_observer, 37))
        register_area_link(NavItem(_("Mes dossiers"), "projects:dossiers", acts_in_network, 20))
        register_area_link(
            NavItem(_("Mes bonnes pratiques"), "projects:my_practices", acts_in_network, 30)
        )
        register_area_link(
            NavItem(
                _("Les financements que je suis"),
                "projects:opportunities",
                acts_in_network,
                40,
                query="?suivies=1",
            )
        )
