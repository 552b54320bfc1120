"""Overrides oscar.apps.customer.auth_backends.EmailBackend: equal-time answers.

Oscar's backend checks a password only when an account has the email, so a
wrong password for a known email took one password hashing longer (about 0.6 s
in production) than for an unknown one: anyone could tell which emails have an
account. For an unknown email the password is now hashed once too, as Django's
ModelBackend does for an unknown username.

Permissions come from the cache (permission_cache.py) instead of two queries
per request.
"""

from django.contrib.auth import get_user_model
from oscar.apps.customer import auth_backends
from oscar.apps.customer.utils import normalise_email

from shop.security.permission_cache import access_cached


class EmailBackend(auth_backends.EmailBackend):
    def _authenticate(self, request, email=None, password=None, *args, **kwargs):
        address = normalise_email(
            email if email is not None else kwargs.get("username") or ""
        )
        User = get_user_model()
        if (
            "@" in address
            and not User._default_manager.filter(email__iexact=address).exists()
        ):
            User().set_password(password)
            return None
        return super()._authenticate(request, email, password, *args, **kwargs)

    def get_all_permissions(self, user_obj, obj=None):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not hasattr(user_obj, "_perm_cache")
        ):
            # ModelBackend reads this attribute before querying.
            user_obj._perm_cache = access_cached(
                user_obj,
                "permissions",
                compute=lambda: super(EmailBackend, self).get_all_permissions(user_obj),
            )
        return super().get_all_permissions(user_obj, obj)
