from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class CooperativesDashboardConfig(OscarDashboardConfig):
    """Office staff manage cooperatives and their certifications."""

    label = "cooperatives_dashboard"
    name = "catalog.dashboard"
    verbose_name = _("Cooperatives")

    default_permissions = ["is_staff"]

    def get_urls(self):
        from catalog.dashboard import views

        urls = [
            path("", views.CooperativeListView.as_view(), name="cooperative-list"),
            path(
                "create/",
                views.CooperativeCreateView.as_view(),
                name="cooperative-create",
            ),
            path(
                "<int:pk>/",
                views.CooperativeUpdateView.as_view(),
                name="cooperative-update",
            ),
            path(
                "<int:pk>/certifications/create/",
                views.CertificationCreateView.as_view(),
                name="certification-create",
            ),
            path(
                "certifications/<int:pk>/",
                views.CertificationUpdateView.as_view(),
                name="certification-update",
            ),
            path(
                "certifications/<int:pk>/delete/",
                views.CertificationDeleteView.as_view(),
                name="certification-delete",
            ),
            path(
                "certifications/expiring/",
                views.CertificationExpiringListView.as_view(),
                name="certification-expiring-list",
            ),
        ]
        return self.post_process_urls(urls)
