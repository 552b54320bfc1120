"""Overrides oscar.apps.address.apps: the address book's form starts in Morocco."""

import oscar.apps.address.apps as apps


class AddressConfig(apps.AddressConfig):
    name = "shop.address"
