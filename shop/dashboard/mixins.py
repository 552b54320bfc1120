"""What several dashboard forks share."""

from django.http import Http404

from shop.db import is_row_id


class NumericPkMixin:
    """An id in the URL that can name no row is a page that does not exist.

    Oscar routes some ids as `<str:pk>` (its related-field popups, flat pages);
    the database lookup of text then failed with a 500.
    """

    def dispatch(self, request, *args, **kwargs):
        if not is_row_id(self.model, str(kwargs.get("pk", ""))):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
