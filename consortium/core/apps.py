from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "consortium.core"
    label = "core"
    # Accounts, the audit log, the e-mail outbox and worker heartbeats live here.
    verbose_name = _("Comptes, journal et e-mails")

    def ready(self):
        # signals: audit log, role permissions, page cache. tasks: the outbox asks for its
        # send task by name, so it must be registered in every process that queues e-mails
        # (web, commands), not only where Celery's autodiscovery runs (the worker).
        from . import french, privacy, security, signals, tasks  # noqa: F401

        french.install()
        if any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
            from . import sqlite

            sqlite.install()

        privacy.register_core_rules()
        # Each app declares its personal data in its own privacy.py.
        autodiscover_modules("privacy")
        # Each app declares which of its audit actions are security events (security.py).
        security.register_core_security_actions()
        autodiscover_modules("security")
