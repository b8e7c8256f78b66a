"""The project's own apps (settings.PROJECT_APPS), as opposed to Django's and third parties'."""

from django.apps import AppConfig, apps
from django.conf import settings


def is_project_app(config: AppConfig) -> bool:
    return config.name in settings.PROJECT_APPS


def project_app_configs() -> list[AppConfig]:
    """The project's app configs, in INSTALLED_APPS order (the order of their dependencies)."""
    return [config for config in apps.get_app_configs() if is_project_app(config)]
