"""Overrides oscar.apps.search.apps: our engine-backed views and index receivers."""

import oscar.apps.search.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class SearchConfig(apps.SearchConfig):
    name = "search"

    def ready(self):
        from search import receivers

        receivers.connect()
        self.search_view = get_class("search.views", "FacetedSearchView")
        self.autocomplete_view = get_class("search.views", "AutocompleteView")

    def get_urls(self):
        urlpatterns = [
            path("", self.search_view.as_view(), name="search"),
            path(
                "autocomplete/", self.autocomplete_view.as_view(), name="autocomplete"
            ),
        ]
        return self.post_process_urls(urlpatterns)
