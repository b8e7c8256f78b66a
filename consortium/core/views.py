from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import health


@login_not_required
@never_cache
def healthz(request):
    """Database and broker status for load balancers and monitoring; 503 when one is down."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
