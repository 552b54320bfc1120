"""The cash drawer (open, cash in and out, close) and end-of-day reports."""

urlpatterns = []
sections = []
