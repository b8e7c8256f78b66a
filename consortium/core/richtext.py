"""Rich text: a small safe subset of HTML, cleaned with nh3 when saved and when shown.

Members type plain text (blank lines make paragraphs) or paste simple HTML from a word
processor; both end up as the same few tags. Cleaning on save keeps the database clean
for exports and the PDF; cleaning again when rendering protects against rows written
around the model (raw SQL, old data).
"""

import re

import nh3
from django.db import models
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_ALLOWED_TAG = re.compile(rf"</?({'|'.join(sorted(ALLOWED_TAGS))})\b[^>]*>", re.IGNORECASE)


def sanitize_html(value: str) -> str:
    """Keep only ALLOWED_TAGS; text without any of them is plain text, made paragraphs."""
    if not value:
        return ""
    if not _ALLOWED_TAG.search(value):
        value = linebreaks(escape(value))
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(value: str) -> str:
    """The text of a rich-text value, for search and e-mails."""
    return nh3.clean(value or "", tags=set()).strip()


class RichTextField(models.TextField):
    """A TextField whose value is cleaned by sanitize_html before every save."""

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
