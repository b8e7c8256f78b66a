"""Turn EMAIL_URL into Django 6.1's MAILERS setting."""

from urllib.parse import parse_qs, unquote, urlsplit

_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailers_from_url(url: str) -> dict:
    """Return MAILERS for `smtp://user:pass@host:port?tls=1`, `file:///folder`, `console://`…"""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _BACKENDS:
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r} (one of {sorted(_BACKENDS)})")
    options: dict = {}
    if scheme == "file":
        options["file_path"] = unquote(parts.path)
    elif scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        options.update(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if scheme == "smtps" else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_ssl=scheme == "smtps",
            use_tls=query.get("tls", ["0"])[0] in {"1", "true"},
            timeout=int(query.get("timeout", ["10"])[0]),
        )
    return {"default": {"BACKEND": _BACKENDS[scheme], "OPTIONS": options}}
