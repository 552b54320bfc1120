"""Payment gateways, one module per provider, chosen by payment method code."""

from django.utils.module_loading import import_string

from shop.payments.types import PaymentGateway

GATEWAYS = {
    "card": "shop.payments.gateways.stripe.StripeGateway",
    "cash_on_delivery": "shop.payments.gateways.cash_on_delivery.CashOnDeliveryGateway",
    "pay_at_pickup": "shop.payments.gateways.pay_at_pickup.PayAtPickupGateway",
    "cash": "shop.payments.gateways.in_store.CashGateway",
    "card_terminal": "shop.payments.gateways.in_store.CardTerminalGateway",
    "split": "shop.payments.gateways.in_store.SplitGateway",
    "bank_transfer": "shop.payments.gateways.bank_transfer.BankTransferGateway",
    "terms": "shop.payments.gateways.bank_transfer.TermsGateway",
}


def gateway_for(method: str) -> PaymentGateway:
    """Return the gateway that handles a payment method code."""
    return import_string(GATEWAYS[method])()
