"""`/<lang>/store/`: staff land on their store's counter, or pick one."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from shop.instore.access import counter_stores_get


@login_required
def counter_landing(request):
    stores = counter_stores_get(user=request.user)
    if not stores:
        raise PermissionDenied
    if len(stores) == 1:
        return redirect("instore:counter", store=stores[0].code)
    return render(request, "instore/landing.html", {"counter_stores": stores})
