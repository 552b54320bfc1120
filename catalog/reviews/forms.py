"""Overrides oscar.apps.catalogue.reviews.forms: a review form shown again keeps
its score as a number.

Oscar's form template draws the chosen score as stars (`as_stars`), which needs
a number; a form posted with a score and a wrong or missing title came back
with the score as posted text, and drawing it was a 500.
"""

from django import forms
from oscar.apps.catalogue.reviews import forms as oscar_forms


class ScoreField(forms.TypedChoiceField):
    def prepare_value(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None


class ProductReviewForm(oscar_forms.ProductReviewForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"] = self._meta.model._meta.get_field("score").formfield(
            choices_form_class=ScoreField
        )
