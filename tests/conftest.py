"""Shared fixtures and the strict setup of the suite.

Strictness that lives elsewhere: warnings are errors, undefined template variables fail
(`--fail-on-template-vars`) and every test has a timeout (pyproject.toml); passwords are
hashed with MD5 (consortium/settings/test.py).

Services: a test that needs PostgreSQL, Redis, a Celery worker or Chromium calls
`service_checks.require()` (or uses the `redis_url` / `chromium_path` fixtures).
"""

import os
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import translation
from factories import CoordinatorFactory, ObserverFactory, UserFactory
from hypothesis import HealthCheck, Phase, settings
from service_checks import redis_answers, require

TESTS_DIR = Path(__file__).resolve().parent

# Property-based tests (hypothesis): few examples, the same ones on every run (derandomize:
# CI never goes red on a draw nobody can replay), no per-example deadline (a shared CI
# machine), function-scoped fixtures shared by the examples on purpose (the sample data is
# built once per test; each example checks its own database changes). Explore more with
# HYPOTHESIS_PROFILE=explore (random, 200 examples).
settings.register_profile(
    "portal",
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # No shrinking: a failure shows the first example found, in seconds, not minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile(
    "explore",
    settings.get_profile("portal"),
    max_examples=200,
    derandomize=False,
    phases=list(Phase),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "portal"))
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (Playwright's own browsers cannot be downloaded here)."""
    available = os.access(CHROMIUM, os.X_OK)
    require("Chromium", available, f"install it with: apt-get install chromium ({CHROMIUM})")
    return CHROMIUM


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL of a Redis that answers PING."""
    url = os.environ.get("REDIS_URL", "")
    require("Redis", bool(url), "REDIS_URL is not set")
    require("Redis", redis_answers(url), f"no PONG from {url}")
    return url


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps its rate limits in the cache: one test's failed logins must not
    # lock another test out.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _french_outside_requests():
    # LanguageMiddleware activates the visitor's language for the thread and leaves it:
    # code running outside a request (commands, services) must not inherit a previous
    # test's English.
    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def test_templates(settings):
    """Add tests/templates (test-only e-mails and PDFs) to the template directories."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TESTS_DIR / "templates"]
    settings.TEMPLATES = templates
    return TESTS_DIR / "templates"


@pytest.fixture
def celery_conf():
    """`celery_conf(key=value)` changes the Celery app's configuration for one test.

    monkeypatch.setattr does not fit: celery's Settings maps attributes onto layered
    dictionaries, and undoing a patch deletes the attribute instead of restoring it.
    """
    from consortium.celery import app

    conf = app.conf
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, conf[key])
            conf[key] = value

    yield change
    conf.update(saved)


@pytest.fixture
def partner(db):
    return UserFactory()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def observer(db):
    return ObserverFactory()


@pytest.fixture
def anonymous_client(client):
    return client


@pytest.fixture
def partner_client(client, partner):
    client.force_login(partner)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def observer_client(client, observer):
    client.force_login(observer)
    return client


# --- The network's roles (members app) ---------------------------------------------------


@pytest.fixture
def organization(db):
    """An active organisation with a referent (`referent`) and a member (`member`)."""
    from member_factories import OrganizationFactory

    return OrganizationFactory(name="Médiathèque de Cergy", slug="mediatheque-de-cergy")


@pytest.fixture
def referent(organization):
    from member_factories import member_of

    return member_of(organization, referent=True)


@pytest.fixture
def member(organization, referent):
    """An active partner of `organization`, not its referent."""
    from member_factories import member_of

    return member_of(organization)


@pytest.fixture
def other_member(db):
    """An active partner of another organisation."""
    from member_factories import member_of

    return member_of()


@pytest.fixture
def pending_person(db):
    """A partner who signed up and asked to create an organisation, not yet validated."""
    from member_factories import AffiliationFactory, OrganizationFactory, PersonFactory

    from members.enums import AffiliationStatus, OrganizationStatus, PersonStatus

    person = PersonFactory(status=PersonStatus.PENDING)
    organization = OrganizationFactory(status=OrganizationStatus.PENDING)
    AffiliationFactory(
        person=person,
        organization=organization,
        is_referent=True,
        status=AffiliationStatus.PENDING,
    )
    return person
