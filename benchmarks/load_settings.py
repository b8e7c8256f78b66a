"""Settings of the load benchmark only: production settings, with the bare view's URLs."""

from consortium.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
