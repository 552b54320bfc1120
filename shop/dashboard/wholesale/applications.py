"""Wholesale applications in the dashboard."""

urlpatterns = []
