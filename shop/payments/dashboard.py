"""Office staff payment actions on an order (dashboard order page buttons)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model
from oscar.views.decorators import permissions_required

from shop.audit.models import Source
from shop.audit.services import Actor
from shop.payments import services
from shop.payments.types import PaymentError

Order = get_model("order", "Order")

# Lazy: translated in the language of each request, not of the module's import.
ACTIONS = {
    "mark-paid": (services.order_mark_paid, gettext_lazy("Payment recorded.")),
    "cancel": (services.order_cancel, gettext_lazy("Order cancelled, stock released.")),
}


def _back(order):
    return redirect("dashboard:order-detail", number=order.number)


# Same rights as changing an order in Oscar's dashboard: office staff only.
@permissions_required(["is_staff", "order.change_order"])
@require_POST
def order_payment_action(request, number, action):
    if action not in {*ACTIONS, "refund"}:
        raise Http404
    order = get_object_or_404(Order, number=number)
    actor = Actor(request.user, Source.DASHBOARD)
    try:
        if action == "refund":
            try:
                amount = Decimal(request.POST.get("amount", "")).quantize(
                    Decimal("0.01")
                )
            except InvalidOperation:
                messages.error(request, _("Enter the amount to refund, e.g. 50.00."))
                return _back(order)
            services.order_refund(order=order, amount=amount, actor=actor)
            messages.success(
                request, _("Refund of %(amount)s sent.") % {"amount": amount}
            )
        else:
            function, done = ACTIONS[action]
            function(order=order, actor=actor)
            messages.success(request, done)
    except services.PaymentActionRefused as refusal:
        messages.error(request, str(refusal))
    except PaymentError as error:
        messages.error(
            request, _("Stripe refused the request: %(error)s") % {"error": error}
        )
    return _back(order)
