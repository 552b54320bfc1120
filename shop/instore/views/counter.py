"""The counter: one sale at a time, product lookup, lines, customer, payment.

Every action is a POST that redirects back to the sale (a reload never repeats
it); refused input renders the sale again with the form as typed and the reason.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from shop.basket.selectors import product_for_basket_get
from shop.db import is_row_id
from shop.instore import forms, selectors
from shop.instore.models import CounterSale
from shop.instore.receipts import receipt_context_get
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_current
from shop.instore.services.sales import CounterPayment, SaleRefused
from shop.instore.views.base import CounterMixin, Section

Status = CounterSale.Status


class CounterHomeView(CounterMixin, TemplateView):
    """Resume this staff member's sale in progress, or offer to start one."""

    template_name = "instore/counter.html"

    def get(self, request, *args, **kwargs):
        current = selectors.sale_current_get(store=self.store, user=request.user)
        if current is not None:
            return redirect("instore:sale", store=self.store.code, pk=current.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["add_form"] = forms.AddLineForm()
        ctx["parked"] = selectors.sales_parked_list(store=self.store)
        ctx["recent"] = selectors.sales_recent_list(store=self.store)
        ctx["drawer"] = drawer_session_current(store=self.store)
        return ctx


class SaleNewView(CounterMixin, View):
    """Start a sale; a code scanned on the start page becomes its first line."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sale = sales.sale_open(store=self.store, by=request.user)
        if request.POST.get("code") or request.POST.get("product"):
            return SaleLineAddView.as_view()(request, store=self.store.code, pk=sale.pk)
        return redirect("instore:sale", store=self.store.code, pk=sale.pk)


def _lookup_json(lookup) -> dict:
    return {
        "text": lookup.text,
        "exact": lookup.exact,
        "degraded": lookup.degraded,
        "hits": [
            {
                "id": hit.product_id,
                "title": hit.title,
                "upc": hit.upc,
                "sku": hit.sku,
                "price": str(hit.price) if hit.price is not None else None,
                "currency": hit.currency,
                "shelf": hit.shelf,
                "warehouses": hit.warehouses,
                "available": hit.available,
            }
            for hit in lookup.hits
        ],
    }


class LookupView(CounterMixin, View):
    """Products as staff type (JSON for the search box)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        lookup = selectors.counter_lookup(
            store=self.store, text=request.GET.get("q", "")
        )
        return JsonResponse(_lookup_json(lookup))


class SaleView(CounterMixin, TemplateView):
    """The sale screen: lines, customer, fulfilment, totals and payment."""

    template_name = "instore/sale.html"
    sale_joined = True

    def sale(self) -> CounterSale:
        if not hasattr(self, "_sale"):
            sale = selectors.sale_get(
                store=self.store, pk=self.kwargs["pk"], joined=self.sale_joined
            )
            if sale is None:
                raise Http404
            self._sale = sale
        return self._sale

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sale = self.sale()
        ctx["sale"] = sale
        if sale.status == Status.PLACED:
            ctx["receipt"] = receipt_context_get(sale=sale)
            return ctx
        priced = sales.sale_priced(sale=sale)
        ctx["priced"] = priced
        ctx["rows"] = selectors.sale_rows_get(priced=priced)
        ctx["discount_cap"] = sales.discount_cap_for(user=self.request.user)
        ctx["drawer"] = drawer_session_current(store=self.store)
        text = self.request.GET.get("q", "").strip()
        if text:
            ctx["lookup"] = selectors.counter_lookup(store=self.store, text=text)
        ctx.setdefault("add_form", forms.AddLineForm(initial={"code": text}))
        ctx.setdefault("customer_find_form", forms.CustomerFindForm())
        ctx.setdefault("customer_create_form", forms.CustomerCreateForm())
        ctx.setdefault(
            "language_form", forms.LanguageForm(initial={"language": sale.language})
        )
        ctx.setdefault(
            "fulfilment_form",
            forms.FulfilmentForm(
                initial={
                    "fulfilment": sale.fulfilment,
                    "pickup_date": sale.pickup_date,
                    **sale.delivery_address,
                }
            ),
        )
        ctx.setdefault("payment_form", forms.PaymentForm())
        ctx.setdefault("park_form", forms.ParkForm(initial={"label": sale.label}))
        ctx["payment_options"] = sales.payment_options_for(priced=priced)
        ctx["pay_on_delivery_fee"] = (
            sales.payment_total_for(priced=priced, method="cash_on_delivery")
            - priced.total
            if priced.delivery_method is not None
            else None
        )
        return ctx

    def back(self, anchor: str = ""):
        url = reverse(
            "instore:sale", kwargs={"store": self.store.code, "pk": self.sale().pk}
        )
        return redirect(f"{url}{anchor}")

    def refused(self, error: str, **forms_bound):
        """Show the sale again with the reason and what was typed."""
        messages.error(self.request, error)
        return self.render_to_response(self.get_context_data(**forms_bound), status=400)


class SaleActionView(SaleView):
    """A POST acting on the sale; `act` returns a response or raises SaleRefused."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""
    sale_joined = False

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            errors = "; ".join(
                str(message) for field in form.errors.values() for message in field
            )
            return self.refused(errors, **{self.form_name: form})
        try:
            return self.act(form)
        except SaleRefused as refusal:
            bound = {self.form_name: form} if form is not None else {}
            return self.refused(str(refusal), **bound)


class SaleLineAddView(SaleActionView):
    """Add the product of a scanned code, or the one picked from the lookup."""

    form_class = forms.AddLineForm
    form_name = "add_form"

    def act(self, form):
        quantity = form.cleaned_data["quantity"]
        product_id = form.cleaned_data.get("product")
        if product_id:
            product = product_for_basket_get(product_id)
        else:
            code = form.cleaned_data["code"].strip()
            lookup = selectors.counter_lookup(store=self.store, text=code, limit=2)
            product = (
                product_for_basket_get(lookup.hits[0].product_id)
                if lookup.exact and len(lookup.hits) == 1
                else None
            )
            if product is None:
                if lookup.looks_like_code and not lookup.hits:
                    raise SaleRefused(
                        _("No product has the barcode or SKU “%(code)s”.")
                        % {"code": code}
                    )
                # Words, not a code: show what the search finds to pick from.
                url = reverse(
                    "instore:sale",
                    kwargs={"store": self.store.code, "pk": self.sale().pk},
                )
                return redirect(f"{url}?{urlencode({'q': code})}")
        if product is None:
            raise SaleRefused(_("This product no longer exists."))
        sales.sale_line_add(
            sale=self.sale(), product=product, quantity=quantity, by=self.request.user
        )
        return self.back()


class SaleLineQuantityView(SaleActionView):
    form_class = forms.QuantityForm

    def act(self, form):
        sales.sale_line_quantity_set(
            sale=self.sale(),
            line_id=self.kwargs["line"],
            quantity=form.cleaned_data["quantity"],
            by=self.request.user,
        )
        return self.back()


class SaleLineDiscountView(SaleActionView):
    form_class = forms.DiscountForm

    def act(self, form):
        sales.sale_line_discount_set(
            sale=self.sale(),
            line_id=self.kwargs["line"],
            percent=form.cleaned_data["percent"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return self.back()


class SaleCustomerView(SaleActionView):
    """Find, create, choose or remove the sale's customer; set their language."""

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        try:
            if action == "find":
                return self.find()
            if action == "create":
                return self.create()
            if action == "select":
                return self.select()
            if action == "clear":
                sales.sale_customer_set(
                    sale=self.sale(), customer=None, by=request.user
                )
                return self.back("#customer")
            if action == "language":
                form = forms.LanguageForm(request.POST)
                if not form.is_valid():
                    return self.refused(_("Choose one of the shop's languages."))
                sales.sale_language_set(
                    sale=self.sale(),
                    language=form.cleaned_data["language"],
                    by=request.user,
                )
                return self.back("#customer")
        except SaleRefused as refusal:
            return self.refused(str(refusal))
        return self.refused(_("Choose what to do with the customer."))

    def find(self):
        form = forms.CustomerFindForm(self.request.POST)
        if not form.is_valid():
            return self.refused(
                _("Type a phone number or an email."), customer_find_form=form
            )
        matches = selectors.customers_find(query=form.cleaned_data["query"])
        if not matches:
            messages.info(
                self.request,
                _("No customer found for “%(query)s”: create their account below.")
                % {"query": form.cleaned_data["query"]},
            )
        ctx = self.get_context_data(customer_find_form=form, customer_matches=matches)
        return self.render_to_response(ctx)

    def create(self):
        form = forms.CustomerCreateForm(self.request.POST)
        if not form.is_valid():
            return self.refused(
                _("Check the customer's details."), customer_create_form=form
            )
        try:
            customer = sales.customer_create(
                **form.cleaned_data, language=self.sale().language
            )
        except SaleRefused as refusal:
            return self.refused(str(refusal), customer_create_form=form)
        sales.sale_customer_set(
            sale=self.sale(), customer=customer, by=self.request.user
        )
        return self.back("#customer")

    def select(self):
        customer = (
            get_user_model()
            .objects.filter(
                pk=self.request.POST.get("customer") or 0,
                is_active=True,
                is_staff=False,
            )
            .first()
            if is_row_id(get_user_model(), self.request.POST.get("customer") or "")
            else None
        )
        if customer is None:
            raise SaleRefused(_("This customer no longer exists; search again."))
        sales.sale_customer_set(
            sale=self.sale(), customer=customer, by=self.request.user
        )
        return self.back("#customer")


class SaleFulfilmentView(SaleActionView):
    form_class = forms.FulfilmentForm
    form_name = "fulfilment_form"

    def act(self, form):
        sales.sale_fulfilment_set(
            sale=self.sale(),
            fulfilment=form.cleaned_data["fulfilment"],
            pickup_date=form.cleaned_data.get("pickup_date"),
            address=form.address(),
            by=self.request.user,
        )
        return self.back("#payment")


class SalePayView(SaleActionView):
    """Take the payment and place the order; the page then shows the change."""

    form_class = forms.PaymentForm
    form_name = "payment_form"

    def act(self, form):
        data = form.cleaned_data
        sales.sale_place(
            sale=self.sale(),
            payment=CounterPayment(
                method=data["method"],
                cash_tendered=data.get("cash_tendered"),
                card_amount=data.get("card_amount"),
                card_reference=data.get("card_reference") or "",
            ),
            by=self.request.user,
        )
        return self.back()


class SaleParkView(SaleActionView):
    form_class = forms.ParkForm
    form_name = "park_form"

    def act(self, form):
        sale = sales.sale_park(
            sale=self.sale(), label=form.cleaned_data["label"], by=self.request.user
        )
        messages.success(
            self.request,
            _(
                "Sale parked: any of the store's staff can resume it from "
                "“Parked sales”."
            ),
        )
        return redirect("instore:counter", store=sale.store.code)


class SaleResumeView(SaleActionView):
    def act(self, form):
        sales.sale_resume(sale=self.sale(), by=self.request.user)
        return self.back()


class SaleAbandonView(SaleActionView):
    def act(self, form):
        sales.sale_abandon(sale=self.sale(), by=self.request.user)
        messages.info(self.request, _("Sale abandoned."))
        return redirect("instore:counter", store=self.store.code)


class ParkedSalesView(CounterMixin, TemplateView):
    template_name = "instore/parked.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["parked"] = selectors.sales_parked_list(store=self.store)
        return ctx


class ReceiptView(CounterMixin, TemplateView):
    """A completed sale's receipt, to print on the 80 mm printer (or reprint)."""

    template_name = "instore/receipt.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sale = get_object_or_404(
            CounterSale, store=self.store, pk=self.kwargs["pk"], status=Status.PLACED
        )
        ctx.update(receipt_context_get(sale=sale))
        return ctx


class ReceiptEmailView(SaleActionView):
    def act(self, form):
        sale = self.sale()
        if sale.status != Status.PLACED:
            raise SaleRefused(_("Take the payment first."))
        if not (sale.customer_id and sale.customer.email):
            raise SaleRefused(_("This customer has no email address."))
        sales.receipt_email_send(sale=sale)
        messages.success(
            self.request,
            _("Receipt emailed to %(email)s.") % {"email": sale.customer.email},
        )
        return self.back()


urlpatterns = [
    path("", CounterHomeView.as_view(), name="counter"),
    path("lookup/", LookupView.as_view(), name="lookup"),
    path("parked/", ParkedSalesView.as_view(), name="parked"),
    path("sales/new/", SaleNewView.as_view(), name="sale-new"),
    path("sales/<int:pk>/", SaleView.as_view(), name="sale"),
    path("sales/<int:pk>/add/", SaleLineAddView.as_view(), name="sale-add"),
    path(
        "sales/<int:pk>/lines/<int:line>/",
        SaleLineQuantityView.as_view(),
        name="sale-line",
    ),
    path(
        "sales/<int:pk>/lines/<int:line>/discount/",
        SaleLineDiscountView.as_view(),
        name="sale-line-discount",
    ),
    path("sales/<int:pk>/customer/", SaleCustomerView.as_view(), name="sale-customer"),
    path(
        "sales/<int:pk>/fulfilment/",
        SaleFulfilmentView.as_view(),
        name="sale-fulfilment",
    ),
    path("sales/<int:pk>/pay/", SalePayView.as_view(), name="sale-pay"),
    path("sales/<int:pk>/park/", SaleParkView.as_view(), name="sale-park"),
    path("sales/<int:pk>/resume/", SaleResumeView.as_view(), name="sale-resume"),
    path("sales/<int:pk>/abandon/", SaleAbandonView.as_view(), name="sale-abandon"),
    path("sales/<int:pk>/receipt/", ReceiptView.as_view(), name="sale-receipt"),
    path(
        "sales/<int:pk>/receipt/email/",
        ReceiptEmailView.as_view(),
        name="sale-receipt-email",
    ),
]

sections = [Section("instore:parked", gettext_lazy("Parked sales"))]
