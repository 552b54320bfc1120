"""Keep each role's group in line with its definition (shop.roles.roles)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from shop.roles.roles import ROLES


def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions."""
    groups = {}
    for role in ROLES:
        wanted = Q(content_type__app_label__in=role.apps)
        for name in role.permissions:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group, _created = Group.objects.get_or_create(name=role.group)
        group.permissions.set(Permission.objects.filter(wanted))
        groups[role.group] = group
    return groups


def roles_sync_after_migrate(sender, using="default", **kwargs):
    if sender.label == "roles":
        roles_sync()
