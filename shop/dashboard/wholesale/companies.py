"""Wholesale companies in the dashboard."""

urlpatterns = []
