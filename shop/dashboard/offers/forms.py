"""Overrides oscar.apps.dashboard.offers.forms: restrictions with an invalid
date or combination say so on the form (Oscar's check read the fields that had
failed, a 500)."""

from oscar.apps.dashboard.offers import forms


class RestrictionsForm(forms.RestrictionsForm):
    def clean(self):
        if any(
            name in self.errors
            for name in ("start_datetime", "end_datetime", "exclusive", "combinations")
        ):
            # Oscar's checks below read them; the form says what is wrong.
            return super(forms.RestrictionsForm, self).clean()
        return super().clean()
