"""Overrides oscar.apps.basket.views.BasketAddView: no "new total" message.

Oscar follows every addition with a "your basket total is now …" message, which
reloads every basket line and prices each one again right after the addition:
a third of the cost of adding to the basket, growing with the basket. The
shopper still sees what was added, and the offers gained or lost; the total is
on the basket page.

Additions to one basket are also serialised: Oscar reads a line's quantity and
writes it back, so two concurrent additions (a double click, two tabs) would
otherwise lose one of them.
"""

from django.contrib import messages
from django.db import transaction
from django.views.generic import FormView
from oscar.apps.basket import utils, views
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")


class AdditionMessageGenerator(utils.BasketMessageGenerator):
    def get_new_total_messages(self, basket, include_buttons=True):
        return []


class BasketAddView(views.BasketAddView):
    def form_valid(self, form):
        basket = self.request.basket
        offers_before = basket.applied_offers()
        with transaction.atomic():
            # A new basket (no id yet) has no concurrent additions to wait for.
            list(Basket.objects.select_for_update().filter(pk=basket.pk))
            self.line, self.line_created = basket.add_product(
                form.product, form.cleaned_data["quantity"], form.cleaned_options()
            )
        messages.success(
            self.request, self.get_success_message(form), extra_tags="safe noicon"
        )
        AdditionMessageGenerator().apply_messages(self.request, offers_before)
        self.add_signal.send(
            sender=self,
            product=form.product,
            user=self.request.user,
            request=self.request,
        )
        # Oscar's form_valid would add the total message; redirect as it does.
        return FormView.form_valid(self, form)
