from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
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


def nul_in_path(request):
    """A NUL byte in the path is a bad request (400), never a lookup.

    PostgreSQL refuses NUL in text: every page taking a word in its path
    (order numbers, wish-list keys, tokens) and the flat-page and redirect
    fallbacks of any 404 would look it up and fail (a 500). A 400 also
    passes those fallbacks by: they only act on 404s.
    """
    raise BadRequest("NUL byte in the path")
