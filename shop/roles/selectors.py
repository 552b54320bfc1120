"""Read who holds which role."""

from shop.roles.roles import OFFICE_STAFF, STORE_MANAGER, STORE_STAFF


def user_role_get(*, user) -> str | None:
    """The highest role a user holds (a group name of shop.roles.roles), if any."""
    names = set(user.groups.values_list("name", flat=True))
    if user.is_staff and OFFICE_STAFF in names:
        return OFFICE_STAFF
    for name in (STORE_MANAGER, STORE_STAFF):
        if name in names:
            return name
    return None
