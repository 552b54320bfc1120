"""Overrides oscar.apps.analytics.apps: product views are counted out of the request.

Oscar's receiver writes two or three rows on every product view, inside the
request; under load that serialises page views on the database (and on SQLite can
end in "database is locked"). Views are buffered per process instead and written
in one short transaction every few seconds, after a response has been sent.
"""

import atexit

from oscar.apps.analytics import apps


class AnalyticsConfig(apps.AnalyticsConfig):
    def ready(self):
        super().ready()
        from django.core.signals import request_finished
        from oscar.apps.analytics.receivers import receive_product_view
        from oscar.apps.catalogue.signals import product_viewed

        from shop.analytics import receivers, services

        product_viewed.disconnect(receive_product_view)
        product_viewed.connect(receivers.buffer_product_view)
        request_finished.connect(receivers.flush_due_product_views)
        atexit.register(services.product_views_flush)
