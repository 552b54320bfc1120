"""Overrides oscar.apps.checkout.views: delivery rules, payment choice, card flow.

Views stay thin: availability comes from selectors, orders are placed by
shop.checkout.services (shared with the Stripe webhook).
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic
from oscar.apps.checkout import views
from oscar.apps.checkout.exceptions import FailedPreCondition

from shop.address.countries import AddressForDisplay
from shop.checkout import services
from shop.checkout.forms import CollectContactForm, PaymentMethodForm
from shop.checkout.selectors import (
    collect_stores_get,
    order_payment_details_get,
    payment_option_default,
    payment_options_get,
)
from shop.checkout.utils import CheckoutSessionData
from shop.customer.forms import CheckoutGatewayForm
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.types import PaymentDeclined, PaymentError, PaymentStatus
from shop.sales.services import basket_lines_prefetch, order_payment_prepare
from shop.shipping.selectors import (
    DOMESTIC_COUNTRY,
    line_is_chilled,
    shipping_options_get,
)
from shop.shipping.services import chilled_lines_remove

logger = logging.getLogger(__name__)

Method = CheckoutPayment.Method


class IndexView(views.IndexView):
    """The gateway, which no longer tells whether an email has an account;
    signing in here is counted by the sign-in lockout like anywhere else."""

    form_class = CheckoutGatewayForm

    def get_form_kwargs(self):
        # Oscar gave its sign-in form no request: axes refuses such sign-ins.
        return {**super().get_form_kwargs(), "request": self.request}


class ShippingAddressView(views.ShippingAddressView):
    """Ship to an address of the shopper's own book, or explain why not."""

    @cached_property
    def collect_stores(self):
        return collect_stores_get(basket=self.request.basket)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["collect_stores"] = self.collect_stores
        ctx.setdefault("collect_form", CollectContactForm(stores=self.collect_stores))
        return ctx

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "collect":
            return self.collect(request)
        if not (request.user.is_authenticated and request.POST.get("action")):
            return super().post(request, *args, **kwargs)
        if "address_id" not in request.POST:
            # No address picked: the form below tells what is missing.
            return generic.FormView.post(self, request, *args, **kwargs)
        address_id = request.POST["address_id"]
        address = (
            self.get_available_addresses().filter(pk=address_id).first()
            if address_id.isascii() and address_id.isdigit()
            else None
        )
        if address is None or request.POST["action"] != "ship_to":
            messages.error(request, _("This address is not in your address book."))
            return redirect("checkout:shipping-address")
        self.checkout_session.ship_to_user_address(address)
        return redirect(self.get_success_url())

    def collect(self, request):
        """Click & collect: the store's address is the delivery address, so
        the shopper types only who collects, then goes on to pay."""
        form = CollectContactForm(request.POST, stores=self.collect_stores)
        if not form.is_valid():
            ctx = self.get_context_data(collect_form=form)
            return self.render_to_response(ctx, status=400)
        store = form.cleaned_data["store"]
        self.checkout_session.ship_to_new_address(
            {
                "first_name": form.cleaned_data["first_name"],
                "last_name": form.cleaned_data["last_name"],
                "line1": store.street_address or store.name,
                "line4": store.city,
                "country_id": DOMESTIC_COUNTRY,
                "phone_number": form.cleaned_data["phone_number"],
            }
        )
        self.checkout_session.use_shipping_method(f"click-collect-{store.pk}")
        return redirect("checkout:payment-method")


UserAddressUpdateView = views.UserAddressUpdateView
UserAddressDeleteView = views.UserAddressDeleteView


def stripe_js_context() -> dict:
    """Stripe.js comes from localstripe when the API base points at it."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    return {
        "stripe_js_url": f"{base}/js.stripe.com/v3/"
        if base
        else "https://js.stripe.com/v3/",
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }


class AddressForDisplayMixin:
    """The checkout summary names the delivery country in the shopper's language."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if ctx.get("shipping_address"):
            ctx["shipping_address"] = AddressForDisplay(ctx["shipping_address"])
        return ctx


class ShippingMethodView(AddressForDisplayMixin, views.ShippingMethodView):
    """Show the methods not offered too, with the reason, instead of hiding them."""

    def get(self, request, *args, **kwargs):
        if not self.checkout_session.is_shipping_address_set():
            return super().get(request, *args, **kwargs)
        options = self.shipping_options
        if all(option.available for option in options):
            return super().get(request, *args, **kwargs)
        self._methods = [option.method for option in options if option.available]
        if not self._methods:
            messages.warning(
                request,
                _("No delivery method can carry this basket to your address."),
            )
        return generic.FormView.get(self, request, *args, **kwargs)

    @cached_property
    def shipping_options(self):
        basket = self.request.basket
        return shipping_options_get(
            basket=basket, address=self.get_shipping_address(basket)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unavailable_options"] = [
            option for option in self.shipping_options if not option.available
        ]
        # A chilled basket no method can carry: offer the ways forward.
        if not any(option.available for option in self.shipping_options):
            ctx["chilled_titles"] = [
                line.product.get_title()
                for line in self.request.basket.all_lines()
                if line_is_chilled(line)
            ]
        return ctx


class ChilledRemoveView(generic.View):
    """Take the chilled products out of the basket, then choose a delivery again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        titles = chilled_lines_remove(basket=request.basket)
        if titles:
            messages.info(
                request,
                ngettext(
                    "%(products)s was taken out of your basket.",
                    "%(products)s were taken out of your basket.",
                    len(titles),
                )
                % {"products": ", ".join(titles)},
            )
        if request.basket.is_empty:
            return redirect("basket:summary")
        return redirect("checkout:shipping-method")


class CheckoutPaymentMixin(AddressForDisplayMixin):
    """Payment availability for the current checkout session."""

    def payment_options(self):
        basket = self.request.basket
        address = self.get_shipping_address(basket)
        method = self.get_shipping_method(basket, address)
        if method is None:
            # The chosen method stopped carrying this basket (the store's last
            # unit went to someone else): the preview says so, with no choice.
            return []
        charge = method.calculate(basket)
        total = basket.total_incl_tax + charge.incl_tax
        return payment_options_get(
            context=self.request.sales_context,
            shipping_method=method,
            country_code=getattr(address, "country_id", "") or "",
            total=total,
            currency_code=basket.currency,
        )

    def chosen_payment_option(self):
        chosen = self.checkout_session.payment_method()
        return next(
            (o for o in self.payment_options() if o.code == chosen and o.available),
            None,
        )


class PaymentMethodView(CheckoutPaymentMixin, views.PaymentMethodView):
    """Let the shopper choose card, cash on delivery or pay at pickup."""

    template_name = "oscar/checkout/payment_method.html"
    skip_conditions = []

    def get(self, request, *args, **kwargs):
        options = self.payment_options()
        chosen = payment_option_default(
            options=options, chosen=self.checkout_session.payment_method() or ""
        )
        form = PaymentMethodForm(options=options, initial={"method": chosen})
        return self.render_choice(form, options)

    def post(self, request, *args, **kwargs):
        options = self.payment_options()
        form = PaymentMethodForm(request.POST, options=options)
        if not form.is_valid():
            return self.render_choice(form, options, status=400)
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return redirect("checkout:preview")

    def render_choice(self, form, options, status=200):
        ctx = self.get_context_data(form=form, options=options)
        return self.render_to_response(ctx, status=status)


class PaymentDetailsView(CheckoutPaymentMixin, views.PaymentDetailsView):
    """Preview and place the order; cards go through a held PaymentIntent."""

    def get(self, request, *args, **kwargs):
        if not self.preview:
            return redirect("checkout:payment-method")
        return super().get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            basket_lines_prefetch(basket=request.basket)
        return super().dispatch(request, *args, **kwargs)

    def check_payment_data_is_captured(self, request):
        if self.chosen_payment_option() is None:
            raise FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose how you want to pay."),
            )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["payment_option"] = self.chosen_payment_option()
        ctx.update(stripe_js_context())
        return ctx

    def handle_place_order_submission(self, request):
        basket = request.basket
        order_number = services.order_number_reserve(basket=basket)
        placed = CheckoutPayment.objects.filter(
            order_number=order_number, order__isnull=False
        ).first()
        if placed is not None:
            # A second click on "Place order": show the order already placed.
            return order_placed_response(self, placed.order)
        option = self.chosen_payment_option()
        submission = self.build_submission()
        intent = services.checkout_intent_build(
            user=request.user,
            shipping_address=submission["shipping_address"],
            shipping_method=submission["shipping_method"],
            payment_method=option.code,
            guest_email=submission["order_kwargs"].get("guest_email", ""),
        )
        token = request.POST.get("card_token", "").strip()
        if option.code == Method.CARD and not token:
            return self.render_preview(
                request, error=_("Please enter your card details.")
            )
        self.checkout_session.set_order_number(order_number)
        prepare = partial(
            order_payment_prepare,
            order_number=order_number,
            intent=intent,
            basket=basket,
            amount=submission["order_total"].incl_tax,
        )
        if option.code == Method.CARD:
            return self.pay_by_card(prepare(), token)
        try:
            # No money moves before the order, so nothing needs the payment
            # record to outlive a refusal: record and order commit together.
            with transaction.atomic():
                order = services.offline_checkout_place(
                    payment=prepare(), basket=basket
                )
        except services.CheckoutRefused as refusal:
            return self.render_preview(request, error=str(refusal))
        return order_placed_response(self, order)

    def pay_by_card(self, payment, token):
        try:
            result = services.card_checkout_authorize(payment=payment, token=token)
        except PaymentDeclined as declined:
            return self.render_preview(
                self.request, error=services.card_refusal(str(declined))
            )
        except PaymentError:
            logger.exception("Card authorisation failed for %s", payment.order_number)
            return self.render_preview(
                self.request,
                error=_(
                    "The card payment service did not answer; nothing was charged. "
                    "Please try again."
                ),
            )
        if result.status == PaymentStatus.REQUIRES_ACTION:
            return redirect("checkout:card-authenticate")
        return complete_card_checkout(self, payment)


def order_placed_response(view, order):
    """Forget the checkout and show the thank-you page for the order."""
    view.checkout_session.flush()
    view.request.session["checkout_order_id"] = order.id
    return redirect("checkout:thank-you")


def complete_card_checkout(view, payment):
    """Finish a card checkout from the browser and answer with the next page."""
    try:
        order = services.card_checkout_complete(
            payment=payment, basket=view.request.basket
        )
    except services.CheckoutRefused as refusal:
        messages.error(view.request, str(refusal))
        return redirect("checkout:preview")
    except PaymentError:
        # The intent may hold the money: Stripe's webhook places the order
        # once Stripe answers again, and a new attempt releases the hold first.
        logger.exception("Card checkout %s not confirmed", payment.order_number)
        messages.error(
            view.request,
            _(
                "The card payment service did not answer, so we could not confirm "
                "your card payment. If your bank accepted it, your order will be "
                "placed and confirmed by email; otherwise nothing was charged. "
                "Please try again in a moment."
            ),
        )
        return redirect("checkout:preview")
    return order_placed_response(view, order)


class CardPaymentMixin:
    """The session's pending card payment, or a clear message when there is none."""

    def session_card_payment(self):
        number = self.checkout_session.get_order_number()
        return (
            CheckoutPayment.objects.filter(
                order_number=number, method=Method.CARD
            ).first()
            if number
            else None
        )

    def dispatch(self, request, *args, **kwargs):
        self.checkout_session = CheckoutSessionData(request)
        payment = self.session_card_payment()
        if payment is None or not payment.reference:
            messages.error(
                request,
                _(
                    "Your checkout session has expired. If your card payment was "
                    "confirmed, your order will still be placed and confirmed by "
                    "email; otherwise nothing was charged."
                ),
            )
            return redirect("basket:summary")
        self.payment = payment
        return super().dispatch(request, *args, **kwargs)


class CardAuthenticateView(CardPaymentMixin, generic.TemplateView):
    """Let Stripe.js run 3-D Secure for the held intent, then post back."""

    template_name = "oscar/checkout/card_authenticate.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            intent = gateway_for(Method.CARD).retrieve(self.payment.reference)
        except PaymentError:
            intent = None
        ctx["client_secret"] = intent.client_secret if intent else ""
        ctx["payment"] = self.payment
        ctx.update(stripe_js_context())
        return ctx


class CardCompleteView(CardPaymentMixin, generic.View):
    """The browser is back from Stripe.js: check the intent and place the order."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reference = request.POST.get("payment_intent", "")
        if reference != self.payment.reference:
            messages.error(
                request,
                _("This payment does not belong to your checkout; nothing was placed."),
            )
            return redirect("checkout:preview")
        return complete_card_checkout(self, self.payment)


class ThankYouView(views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        ctx.update(order_payment_details_get(order=self.object))
        return ctx
