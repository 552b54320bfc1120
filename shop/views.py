from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shop import health


@never_cache
@require_GET
def healthz(request):
    """Report database and search-engine status as JSON; 503 if the database is down."""
    report = health.health_report()
    status = 200 if report["database"]["status"] == "ok" else 503
    return JsonResponse(report, status=status)
