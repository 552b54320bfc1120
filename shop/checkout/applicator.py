"""Overrides oscar.apps.checkout.applicator: the COD fee applies when paying cash."""

from oscar.apps.checkout import applicator

from shop.checkout.surcharges import CashOnDeliveryFee
from shop.checkout.utils import CheckoutSessionData


class SurchargeApplicator(applicator.SurchargeApplicator):
    def get_surcharges(self, basket, **kwargs):
        context = self.context or {}
        method = context.get("payment_method")
        if method is None and self.request is not None:
            method = CheckoutSessionData(self.request).payment_method()
        if (
            method == "cash_on_delivery"
            and CashOnDeliveryFee().calculate(basket).incl_tax
        ):
            return (CashOnDeliveryFee(),)
        return ()
