"""Wholesale orders in the dashboard: the office records a bank transfer."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from oscar.core.loading import get_model

from shop.checkout.statuses import status_label
from shop.dashboard.wholesale.base import OfficeMixin
from shop.redirects import safe_next_url
from shop.wholesale.services.orders import OrderRefused, wholesale_order_paid

Order = get_model("order", "Order")


class OrderPaidView(OfficeMixin, View):
    """Mark a wholesale order paid when its transfer shows on the account.

    Posted from the order's page or the wholesale request's page (`next`
    brings the office back there).
    """

    # The same right as the dashboard's other payment actions on an order.
    permission = "order.change_order"
    http_method_names = ["post"]

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        try:
            order = wholesale_order_paid(
                order=order,
                by=request.user,
                reference=request.POST.get("reference", ""),
            )
        except OrderRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Transfer recorded: order %(number)s is paid (%(status)s).")
                % {"number": order.number, "status": status_label(order.status)},
            )
        return redirect(
            safe_next_url(
                request,
                request.POST.get("next"),
                reverse("dashboard:order-detail", kwargs={"number": order.number}),
            )
        )


urlpatterns = [
    path(
        "orders/<str:number>/paid/",
        OrderPaidView.as_view(),
        name="wholesale-order-paid",
    ),
]
