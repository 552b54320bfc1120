from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shop import health
from shop.instore.access import counter_stores_get
from shop.wholesale.access import membership_get


@never_cache
@require_GET
def healthz(request):
    """Report database and search-engine status as JSON; 503 if the database is down.

    Details only to staff and to probes on this machine; others read the status.
    """
    report = health.health_report()
    status = 200 if report["database"]["status"] == "ok" else 503
    if not health.may_see_details(request):
        # Versions and vendors help an attacker pick an exploit.
        report = {"status": report["status"]}
    return JsonResponse(report, status=status)


@login_required
@require_GET
def after_login(request):
    """Where a sign-in without a `next` page lands, in the visitor's language:
    store staff at their counter, office staff on the dashboard, wholesale
    buyers in their company's area, customers on the shop's home page."""
    if request.user.is_staff:
        return redirect("dashboard:index")
    if counter_stores_get(user=request.user):
        return redirect("instore:landing")
    if membership_get(user=request.user):
        return redirect("wholesale:dashboard")
    return redirect(settings.OSCAR_HOMEPAGE)
