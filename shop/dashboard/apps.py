"""Overrides oscar.apps.dashboard.apps: mounts the cooperatives dashboard.

Forked (rather than only dashboard.catalogue) because Oscar resolves
``get_class("dashboard.catalogue.…")`` through the ``dashboard`` app's module
path, so the catalogue dashboard fork only takes effect under a forked parent.
"""

import oscar.apps.dashboard.apps as apps
from django.apps import apps as django_apps
from django.urls import include, path


class DashboardConfig(apps.DashboardConfig):
    name = "shop.dashboard"

    def ready(self):
        super().ready()
        self.cooperatives_app = django_apps.get_app_config("cooperatives_dashboard")

    def get_urls(self):
        return super().get_urls() + [
            path("cooperatives/", include(self.cooperatives_app.urls[0])),
            path("wholesale/", include("shop.dashboard.wholesale.urls")),
        ]
