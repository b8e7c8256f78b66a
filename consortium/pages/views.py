"""Public site pages: what the network is, and the pages the law requires."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from consortium.core.pagecache import public_page


@method_decorator(login_not_required, name="dispatch")
@method_decorator(public_page, name="dispatch")
class PublicPage(TemplateView):
    pass


home = PublicPage.as_view(template_name="pages/home.html")
accessibility = PublicPage.as_view(template_name="pages/accessibility.html")
legal_notice = PublicPage.as_view(template_name="pages/legal_notice.html")
privacy = PublicPage.as_view(template_name="pages/privacy.html")
