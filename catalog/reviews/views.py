"""Overrides oscar.apps.catalogue.reviews.views: reviews come from customers who
bought the product, and only approved reviews can be read or voted on.

Oscar let anyone signed in review any product, and showed any review by its
number, approved or not, under any product's address.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect
from oscar.apps.catalogue.reviews import views
from oscar.core.loading import get_model

from catalog.reviews.selectors import review_refusal_get

ProductReview = get_model("reviews", "ProductReview")


class CreateProductReview(views.CreateProductReview):
    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(
            self.product_model, pk=kwargs["product_pk"], is_public=True
        )
        refusal = review_refusal_get(product=self.product, user=request.user)
        if refusal:
            messages.warning(request, refusal)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return redirect(self.product.get_absolute_url())
        # Oscar's own dispatch would fetch the product and check again.
        return super(views.CreateProductReview, self).dispatch(request, *args, **kwargs)


def _approved_review_or_404(kwargs):
    # `product__pk`, not `product_id`: an id beyond the database's integers is
    # then no review (404); the foreign key lookup raised (a 500).
    return get_object_or_404(
        ProductReview.objects.approved(),
        pk=kwargs["pk"],
        product__pk=kwargs["product_pk"],
    )


class ProductReviewDetail(views.ProductReviewDetail):
    def get_object(self, queryset=None):
        return _approved_review_or_404(self.kwargs)


class AddVoteView(views.AddVoteView):
    def post(self, request, *args, **kwargs):
        _approved_review_or_404(self.kwargs)
        return super().post(request, *args, **kwargs)


class ProductReviewList(views.ProductReviewList):
    def get_queryset(self):
        # Oscar filters reviews by the URL's product id as is: one beyond the
        # database's integers was a 500. The product page answers 404 first.
        get_object_or_404(
            self.product_model, pk=self.kwargs["product_pk"], is_public=True
        )
        return super().get_queryset()
