"""Overrides oscar.apps.customer.apps: views that change state answer POST only,
and registration confirms the address by email.

Only views are swapped and the registration links added (see
shop/customer/views.py); models, Oscar's URLs and every other customer view
stay Oscar's, so this is not a fork of the customer app.
"""

from django.urls import path
from oscar.apps.customer import apps


class CustomerConfig(apps.CustomerConfig):
    def ready(self):
        super().ready()
        from shop.customer import views

        self.logout_view = views.LogoutView
        self.alert_cancel_view = views.ProductAlertCancelView
        self.address_change_status_view = views.AddressChangeStatusView
        self.wishlists_add_product_view = views.WishListAddProductView
        self.wishlists_create_view = views.WishListCreateView
        self.wishlists_remove_product_view = views.WishListRemoveProductView
        self.order_line_view = views.OrderLineView
        self.notification_update_view = views.NotificationUpdateView
        self.login_view = views.AccountAuthView
        self.register_view = views.AccountRegistrationView

    def get_urls(self):
        from shop.customer import views

        return [
            *super().get_urls(),
            path(
                "register/sent/",
                views.RegistrationSentView.as_view(),
                name="register-sent",
            ),
            path(
                "register/confirm/<str:uidb64>/<str:token>/",
                views.RegistrationConfirmView.as_view(),
                name="register-confirm",
            ),
        ]
