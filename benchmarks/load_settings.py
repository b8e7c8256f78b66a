"""Settings of the load benchmark only: production settings, with the bare view's URLs."""

from consortium.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
import os as _os
if _os.environ.get("SSB"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
