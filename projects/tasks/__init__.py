"""Celery tasks of the projects app, one module per area; each takes ids, calls a service.

Imported here so that Celery's autodiscovery (which imports `<app>.tasks`) registers them.
"""

from .dossiers import send_dossier_reminders
from .opportunities import send_deadline_alerts, send_weekly_digest

__all__ = ["send_deadline_alerts", "send_dossier_reminders", "send_weekly_digest"]
