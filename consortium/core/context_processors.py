from django.conf import settings

from . import navigation
from .permissions import is_coordinator, is_observer


def site(request):
    """What every page's layout needs: navigation by role and site-wide facts."""
    user = request.user
    return {
        "nav_items": navigation.items_for(user, request.path),
        "area_links": navigation.area_links_for(user),
        "user_is_coordinator": is_coordinator(user),
        "user_is_observer": is_observer(user),
        "contact_email": settings.CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
    }
