"""Overrides oscar.apps.analytics.apps: product counters are written out of the request.

Oscar's receivers write two or three rows on every product view and basket
addition, inside the request; under load that serialises page views on the
database (and on SQLite can end in "database is locked"). Counts are added up in
the shared cache instead and written in one short transaction every few seconds,
after a response has been sent (shop/analytics/services.py).
"""

import atexit

from oscar.apps.analytics import apps


class AnalyticsConfig(apps.AnalyticsConfig):
    def ready(self):
        super().ready()
        from django.core.signals import request_finished
        from oscar.apps.analytics import receivers as oscar_receivers
        from oscar.apps.basket.signals import basket_addition
        from oscar.apps.catalogue.signals import product_viewed
        from oscar.apps.order.signals import order_placed

        from shop.analytics import receivers, services

        product_viewed.disconnect(oscar_receivers.receive_product_view)
        basket_addition.disconnect(oscar_receivers.receive_basket_addition)
        product_viewed.connect(receivers.buffer_product_view)
        basket_addition.connect(receivers.buffer_basket_addition)
        order_placed.disconnect(oscar_receivers.receive_order_placed)
        order_placed.connect(receivers.record_order)
        request_finished.connect(receivers.flush_due_counters)
        atexit.register(services.product_counters_flush)
