"""Overrides oscar.apps.dashboard.pages.views: a flat page id that is no number
is a page that does not exist (Oscar routes it as `<str:pk>`; it was a 500)."""

from oscar.apps.dashboard.pages import views

from shop.dashboard.mixins import NumericPkMixin


class PageUpdateView(NumericPkMixin, views.PageUpdateView):
    pass


class PageDeleteView(NumericPkMixin, views.PageDeleteView):
    pass
