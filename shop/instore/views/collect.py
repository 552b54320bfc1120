"""The store's orders, its click & collect queue and its shelf stock."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from oscar.templatetags.currency_filters import currency

from shop.checkout.statuses import status_label
from shop.instore import store_selectors as selectors
from shop.instore.services.collect import (
    CollectRefused,
    PickupPayment,
    StockRefused,
    collect_handover,
    collect_ready,
    shelf_stock_receive,
)
from shop.instore.views.base import CounterMixin, Section
from shop.payments.models import CheckoutPayment
from shop.redirects import safe_next_url
from shop.sales.context import Channel

ORDERS_PER_PAGE = 25
SHELF_PER_PAGE = 50


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Order number, email or phone"),
        required=False,
        max_length=100,
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    placed_from = forms.DateField(
        label=gettext_lazy("Placed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    placed_until = forms.DateField(
        label=gettext_lazy("until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            ("", _("All channels")),
            *Channel.choices,
        ]
        self.fields["status"].choices = [
            ("", _("All statuses")),
            *((code, status_label(code)) for code in selectors.STATUSES),
        ]

    def filters(self) -> selectors.OrderFilters:
        """The filters of the valid fields (an invalid one is shown, not applied)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.OrderFilters(
            channel=data.get("channel") or "",
            status=data.get("status") or "",
            placed_from=data.get("placed_from"),
            placed_until=data.get("placed_until"),
            query=data.get("q") or "",
        )


class HandoverForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Paid"),
        required=False,
        choices=[
            (CheckoutPayment.Method.CASH, gettext_lazy("Cash")),
            (CheckoutPayment.Method.CARD_TERMINAL, gettext_lazy("Card terminal")),
        ],
    )
    reference = forms.CharField(
        label=gettext_lazy("Slip number"), required=False, max_length=64
    )

    def payment(self) -> PickupPayment | None:
        if not self.is_valid() or not self.cleaned_data["method"]:
            return None
        return PickupPayment(
            method=self.cleaned_data["method"],
            reference=self.cleaned_data["reference"],
        )


class ReceiveForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("SKU or barcode"),
        max_length=128,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("Units received"), min_value=1, max_value=10_000
    )
    note = forms.CharField(
        label=gettext_lazy("Note (delivery note, transfer…)"), max_length=200
    )


class StoreOrderListView(CounterMixin, TemplateView):
    template_name = "instore/orders.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = OrderFilterForm(self.request.GET or None)
        orders = selectors.store_orders_get(store=self.store, filters=form.filters())
        page = Paginator(orders, ORDERS_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            form=form,
            page=page,
            rows=selectors.store_order_rows(orders=page.object_list),
        )
        return ctx


def _store_order(store, number: str):
    order = selectors.store_order_get(store=store, number=number)
    if order is None:
        raise Http404
    return order


class StoreOrderDetailView(CounterMixin, TemplateView):
    template_name = "instore/order_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = _store_order(self.store, kwargs["number"])
        ctx.update(
            order=order,
            detail=selectors.store_order_detail_get(order=order),
            handover_form=HandoverForm(),
        )
        return ctx


class CollectQueueView(CounterMixin, TemplateView):
    template_name = "instore/collect.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            queue=selectors.collect_queue_get(store=self.store),
            handover_form=HandoverForm(),
        )
        return ctx


class CollectActionView(CounterMixin, View):
    """POST: mark an order ready, or hand it over; back to where staff were."""

    action = ""

    def post(self, request, store, number):
        order = _store_order(self.store, number)
        try:
            if self.action == "ready":
                message = self.ready(order)
            else:
                message = self.handover(order)
        except CollectRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, message)
        return redirect(self.back())

    def ready(self, order) -> str:
        emailed = collect_ready(order=order, store=self.store, by=self.request.user)
        if emailed:
            return _("Order %(number)s is ready; %(email)s was emailed.") % {
                "number": order.number,
                "email": order.email,
            }
        return _(
            "Order %(number)s is ready. It has no email address: call the customer."
        ) % {"number": order.number}

    def handover(self, order) -> str:
        form = HandoverForm(self.request.POST)
        done = collect_handover(
            order=order, store=self.store, payment=form.payment(), by=self.request.user
        )
        if done.cash_taken is not None:
            return _("Order %(number)s handed over; %(amount)s taken in cash.") % {
                "number": order.number,
                "amount": currency(done.cash_taken, order.currency),
            }
        if done.card_reference:
            return _("Order %(number)s handed over; paid by card (slip %(slip)s).") % {
                "number": order.number,
                "slip": done.card_reference,
            }
        return _("Order %(number)s handed over.") % {"number": order.number}

    def back(self) -> str:
        return safe_next_url(
            self.request,
            self.request.POST.get("next"),
            reverse("instore:collect-queue", kwargs={"store": self.store.code}),
        )


class StockView(CounterMixin, TemplateView):
    """The store's shelf; POST receives goods onto one of its records."""

    template_name = "instore/stock.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:100]
        low_only = self.request.GET.get("low") == "1"
        records = selectors.store_shelf_get(
            store=self.store, query=query, low_only=low_only
        )
        page = Paginator(records, SHELF_PER_PAGE).get_page(self.request.GET.get("page"))
        receive = self.request.GET.get("receive", "")[:128]
        ctx.update(
            query=query,
            low_only=low_only,
            page=page,
            rows=selectors.store_shelf_rows(records=page.object_list),
            receive_form=kwargs.get("receive_form")
            or ReceiveForm(initial={"code": receive}),
            receive_focus=bool(receive) or "receive_form" in kwargs,
        )
        return ctx

    def post(self, request, store):
        form = ReceiveForm(request.POST)
        if form.is_valid():
            record = selectors.shelf_record_find(
                store=self.store, code=form.cleaned_data["code"]
            )
            if record is None:
                form.add_error(
                    "code", _("No product with this SKU or barcode on this shelf.")
                )
            else:
                try:
                    record = shelf_stock_receive(
                        store=self.store,
                        stockrecord=record,
                        quantity=form.cleaned_data["quantity"],
                        note=form.cleaned_data["note"],
                        by=request.user,
                    )
                except StockRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    messages.success(
                        request,
                        _("%(quantity)d × %(title)s received: %(stock)d in stock.")
                        % {
                            "quantity": form.cleaned_data["quantity"],
                            "title": record.product.get_title(),
                            "stock": record.num_in_stock,
                        },
                    )
                    return redirect("instore:stock", store=self.store.code)
        return self.render_to_response(
            self.get_context_data(store=store, receive_form=form), status=400
        )


urlpatterns = [
    path("orders/", StoreOrderListView.as_view(), name="orders"),
    path("orders/<str:number>/", StoreOrderDetailView.as_view(), name="order"),
    path("collect/", CollectQueueView.as_view(), name="collect-queue"),
    path(
        "collect/<str:number>/ready/",
        CollectActionView.as_view(action="ready"),
        name="collect-ready",
    ),
    path(
        "collect/<str:number>/handover/",
        CollectActionView.as_view(action="handover"),
        name="collect-handover",
    ),
    path("stock/", StockView.as_view(), name="stock"),
]

sections = [
    Section("instore:orders", gettext_lazy("Orders")),
    Section("instore:collect-queue", gettext_lazy("Click & collect")),
    Section("instore:stock", gettext_lazy("Stock")),
]
