"""The production services, when configured: CI runs the suite on PostgreSQL and Redis.

Without REQUIRE_SERVICES=1 these tests skip when the service is not configured; with it
(CI), a missing or silent service is a failure, so CI cannot pass on SQLite by mistake.
"""

import os
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from service_checks import require

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_database_is_postgresql():
    configured = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    require("PostgreSQL", configured, "DATABASE_URL does not point to PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 140000  # PostgreSQL 14 or newer


def test_redis_answers_ping(redis_url):
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        assert client.ping() is True
    finally:
        client.close()


def test_django_redis_cache_round_trip(redis_url):
    # The production cache backend (base settings) against the real server: the key is
    # unique so that parallel runs sharing the server do not collide.
    cache = RedisCache(redis_url, {"OPTIONS": {"socket_connect_timeout": 2}})
    key = f"test-services-{uuid.uuid4().hex}"
    try:
        cache.set(key, {"réseau": "Val-d'Oise"}, timeout=30)
        assert cache.get(key) == {"réseau": "Val-d'Oise"}
    finally:
        cache.delete(key)
        cache.close()
