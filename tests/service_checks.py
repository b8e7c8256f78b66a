"""The REQUIRE_SERVICES convention, importable by any test module.

CI sets REQUIRE_SERVICES=1: a test whose service (PostgreSQL, Redis, a Celery worker,
Chromium, poppler-utils) is missing then FAILS instead of silently skipping. On a
newcomer's machine, without the flag, the same test is skipped with the reason.
(Not in conftest.py: tests/ and tests/browser/ each have one, and both would be
imported under the same module name.)
"""

import os

import pytest


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in {"", "0", "false", "no"}


def require(service: str, available: bool, why: str = "") -> None:
    """Go on when `service` is available; else fail under REQUIRE_SERVICES=1, skip otherwise."""
    if available:
        return
    message = f"{service} is not available" + (f": {why}" if why else "")
    if services_required():
        pytest.fail(f"{message} (REQUIRE_SERVICES=1 makes this a failure)", pytrace=False)
    pytest.skip(message)


def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False
