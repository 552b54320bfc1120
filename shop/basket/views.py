"""Overrides oscar.apps.basket.views.BasketAddView: no "new total" message.

Oscar follows every addition with a "your basket total is now …" message, which
reloads every basket line and prices each one again right after the addition:
a third of the cost of adding to the basket, growing with the basket. The
shopper still sees what was added, and the offers gained or lost; the total is
on the basket page.
"""

from django.contrib import messages
from django.views.generic import FormView
from oscar.apps.basket import utils, views


class AdditionMessageGenerator(utils.BasketMessageGenerator):
    def get_new_total_messages(self, basket, include_buttons=True):
        return []


class BasketAddView(views.BasketAddView):
    def form_valid(self, form):
        offers_before = self.request.basket.applied_offers()
        self.line, self.line_created = self.request.basket.add_product(
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
