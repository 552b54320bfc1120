"""Overrides oscar.apps.offer.apps: the site offers are read from the cache."""

import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    name = "shop.offer"

    def ready(self):
        super().ready()
        from shop.offer import receivers

        receivers.connect()
