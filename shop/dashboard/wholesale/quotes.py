"""Wholesale quotes in the dashboard."""

urlpatterns = []
