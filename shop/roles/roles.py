"""The staff roles: one Django group each, with exactly the permissions it needs.

Store staff and store managers act for the pilot stores they are linked to
(Oscar's `Partner.users`); office staff act for every store and have the whole
dashboard (their users also need `is_staff`, which a group cannot give).
"""

from dataclasses import dataclass, field

OFFICE_STAFF = "Office staff"
STORE_STAFF = "Store staff"
STORE_MANAGER = "Store manager"


@dataclass(frozen=True)
class Role:
    group: str
    # Every permission of these apps ("app_label").
    apps: tuple[str, ...] = ()
    # And these ("app_label.codename").
    permissions: tuple[str, ...] = field(default=())


COUNTER = ("instore.use_counter",)
MANAGER = (
    *COUNTER,
    "instore.process_return",
    "instore.discount_beyond_cap",
    "instore.close_drawer",
)

ROLES = (
    Role(
        OFFICE_STAFF,
        apps=(
            "catalogue",
            "partner",
            "order",
            "payment",
            "payments",
            "sales",
            "instore",
            "offer",
            "voucher",
            "reviews",
            "communication",
            "address",
            "shipping",
            "analytics",
            "flatpages",
            "cms",
            "wagtailimages",
            "wagtaildocs",
            "wagtailredirects",
        ),
        permissions=("wagtailadmin.access_admin",),
    ),
    Role(STORE_STAFF, permissions=COUNTER),
    Role(STORE_MANAGER, permissions=MANAGER),
)
