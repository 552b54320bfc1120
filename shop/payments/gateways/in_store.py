"""Payments taken at a pilot store's counter: cash, the store's card terminal,
or both. Money changes hands there; we record what the staff member entered."""

from shop.payments.gateways.base import OfflineGateway


class CashGateway(OfflineGateway):
    code = "cash"


class CardTerminalGateway(OfflineGateway):
    code = "card_terminal"


class SplitGateway(OfflineGateway):
    code = "split"
