"""Wholesale payments: a bank transfer, before delivery or within agreed terms.
Staff record it when it shows on the office's account."""

from shop.payments.gateways.base import OfflineGateway


class BankTransferGateway(OfflineGateway):
    code = "bank_transfer"


class TermsGateway(OfflineGateway):
    code = "terms"
