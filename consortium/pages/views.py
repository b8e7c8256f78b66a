"""Public site pages: what the network is, and the pages the law requires."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView


@method_decorator(login_not_required, name="dispatch")
class PublicPage(TemplateView):
    pass


home = PublicPage.as_view(template_name="pages/home.html")
accessibility = PublicPage.as_view(template_name="pages/accessibility.html")
legal_notice = PublicPage.as_view(template_name="pages/legal_notice.html")
privacy = PublicPage.as_view(template_name="pages/privacy.html")
