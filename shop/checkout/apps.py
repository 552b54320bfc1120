"""Overrides oscar.apps.checkout.apps: adds the card 3-D Secure and return URLs,
and taking chilled products out of a basket nothing can deliver."""

import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        self.card_authenticate_view = get_class(
            "checkout.views", "CardAuthenticateView"
        )
        self.card_complete_view = get_class("checkout.views", "CardCompleteView")
        self.chilled_remove_view = get_class("checkout.views", "ChilledRemoveView")

    def get_urls(self):
        urls = [
            path(
                "card/authenticate/",
                self.card_authenticate_view.as_view(),
                name="card-authenticate",
            ),
            path(
                "card/complete/",
                self.card_complete_view.as_view(),
                name="card-complete",
            ),
            path(
                "chilled/remove/",
                self.chilled_remove_view.as_view(),
                name="chilled-remove",
            ),
        ]
        return urls + super().get_urls()
