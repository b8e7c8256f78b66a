"""Public pages served from the cache to anonymous visitors, per language, until the
network's content changes.

Every page of the cache is keyed by one content version: any change of the project's
content (a save or a delete of a model of a domain app, a workflow transition) moves the
version on, so that a published practice, a cancelled event or a registration that fills an
event shows at once, on every page and in both languages. Invalidating everything on any
change is coarse, but public pages are read far more often than the network writes, and a
miss only costs what the page cost before.

Only anonymous GET requests without a session or pending messages are served from the
cache or stored in it, and only complete 200 answers that set no cookie: a signed-in person
never gets an anonymous page, nor the reverse.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "pagecache:version"
# A page nobody asks for leaves the cache after this; a change replaces it at once anyway.
PAGE_SECONDS = 3600
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # After a cache loss, a new epoch: no page stored before can match it.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet, or the cache lost it: start a new epoch
        cache.set(VERSION_KEY, time.time_ns(), None)


def content_changed(**kwargs) -> None:
    """Every cached page is out of date: now, and again when the transaction commits.

    Now, so that what this request (or test) reads next is fresh; at the commit too, since
    a page rendered meanwhile by another request from the rows not yet committed was stored
    under the version of now. The second bump is scheduled once per transaction.
    """
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(_bump)


def _cacheable(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in cookies
        and MESSAGES_COOKIE not in cookies
    )


def _key(request) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{content_version()}:{get_language()}:{path}"


def _storable(response) -> bool:
    return response.status_code == 200 and not response.cookies and not response.streaming


def public_page(view):
    """Serve `view` from the cache to anonymous visitors (see the module's docstring)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if _storable(response):
                cache.set(key, response, PAGE_SECONDS)
        # Browsers and proxies revalidate each time (ETag: a 304 when nothing changed).
        patch_cache_control(response, public=True, max_age=0)
        patch_vary_headers(response, ["Cookie"])
        return response

    return cached_view
