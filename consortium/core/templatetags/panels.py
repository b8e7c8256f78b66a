from django import template

from ..panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, obj):
    """The panels other apps registered for `slot` (consortium.core.panels)."""
    return render_panels(slot, context.get("request"), obj)
