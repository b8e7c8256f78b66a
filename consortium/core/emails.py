"""E-mails rendered from templates, in the recipient's language.

Templates live in `templates/emails/<name>_subject.txt`, `<name>_body.txt` and
`<name>_body.html`, where <name> says recipient and event (e.g.
`partner_registration_confirmed`). The outbox (events app) sends through here.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


def _render_text(template_name: str, context: dict) -> str:
    # Plain text is not HTML: "L'atelier" must not become "L&#x27;atelier".
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_email(*, name: str, context: dict, language: str) -> RenderedEmail:
    """Render the three templates of e-mail `name` in `language`."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = _render_text(f"emails/{name}_subject.txt", context)
        text = _render_text(f"emails/{name}_body.txt", context)
        try:
            html = render_to_string(f"emails/{name}_body.html", context)
        except TemplateDoesNotExist:
            html = None
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def build_message(
    *, rendered: RenderedEmail, to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """A ready-to-send message with a text part and, when there is one, an HTML part."""
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    return message
