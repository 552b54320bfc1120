"""Returns at the counter: lines of an earlier order back on the shelf, money back."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from oscar.templatetags.currency_filters import currency

from shop.instore.access import PROCESS_RETURN
from shop.instore.models import CounterReturn
from shop.instore.returns_selectors import (
    counter_return_get,
    counter_returns_recent,
    order_for_return_find,
    order_returnable_get,
    return_receipt_context_get,
)
from shop.instore.services.returns import (
    ReturnOutdated,
    ReturnRefused,
    return_place,
    return_preview,
)
from shop.instore.views.base import CounterMixin, Section

RefundMethod = CounterReturn.RefundMethod


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Order or receipt number"),
        max_length=128,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )


class ReturnForm(forms.Form):
    """Units per line still returnable, how the money goes back, and why."""

    refund_method = forms.ChoiceField(
        label=gettext_lazy("Refund"),
        choices=RefundMethod.choices,
        initial=RefundMethod.CASH,
        widget=forms.RadioSelect,
    )
    card_reference = forms.CharField(
        label=gettext_lazy("Card terminal reference"),
        max_length=CounterReturn._meta.get_field("card_reference").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=CounterReturn._meta.get_field("reason").max_length,
        required=False,
    )
    # How many returns of the order the page showed (see return_place).
    returns_seen = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            code: gettext_lazy(
                "This page is out of date: check what is left to return."
            )
            for code in ("required", "invalid", "min_value")
        },
    )

    def __init__(self, *args, returnable, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in returnable.lines:
            if not item.left:
                self.rows.append((item, None))
                continue
            name = f"line-{item.line.pk}"
            self.fields[name] = forms.IntegerField(
                label=item.line.title,
                min_value=0,
                required=False,
                error_messages={
                    "invalid": _("Enter a whole number of units."),
                    "min_value": _("A quantity cannot be negative."),
                },
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": item.left,
                        "step": 1,
                        "inputmode": "numeric",
                        # Empty rather than 0, so the first digit typed is the quantity.
                        "placeholder": "0",
                        "class": "returns-qty",
                    }
                ),
            )
            self.rows.append((item, name))
        first = next((name for _item, name in self.rows if name), None)
        if first:
            self.fields[first].widget.attrs["autofocus"] = True

    @property
    def line_rows(self):
        """Each line with its quantity field (none once returned in full)."""
        return [(item, self[name] if name else None) for item, name in self.rows]

    def lines(self) -> list[tuple[object, int]]:
        return [
            (item.line, self.cleaned_data.get(name) or 0)
            for item, name in self.rows
            if name
        ]


def return_all_data(*, data, returnable):
    """The posted form with every line's quantity set to what is left of it."""
    data = data.copy()
    for item in returnable.lines:
        if item.left:
            data[f"line-{item.line.pk}"] = str(item.left)
    return data


class ReturnFindView(CounterMixin, TemplateView):
    """Find the order to return from by its number (a scanner types it and Enter)."""

    permission = PROCESS_RETURN
    template_name = "instore/returns.html"

    def get(self, request, *args, **kwargs):
        form = OrderLookupForm(request.GET if "number" in request.GET else None)
        if form.is_valid():
            order = order_for_return_find(number=form.cleaned_data["number"])
            if order is not None:
                return redirect(
                    "instore:return-order", store=self.store.code, number=order.number
                )
            form.add_error(
                "number",
                _("No order or counter receipt has the number “%(number)s”.")
                % {"number": form.cleaned_data["number"]},
            )
        return self.render_to_response(
            self.get_context_data(
                form=form, recent=counter_returns_recent(store=self.store)
            )
        )


class ReturnOrderView(CounterMixin, TemplateView):
    """Choose the lines and units coming back, the refund and the reason; confirm."""

    permission = PROCESS_RETURN
    template_name = "instore/return_order.html"

    def _returnable(self):
        order = order_for_return_find(number=self.kwargs["number"])
        return order_returnable_get(order=order) if order else None

    def _not_found(self):
        messages.error(
            self.request,
            _("No order has the number “%(number)s”.")
            % {"number": self.kwargs["number"]},
        )
        return redirect("instore:returns", store=self.store.code)

    def _choose(self, form, returnable, error=None):
        if error:
            form.add_error(None, error)
        return self.render_to_response(
            self.get_context_data(form=form, returnable=returnable)
        )

    def _outdated(self, returnable, message):
        # Start again from what is left now: the same quantities, posted once
        # more, could give the same goods back twice.
        fresh = order_returnable_get(order=returnable.order)
        form = ReturnForm(
            initial={"returns_seen": len(fresh.returns)}, returnable=fresh
        )
        messages.error(self.request, message)
        return self._choose(form, fresh)

    def get(self, request, *args, **kwargs):
        returnable = self._returnable()
        if returnable is None:
            return self._not_found()
        initial = {"returns_seen": len(returnable.returns)}
        return self._choose(
            ReturnForm(initial=initial, returnable=returnable), returnable
        )

    def post(self, request, *args, **kwargs):
        returnable = self._returnable()
        if returnable is None:
            return self._not_found()
        data = request.POST
        if "return_all" in data:
            data = return_all_data(data=data, returnable=returnable)
        form = ReturnForm(data, returnable=returnable)
        if not form.is_valid() or "edit" in data:
            if "returns_seen" in form.errors:
                return self._outdated(returnable, form.errors["returns_seen"][0])
            return self._choose(form, returnable)
        fields = {
            "store": self.store,
            "order": returnable.order,
            "lines": form.lines(),
            "refund_method": form.cleaned_data["refund_method"],
            "card_reference": form.cleaned_data["card_reference"],
            "reason": form.cleaned_data["reason"],
        }
        try:
            if "confirm" not in data:
                quote = return_preview(**fields)
                return TemplateResponse(
                    request,
                    "instore/return_confirm.html",
                    self.get_context_data(
                        form=form, returnable=returnable, quote=quote
                    ),
                )
            counter_return = return_place(
                **fields,
                by=request.user,
                returns_seen=form.cleaned_data["returns_seen"],
            )
        except ReturnOutdated as outdated:
            return self._outdated(returnable, str(outdated))
        except ReturnRefused as refused:
            return self._choose(form, returnable, error=str(refused))
        messages.success(request, return_done_message(counter_return=counter_return))
        return redirect(
            "instore:return-receipt", store=self.store.code, pk=counter_return.pk
        )


def return_done_message(*, counter_return: CounterReturn) -> str:
    amount = currency(counter_return.amount, counter_return.order.currency)
    if counter_return.refund_method == RefundMethod.CASH:
        return _("Return %(receipt)s recorded: give back %(amount)s in cash.") % {
            "receipt": counter_return.receipt_number,
            "amount": amount,
        }
    return _(
        "Return %(receipt)s recorded: %(amount)s refunded on the card terminal "
        "(reference %(reference)s)."
    ) % {
        "receipt": counter_return.receipt_number,
        "amount": amount,
        "reference": counter_return.card_reference,
    }


class ReturnReceiptView(CounterMixin, TemplateView):
    """The 80 mm return receipt, to print and hand over."""

    permission = PROCESS_RETURN
    template_name = "instore/return_receipt.html"

    def get_context_data(self, **kwargs):
        counter_return = counter_return_get(store=self.store, pk=self.kwargs["pk"])
        if counter_return is None:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            **return_receipt_context_get(counter_return=counter_return),
        }


urlpatterns = [
    path("returns/", ReturnFindView.as_view(), name="returns"),
    path(
        "returns/order/<str:number>/",
        ReturnOrderView.as_view(),
        name="return-order",
    ),
    path(
        "returns/<int:pk>/receipt/",
        ReturnReceiptView.as_view(),
        name="return-receipt",
    ),
]
sections = [Section("instore:returns", gettext_lazy("Returns"), PROCESS_RETURN)]
