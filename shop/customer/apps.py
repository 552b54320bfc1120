"""Overrides oscar.apps.customer.apps: views that change state answer POST only.

Only views are swapped (see shop/customer/views.py); models, URLs and every
other customer view stay Oscar's, so this is not a fork of the customer app.
"""

from oscar.apps.customer import apps


class CustomerConfig(apps.CustomerConfig):
    def ready(self):
        super().ready()
        from shop.customer import views

        self.logout_view = views.LogoutView
        self.alert_cancel_view = views.ProductAlertCancelView
        self.address_change_status_view = views.AddressChangeStatusView
        self.wishlists_add_product_view = views.WishListAddProductView
        self.order_line_view = views.OrderLineView
        self.notification_update_view = views.NotificationUpdateView
