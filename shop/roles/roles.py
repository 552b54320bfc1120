"""The staff roles: one Django group each, with exactly the permissions it needs.

Store staff and store managers act for the pilot stores they are linked to
(Oscar's `Partner.users`); they work at the counter (`/<lang>/store/<code>/…`:
sales, their store's orders, click & collect queue and shelf stock) and have no
page of Oscar's dashboard. Office staff act for every store and have the whole
dashboard and the Wagtail admin; their users also need `is_staff`, which a
group cannot give.

`roles_sync()` (shop.roles.services) puts every group back to this definition
after each `migrate`: change a role here, not in an admin.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Group names (stored, so never translated); ROLE_LABELS is what staff read.
OFFICE_STAFF = "Office staff"
STORE_STAFF = "Store staff"
STORE_MANAGER = "Store manager"
STORE_ROLES = (STORE_STAFF, STORE_MANAGER)
ROLE_LABELS = {
    OFFICE_STAFF: _("Office staff"),
    STORE_STAFF: _("Store staff"),
    STORE_MANAGER: _("Store manager"),
}


@dataclass(frozen=True)
class Role:
    group: str
    # Every permission of these apps ("app_label").
    apps: tuple[str, ...] = ()
    # And these ("app_label.codename").
    permissions: tuple[str, ...] = field(default=())
    # Wagtail permissions on the whole page tree and every collection
    # ("app_label.codename", granted at the root page / root collection).
    page_permissions: tuple[str, ...] = ()
    collection_permissions: tuple[str, ...] = ()


COUNTER = ("instore.use_counter",)
MANAGER = (
    *COUNTER,
    "instore.process_return",
    "instore.discount_beyond_cap",
    "instore.close_drawer",
)

# What each page of Oscar's dashboard asks for is in its app's
# `permissions_map` (oscar/apps/dashboard/*/apps.py): the apps below cover
# them all, the users pages (and linking staff to a partner) need the user
# permissions.
OFFICE_APPS = (
    "catalogue",  # products, categories, classes, options; cooperatives
    "partner",  # stock locations, stock records and alerts, opening hours
    "order",  # order list, detail, notes, status; mark paid, cancel, refund
    "payment",
    "payments",
    "sales",  # order origins, customers' phones
    "instore",  # every counter, for any store (act_for_any_store)
    "wholesale",  # applications, companies, price lists, quotes
    "offer",  # offers and ranges
    "voucher",
    "reviews",  # review moderation
    "communication",
    "customer",  # product alerts
    "address",
    "shipping",  # shipping methods, cold-chain cities
    "analytics",  # reports
    "flatpages",  # the dashboard's "pages"
    "cms",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "simple_translation",  # the "Translate" action on pages
)
OFFICE_PERMISSIONS = (
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",  # Oscar asks it to delete a customer's product alert
    "wagtailadmin.access_admin",
    # The order page's history; nobody may add, change or delete entries.
    "audit.view_auditentry",
    # Failed tasks (an order's email the mail server refused), in the Django
    # admin; read-only for everyone.
    "django_tasks_database.view_dbtaskresult",
)

ROLES = (
    Role(
        OFFICE_STAFF,
        apps=OFFICE_APPS,
        permissions=OFFICE_PERMISSIONS,
        page_permissions=(
            "wagtailcore.add_page",
            "wagtailcore.change_page",
            "wagtailcore.publish_page",
            "wagtailcore.delete_page",
        ),
        collection_permissions=(
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtailimages.delete_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
            "wagtaildocs.delete_document",
        ),
    ),
    Role(STORE_STAFF, permissions=COUNTER),
    Role(STORE_MANAGER, permissions=MANAGER),
)
