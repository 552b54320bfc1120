"""Who may do what at which store's counter.

Store staff and managers act for the pilot stores they are linked to
(Oscar's `Partner.users`, a user may belong to several); office staff
(`instore.act_for_any_store`) act for every store. What they may do there comes
from their group's permissions (shop.roles).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shop.cache import catalogue_cached
from shop.partner.models import Partner
from shop.security.permission_cache import access_cached

USE_COUNTER = "instore.use_counter"
ANY_STORE = "instore.act_for_any_store"
DISCOUNT_BEYOND_CAP = "instore.discount_beyond_cap"
PROCESS_RETURN = "instore.process_return"
CLOSE_DRAWER = "instore.close_drawer"


def counter_stores_get(*, user) -> list[Partner]:
    """The pilot stores a user may sell for, by name."""
    if not user.is_authenticated or not user.is_active:
        return []
    stores = Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).order_by("name")
    if user.has_perm(ANY_STORE):
        return list(stores)
    if user.has_perm(USE_COUNTER):
        return list(stores.filter(users=user))
    return []


def counter_store_get(*, user, code: str) -> Partner:
    """The store of a counter URL, if this user may act for it.

    Raises Http404 for no such store and PermissionDenied for a store of
    someone else (whose existence staff may know: stores are public).
    """
    # Both from the cache: every counter request, a lookup at each keystroke
    # included, asks them.
    store = catalogue_cached(
        "pilot-store",
        code,
        compute=lambda: Partner.objects.filter(
            kind=Partner.Kind.PILOT_STORE, code=code
        ).first(),
        sales_context=None,
        keep=lambda store: store is not None,
    )
    if store is None:
        raise Http404
    if not (
        user.has_perm(ANY_STORE)
        or (user.has_perm(USE_COUNTER) and store.pk in _store_ids(user))
    ):
        raise PermissionDenied
    return store


def _store_ids(user) -> set[int]:
    return access_cached(
        user,
        "stores",
        compute=lambda: Partner.objects.filter(users=user).values_list("pk", flat=True),
    )


def counter_permission_check(*, user, permission: str) -> None:
    """Refuse an action of a higher role (a return, closing the drawer)."""
    if not user.has_perm(permission):
        raise PermissionDenied
