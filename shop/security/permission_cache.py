"""Each user's permissions and stores, kept in the cache between requests.

Every staff request asks for permissions (may this user sell at this counter,
see this dashboard?), and Django loads them with two queries per request,
whose compilation cost a quarter of a counter lookup; every counter request
asks which stores the user is staff of too. Each is kept in the cache with the
version of the access data it was read under; any change to who belongs to
which group or store, or what a group or user may do, moves that version after
commit, so a revoked permission or store is refused from the next request. A
change made without signals (a bulk delete of group rows) shows within
PERMISSIONS_SECONDS.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from shop.cache import version_bump, version_or_seeded

VERSION_KEY = "permissions:version"
ACCESS_KEY = "permissions:user:{}:{}"
PERMISSIONS_SECONDS = 300


def permissions_version_bump() -> None:
    version_bump(VERSION_KEY)


def access_cached(user, name: str, *, compute) -> set:
    """What `compute` tells of the user's access ("permissions": their
    "app_label.codename" set; "stores": the ids of their stores), from the
    cache when the access data has not changed since it was read."""
    key = ACCESS_KEY.format(user.pk, name)
    found = cache.get_many([key, VERSION_KEY])
    version = version_or_seeded(VERSION_KEY, found.get(VERSION_KEY))
    # A superuser has every permission: one who no longer is must not keep them.
    kept = {"version": version, "superuser": user.is_superuser}
    entry = found.get(key)
    if entry is not None and entry["kept"] == kept:
        return entry["value"]
    value = set(compute())
    # Stored with the version read before the rows: a change committed in
    # between has moved it, and the next request reads the rows again.
    cache.set(key, {"kept": kept, "value": value}, PERMISSIONS_SECONDS)
    return value


def _changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    # Now, for the rest of this transaction (whose own requests read its
    # rows), and after commit, for a request that read the old rows meanwhile.
    permissions_version_bump()
    transaction.on_commit(permissions_version_bump)


def connect():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from shop.partner.models import Partner

    User = get_user_model()
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
        Partner.users.through,
    ):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"perms-{through}")
    for model in (Group, Permission, User, Partner):
        post_delete.connect(_changed, sender=model, dispatch_uid=f"perms-{model}")
    post_save.connect(_changed, sender=Permission, dispatch_uid="perms-permission")
