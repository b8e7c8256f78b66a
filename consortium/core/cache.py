"""A Redis cache that degrades to an empty cache while Redis is unreachable.

Login's rate limits, TOTP replay protection and page fragments all use the default cache.
None of them is worth a 500: while Redis is down, reads miss and writes are dropped, a
warning is logged once per outage, and Redis is not asked again for a few seconds so that
a hanging server does not cost every request its connection timeout.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, a cache that stores nothing."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        # Seconds during which Redis is not asked again after a connection error.
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._outage_logged = False

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = method(*args, **kwargs)
        except REDIS_DOWN as error:
            self._down_until = time.monotonic() + self.retry_after
            if not self._outage_logged:
                self._outage_logged = True
                logger.warning("Redis cache unreachable, running without cache: %s", error)
            return fallback
        if self._outage_logged:
            self._outage_logged = False
            logger.warning("Redis cache reachable again")
        return result

    # An empty cache accepts an add (nothing was there), misses every read, and
    # drops every write.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(super().incr, missing, key, delta, version)
        if result is missing:
            # What Django raises for a key that is not in the cache.
            raise ValueError(f"Key '{key}' not found (Redis unreachable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
