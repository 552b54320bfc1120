"""Pay at pickup: the shopper pays at the pilot store when collecting the order."""

from shop.payments.gateways.base import OfflineGateway


class PayAtPickupGateway(OfflineGateway):
    code = "pay_at_pickup"
