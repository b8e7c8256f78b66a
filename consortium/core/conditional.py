"""Documents built once per change, served from the cache with ETag and Last-Modified.

Calendar clients poll their feeds every few minutes; most polls find nothing new. The view
names what the document depends on in a cheap `fingerprint` (one aggregate query); the
body is built only when no cached copy has that fingerprint, and a client that already has
it gets a 304 without a body.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

# How long a built document may stay in the cache without being asked for.
CACHE_SECONDS = 24 * 3600


def fingerprint_etag(fingerprint: str) -> str:
    return '"' + hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest() + '"'


def conditional_document(
    request,
    *,
    fingerprint: str,
    last_modified: datetime | None,
    build: Callable[[], bytes],
    content_type: str,
    max_age: int = 300,
) -> HttpResponse:
    """A 304 when the client has this version, else the body, built once per fingerprint."""
    etag = fingerprint_etag(fingerprint)
    timestamp = last_modified.timestamp() if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return not_modified
    key = f"document:{etag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=max_age)
    return response
