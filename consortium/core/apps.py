from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "consortium.core"
    label = "core"
    # Accounts, the audit log, the e-mail outbox and worker heartbeats live here.
    verbose_name = _("Comptes, journal et e-mails")

    def ready(self):
        # The outbox asks for its send task by name: the task must be registered in every
        # process that queues e-mails (web, worker, commands), not only where Celery's own
        # autodiscovery runs (the worker).
        from . import (  # noqa: F401  (signals: audit log, role permissions)
            french,
            privacy,
            signals,
            tasks,
        )

        french.install()

        privacy.register_core_rules()
        # Each app declares its personal data in its own privacy.py.
        autodiscover_modules("privacy")
