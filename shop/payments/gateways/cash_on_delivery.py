"""Cash on delivery: the courier collects the money; staff mark the order paid."""

from shop.payments.gateways.base import OfflineGateway


class CashOnDeliveryGateway(OfflineGateway):
    code = "cash_on_delivery"
