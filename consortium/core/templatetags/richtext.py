from django import template
from django.utils.safestring import mark_safe

from consortium.core.richtext import sanitize_html

register = template.Library()


@register.filter(is_safe=True)
def richtext(value):
    """Render stored rich text: cleaned again, so nothing unsafe reaches the page."""
    return mark_safe(sanitize_html(str(value or "")))  # noqa: S308 - cleaned by nh3 just above
