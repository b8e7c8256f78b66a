"""Slugs that stay unique and never take a fixed address."""

from collections.abc import Iterable

from django.utils.text import slugify


def unique_slug(*, model, text: str, max_length: int = 200, reserved: Iterable[str] = ()) -> str:
    """A slug from `text`, suffixed -2, -3… until no row of `model` has it.

    `reserved` lists the fixed addresses next to the objects' own (/groupes/nouveau/
    beside /groupes/<slug>/): a slug never takes one, or the object could not be reached.
    """
    base = slugify(text)[:max_length] or "element"
    slug, number = base, 1
    while slug in reserved or model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
