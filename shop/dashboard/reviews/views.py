"""Overrides oscar.apps.dashboard.reviews.views: approving or rejecting several
reviews at once checks what is posted.

Oscar saved any number posted as the status (a review could end in no status
the shop knows, neither shown nor waiting) and answered 500 to one that is not
a number, or to a review number that is not one.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from oscar.apps.dashboard.reviews import views


class ReviewListView(views.ReviewListView):
    def get_selected_ids(self, request):
        posted = request.POST.getlist(f"selected_{self.get_checkbox_object_name()}")
        # isascii(): "²" passes isdigit() but not int().
        if not all(value.isascii() and value.isdigit() for value in posted):
            return []
        return super().get_selected_ids(request)

    def update_selected_review_status(self, request, reviews):
        statuses = {str(code): code for code, _label in self.model.STATUS_CHOICES}
        status = statuses.get(request.POST.get("status", ""))
        if status is None:
            messages.error(request, _("Choose the new status of the selected reviews."))
            return redirect("dashboard:reviews-list")
        return super().update_selected_review_status(request, reviews)
