"""Public site pages: what the network is, and the pages the law requires."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from consortium.core.pagecache import public_page
from consortium.core.retention import retention_rows


@method_decorator(login_not_required, name="dispatch")
@method_decorator(public_page, name="dispatch")
class PublicPage(TemplateView):
    pass


home = PublicPage.as_view(template_name="pages/home.html")
accessibility = PublicPage.as_view(template_name="pages/accessibility.html")
legal_notice = PublicPage.as_view(template_name="pages/legal_notice.html")


class PrivacyPage(PublicPage):
    """The retention table comes from consortium.core.retention: the periods the daily
    services apply, never a copy of them."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention=retention_rows(), **kwargs)


privacy = PrivacyPage.as_view()
