"""Keep each role's group in line with its definition (shop.roles.roles), and
give store staff their role when they are linked to a pilot store."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from shop.partner.models import Partner
from shop.roles.roles import (
    OFFICE_STAFF,
    ROLES,
    STORE_MANAGER,
    STORE_ROLES,
    STORE_STAFF,
    Role,
)


def _permissions(names) -> list[Permission]:
    wanted = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def _tree_permissions_set(group: Group, role: Role) -> None:
    # The root page and root collection come from Wagtail's migrations; a
    # flushed test database may lack them until its fixtures put them back.
    root_page = Page.get_first_root_node()
    if root_page is not None:
        wanted = _permissions(role.page_permissions)
        GroupPagePermission.objects.filter(group=group).exclude(
            page=root_page, permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        wanted = _permissions(role.collection_permissions)
        GroupCollectionPermission.objects.filter(group=group).exclude(
            collection=root_collection, permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )


def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions."""
    groups = {}
    with transaction.atomic():
        for role in ROLES:
            wanted = Q(content_type__app_label__in=role.apps) | Q(
                pk__in=[p.pk for p in _permissions(role.permissions)]
            )
            group, _created = Group.objects.get_or_create(name=role.group)
            group.permissions.set(Permission.objects.filter(wanted))
            _tree_permissions_set(group, role)
            groups[role.group] = group
    return groups


def roles_sync_after_migrate(sender, using="default", **kwargs):
    if sender.label == "roles":
        roles_sync()


def _is_office_staff(user) -> bool:
    return user.is_staff or user.is_superuser or _in_group(user, OFFICE_STAFF)


def _in_group(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


def store_role_set(*, user, role: str) -> None:
    """Make a pilot store's user store staff or store manager (one of the two).

    Office staff keep their role: they already act for every store.
    """
    if role not in STORE_ROLES:
        raise ValueError(f"Not a store role: {role}")
    if _is_office_staff(user):
        return
    user.groups.remove(*Group.objects.filter(name__in=STORE_ROLES).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))


def store_staff_enrol(*, user, partner) -> None:
    """Give a user just linked to a partner the store staff role if it is a
    pilot store and they have no higher role."""
    if not partner.is_store or _is_office_staff(user):
        return
    if _in_group(user, STORE_MANAGER):
        return
    user.groups.add(Group.objects.get(name=STORE_STAFF))


def store_roles_release(*, user) -> None:
    """Take the store roles from a user linked to no pilot store any more."""
    if Partner.objects.filter(kind=Partner.Kind.PILOT_STORE, users=user).exists():
        return
    user.groups.remove(*Group.objects.filter(name__in=STORE_ROLES))
