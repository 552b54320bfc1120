"""Overrides oscar.apps.dashboard.partners.forms: stock locations and their staff.

A partner is a stock location with a kind, a city, an address and a phone
(shop.partner.models.Partner), edited here rather than through Oscar's partner
address. The users of a pilot store are store staff or store managers
(shop.roles), who work at the counter: they get no dashboard access.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.partners import forms as oscar_forms

from shop.partner.models import Partner
from shop.roles.roles import STORE_MANAGER, STORE_STAFF
from shop.roles.selectors import user_role_get
from shop.roles.services import store_role_set

STORE_ROLE_CHOICES = (
    (STORE_STAFF, _("Store staff: sales at the counter, the store's orders and stock")),
    (
        STORE_MANAGER,
        _("Store manager: also returns, larger discounts and closing the drawer"),
    ),
)


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "kind", "city", "street_address", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional on the model, but a location without a name is unusable here.
        self.fields["name"].required = True

    def clean(self):
        data = super().clean()
        if data.get("kind") == Partner.Kind.PILOT_STORE:
            for name in ("city", "street_address"):
                if not data.get(name):
                    self.add_error(
                        name, _("A pilot store needs its city and street address.")
                    )
        return data


class PartnerCreateForm(PartnerForm):
    pass


def _store_role_field(initial=STORE_STAFF) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=STORE_ROLE_CHOICES,
        widget=forms.RadioSelect,
        label=_("Role in the store"),
        initial=initial,
    )


class NewUserForm(oscar_forms.NewUserForm):
    """A new user of a partner; for a pilot store, store staff or manager."""

    def __init__(self, partner, *args, **kwargs):
        super().__init__(partner, *args, **kwargs)
        if partner.is_store:
            self.fields["role"] = _store_role_field()

    def save(self):
        if not self.partner.is_store:
            return super().save()
        # Oscar's save would give the dashboard access (or is_staff) instead.
        user = oscar_forms.EmailUserCreationForm.save(self, commit=True)
        self.partner.users.add(user)
        store_role_set(user=user, role=self.cleaned_data["role"])
        return user


class ExistingUserForm(oscar_forms.ExistingUserForm):
    """A partner's user; for a pilot store, their store role (office staff keep
    theirs: they act for every store)."""

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.store_role_shown = False
        if partner is not None and partner.is_store:
            role = user_role_get(user=self.instance)
            if self.instance.is_staff or self.instance.is_superuser:
                del self.fields["role"]
            else:
                self.fields["role"] = _store_role_field(
                    initial=role if role == STORE_MANAGER else STORE_STAFF
                )
                self.store_role_shown = True
                self.initial["role"] = self.fields["role"].initial

    def clean_password2(self):
        # Oscar validates the empty password too, so a user's details could not
        # be saved without choosing a new password.
        if not self.cleaned_data.get("password1") and not self.cleaned_data.get(
            "password2"
        ):
            return ""
        return super().clean_password2()

    def save(self, commit=False):
        if self.partner is None or not self.partner.is_store:
            return super().save(commit=commit)
        user = forms.ModelForm.save(self, commit=False)
        if self.cleaned_data["password1"]:
            user.set_password(self.cleaned_data["password1"])
        user.save()
        if self.store_role_shown:
            store_role_set(user=user, role=self.cleaned_data["role"])
        return user
