from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "consortium.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self):
        from . import signals  # noqa: F401  (connects the audit log to allauth)
