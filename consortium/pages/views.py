"""Public site pages: what the network is, and the pages the law requires."""

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from consortium.core.pagecache import public_page
from consortium.core.retention import retention_rows

from . import accessibility as audit


@method_decorator(login_not_required, name="dispatch")
@method_decorator(public_page, name="dispatch")
class PublicPage(TemplateView):
    pass


home = PublicPage.as_view(template_name="pages/home.html")


class AccessibilityStatement(PublicPage):
    """The RGAA statement: what was tested comes from the list the tests check."""

    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audit_date=audit.AUDIT_DATE,
            axe_core_version=audit.AXE_CORE_VERSION,
            chromium_version=audit.CHROMIUM_VERSION,
            widths=audit.WIDTHS,
            audited_pages=audit.audited_pages(),
            audited_count=len(audit.AUDITED_ROUTES),
            journeys=audit.JOURNEYS,
            **kwargs,
        )


accessibility = AccessibilityStatement.as_view()
legal_notice = PublicPage.as_view(template_name="pages/legal_notice.html")


class PrivacyPage(PublicPage):
    """The retention table comes from consortium.core.retention: the periods the daily
    services apply, never a copy of them."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention=retention_rows(), **kwargs)


privacy = PrivacyPage.as_view()
