"""Each user's permissions, kept in the cache between requests.

Every staff request asks for permissions (may this user sell at this counter,
see this dashboard?), and Django loads them with two queries per request,
whose compilation cost a quarter of a counter lookup. The set is kept in the
cache with the version of the permission data it was read under; any change to
who belongs to which group or what a group or user may do moves that version
after commit, so a revoked permission is refused from the next request. A
change made without signals (a bulk delete of group rows) shows within
PERMISSIONS_SECONDS.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from shop.cache import version_bump, version_or_seeded

VERSION_KEY = "permissions:version"
PERMISSIONS_KEY = "permissions:user:{}"
PERMISSIONS_SECONDS = 300


def permissions_version_bump() -> None:
    version_bump(VERSION_KEY)


def permissions_cached(user, *, compute) -> set[str]:
    """The user's permissions ("app_label.codename"), from the cache when the
    permission data has not changed since they were read."""
    key = PERMISSIONS_KEY.format(user.pk)
    found = cache.get_many([key, VERSION_KEY])
    version = version_or_seeded(VERSION_KEY, found.get(VERSION_KEY))
    # A superuser has every permission: one who no longer is must not keep them.
    kept = {"version": version, "superuser": user.is_superuser}
    entry = found.get(key)
    if entry is not None and entry["kept"] == kept:
        return entry["permissions"]
    permissions = set(compute())
    # Stored with the version read before the rows: a change committed in
    # between has moved it, and the next request reads the rows again.
    cache.set(key, {"kept": kept, "permissions": permissions}, PERMISSIONS_SECONDS)
    return permissions


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

    User = get_user_model()
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"perms-{through}")
    for model in (Group, Permission, User):
        post_delete.connect(_changed, sender=model, dispatch_uid=f"perms-{model}")
    post_save.connect(_changed, sender=Permission, dispatch_uid="perms-permission")
