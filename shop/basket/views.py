"""Overrides oscar.apps.basket.views: an addition that queries less, and a
basket page that takes any post (BasketView, at the end).

Oscar's view prices the whole basket twice (offers applied when the basket
loads, then again after the addition to find the offers gained or lost),
follows the addition with a "your basket total is now …" message that reloads
and prices every line once more, and loads the product's stock records twice.
Here the offers are fetched once and applied before and after the addition,
the product with its stock records comes from the cache, the lines are loaded
once, more of a line already in the
basket is one UPDATE (services.py), and there is no total message: the shopper
still sees what was added and the offers gained or lost; the total is on the
basket page.
"""

from django.contrib import messages
from django.http import Http404
from django.views.generic import FormView
from oscar.apps.basket import views
from oscar.apps.basket.middleware import BasketMiddleware
from oscar.core.loading import get_class
from oscar.core.utils import safe_referrer

from shop.basket import selectors, services
from shop.basket.forms import AddToBasketForm
from shop.redirects import safe_next_url

Applicator = get_class("offer.applicator", "Applicator")
BasketMessageGenerator = get_class("basket.utils", "BasketMessageGenerator")

# The middleware's own lookup (basket cookie, or the user's basket merged with
# it), without the offers it applies when request.basket is first read.
basket_lookup = BasketMiddleware(get_response=None)


class BasketAddView(views.BasketAddView):
    form_class = AddToBasketForm

    def post(self, request, *args, **kwargs):
        self.product = self.product_get(kwargs["pk"])
        basket = basket_lookup.get_basket(request)
        basket.strategy = request.strategy
        self.offers = Applicator().get_offers(basket, request.user, request)
        selectors.basket_lines_cache(basket=basket, offers=self.offers)
        # The middleware sets the basket cookie of a new basket from this.
        request.basket = basket
        return FormView.post(self, request, *args, **kwargs)

    def product_get(self, pk):
        product = selectors.product_for_basket_get(pk)
        if product is None:
            raise Http404
        return product

    def form_valid(self, form):
        basket = self.request.basket
        applicator = Applicator()
        applicator.apply_offers(basket, self.offers)
        offers_before = basket.applied_offers()
        services.basket_product_add(
            basket=basket,
            product=form.product,
            quantity=form.cleaned_data["quantity"],
            options=form.cleaned_options(),
        )
        messages.success(
            self.request, self.get_success_message(form), extra_tags="safe noicon"
        )
        # The addition cleared the discounts: the same offers, applied again,
        # tell which ones it gained or lost.
        applicator.apply_offers(basket, self.offers)
        for level, message in BasketMessageGenerator().get_offer_messages(
            offers_before, basket.applied_offers()
        ):
            messages.add_message(self.request, level, message, extra_tags="safe noicon")
        self.add_signal.send(
            sender=self,
            product=form.product,
            user=self.request.user,
            request=self.request,
        )
        # Oscar's form_valid would add the total message; redirect as it does.
        return FormView.form_valid(self, form)

    def get_success_url(self):
        return safe_next_url(
            self.request,
            self.request.POST.get("next"),
            safe_referrer(self.request, "basket:summary"),
        )


class BasketView(views.BasketView):
    def remove_deleted_forms(self, formset):
        # Oscar copies the management form's minimum and maximum from the post
        # as they are: a post without them (not the page's own form) was a 500.
        data = formset.data.copy()
        for name in ("MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data.setdefault(formset.management_form.add_prefix(name), "")
        formset.data = data
        super().remove_deleted_forms(formset)
