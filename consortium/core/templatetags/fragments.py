from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name):
    """The Jinja2 fragment `template_name`, drawn with the page's context.

    Jinja2 escapes what it prints (autoescape), so its output is safe (consortium.core.jinja).
    """
    fragment = engines["jinja2"].get_template(template_name)
    return mark_safe(fragment.render(context.flatten(), request=context.get("request")))  # noqa: S308
