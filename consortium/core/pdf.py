"""PDF documents with WeasyPrint, from Django templates extending layout/pdf.html."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify


def _inside(root, relative: str):
    """`root / relative`, or None when `..` would lead out of `root`."""
    root = Path(root).resolve()
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) else None


def _local_files(url: str):
    """Serve /static/ and /media/ from disk so that WeasyPrint never fetches over the network."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
    elif path.startswith(settings.MEDIA_URL):
        found = _inside(settings.MEDIA_ROOT, path.removeprefix(settings.MEDIA_URL))
    else:
        found = None
    if not found:
        raise ValueError(f"PDF: resource outside static and media files refused: {url}")
    with open(found, "rb") as handle:
        data = handle.read()
    return data, mimetypes.guess_type(str(found))[0] or "application/octet-stream"


def render_pdf(*, template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` into PDF bytes."""
    # Imported here: WeasyPrint loads Pango at import time, and only PDF pages need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body, mime_type = _local_files(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=settings.SITE_URL, url_fetcher=LocalFetcher()).write_pdf()


def pdf_response(*, pdf: bytes, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying `pdf`, shown in the browser or downloaded."""
    disposition = "inline" if inline else "attachment"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{slugify(filename)}.pdf"'
    return response
