"""No URL answers a 500: every route of the URLconf, opened by every role with
hostile parameters (tests/security/walk.py builds the URLs and bodies).

In each area the people who use its pages get hostile requests (PLANS: GET,
hostile query, empty and hostile POST, hostile path values); the others open a
share of its pages once, in turn, in French, Arabic or English. The objects the
URLs name come from tests/roles/world.py (dashboard, counter, wholesale) and
from `shop_world` here (the shopper's own order, address, wish list…), then
from the first row of the view's model. Text with a NUL byte is refused by the
database as PostgreSQL does (tests/security/conftest.py), and the shop's pages
are opened again with the search engine out of reach. There is no sales-agent
role yet (no agents app): nobody to walk as.

The walk takes about 75 s on two cores; it prints where the time goes (pytest
-s). Any 500 fails the test with every request that failed; the known faults
of Wagtail's and Django's admins answer 400 (shop/security/admin_input.py).
"""

import logging
import time
from collections import Counter

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from oscar.core.loading import get_model
from oscar.test.factories import (
    ProductAlertFactory,
    UserAddressFactory,
    create_basket,
    create_order,
)
from wagtail.documents.models import Document

from tests.cms.builders import showcase_tree
from tests.factories import (
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    OfficeStaffFactory,
    PilotStoreFactory,
    ProductFactory,
    StoreManagerFactory,
    StoreStaffFactory,
)
from tests.roles.world import world_build
from tests.security.walk import NUL, Known, Walker, routes, walk_route

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")
WishList = get_model("wishlists", "WishList")

# Who works in each area, how deep (tests/security/walk.py: walk_route) and on
# which share of its routes (every n-th). Everyone else opens a share of the
# routes once, in turn, in French, Arabic or English.
PLANS = {
    "admin": {"superuser": ("probe", 4)},
    "cms": {"office": ("probe", 1), "superuser": ("once", 5)},
    "dashboard": {"office": ("full", 1), "superuser": ("once", 5)},
    "store": {"manager": ("full", 1), "staff": ("once", 2), "office": ("once", 3)},
    "wholesale": {"buyer": ("full", 1), "customer": ("once", 2)},
    "shop": {
        "anonymous": ("probe", 1),
        "customer": ("full", 1),
        "buyer": ("once", 4),
        "office": ("once", 4),
    },
    "site": {
        "anonymous": ("full", 1),
        "customer": ("probe", 1),
        "office": ("once", 2),
    },
}
# The others' share: outside their area, most pages redirect or refuse.
OUTSIDERS_STRIDE = {"admin": 6, "cms": 6, "dashboard": 2}
ROLES = ["anonymous", "customer", "staff", "manager", "buyer", "office", "superuser"]
LANGUAGES = ["fr", "ar", "en"]
# Routes that cannot be walked, and why.
EXCLUDED = {
    "cms/failwhale/": "Wagtail's page for trying the error page raises on purpose",
}
# Paths with a NUL byte that no page takes: the flat-page and redirect
# fallbacks of a 404 looked them up (now the first route answers 400).
NUL_PATHS = [f"/fr/{NUL}/", f"/fr/shop/{NUL}", f"/{NUL}", f"/cms/{NUL}/"]


def area_of(route: str) -> str:
    for prefix, area in (
        ("django-admin/", "admin"),
        ("cms/", "cms"),
        ("fr/shop/dashboard/", "dashboard"),
        ("fr/store/", "store"),
        ("fr/wholesale/", "wholesale"),
        ("fr/shop/", "shop"),
    ):
        if route.startswith(prefix):
            return area
    return "site"


@pytest.fixture
def people(db):
    store_a = PilotStoreFactory(name="Boutique Casablanca", code="casablanca")
    store_b = PilotStoreFactory(name="Boutique Marrakech", code="marrakech")
    company = CompanyFactory(name="Chaîne Atlas")
    return {
        "store_a": store_a,
        "store_b": store_b,
        "anonymous": None,
        "customer": CustomerFactory(),
        "staff": StoreStaffFactory(store=store_a),
        "manager": StoreManagerFactory(store=store_a),
        "buyer": MembershipFactory(company=company, is_admin=True).user,
        "colleague": MembershipFactory(company=company).user,
        "office": OfficeStaffFactory(),
        "superuser": CustomerFactory(is_staff=True, is_superuser=True),
    }


def shop_world(world, customer) -> Known:
    """The shopper's side: a product page, the customer's order, address,
    e-mail, notification, alerts and wish lists, a guest's order link, CMS pages."""
    showcase = showcase_tree()
    argan = Product.objects.get(upc="6111245599990")
    category = Category.objects.get(name="Huiles du monde")
    review = ProductReview.objects.filter(product=argan).first()
    basket = create_basket(empty=True)
    basket.add_product(argan)
    order = create_order(basket=basket, user=customer)
    guest_order = Order.objects.get(
        number=world.per_url["instore:collect-ready"]["number"]
    )
    address = UserAddressFactory(user=customer, country_id="MA")
    email = Email.objects.create(user=customer, subject="Commande", body_text="Merci")
    notification = Notification.objects.create(recipient=customer, subject="Bonjour")
    alert = ProductAlertFactory(product=argan, user=customer)
    guest_alert = ProductAlertFactory(
        product=ProductFactory(), user=None, email="invite@example.ma"
    )
    wish_list = WishList.objects.create(owner=customer, name="Cadeaux")
    wish_list.add(argan)
    wish_line = wish_list.lines.get()
    other_list = WishList.objects.create(
        owner=customer, name="Plus tard", visibility=WishList.PUBLIC
    )
    document = Document.objects.create(
        title="Fiche produit", file=ContentFile(b"%PDF-1.4\n", name="fiche.pdf")
    )
    product = {"product_slug": argan.slug, "product_pk": argan.pk}
    per_url = {
        "catalogue:detail": {"product_slug": argan.slug, "pk": argan.pk},
        "catalogue:category": {"category_slug": category.full_slug, "pk": category.pk},
        "catalogue:reviews-detail": {**product, "pk": review.pk},
        "catalogue:reviews-vote": {**product, "pk": review.pk},
        "catalogue:reviews-add": product,
        "catalogue:reviews-list": product,
        "catalogue:range": {"slug": Range.objects.first().slug},
        "offer:detail": {"slug": ConditionalOffer.objects.first().slug},
        "basket:add": {"pk": argan.pk},
        "basket:vouchers-remove": {"pk": Voucher.objects.first().pk},
        "checkout:user-address-update": {"pk": address.pk},
        "checkout:user-address-delete": {"pk": address.pk},
        "customer:order": {"order_number": order.number},
        "customer:order-line": {
            "order_number": order.number,
            "line_id": order.lines.first().pk,
        },
        "customer:anon-order": {
            "order_number": guest_order.number,
            "hash": guest_order.verification_hash(),
        },
        "customer:anon-order-form": {
            "order_number": guest_order.number,
            "hash": guest_order.verification_hash(),
        },
        "customer:address-detail": {"pk": address.pk},
        "customer:address-delete": {"pk": address.pk},
        "customer:address-change-status": {
            "pk": address.pk,
            "action": "default_for_billing",
        },
        "customer:email-detail": {"email_id": email.pk},
        "customer:notifications-detail": {"pk": notification.pk},
        "customer:alert-create": {"pk": argan.pk},
        "customer:alerts-cancel-by-pk": {"pk": alert.pk},
        "customer:alerts-confirm": {"key": guest_alert.key},
        "customer:alerts-cancel-by-key": {"key": guest_alert.key},
        "customer:wishlists-detail": {"key": wish_list.key},
        "customer:wishlists-update": {"key": wish_list.key},
        "customer:wishlists-delete": {"key": wish_list.key},
        "wishlists:detail": {"key": other_list.key},
        "password-reset-confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(customer.pk)),
            "token": default_token_generator.make_token(customer),
        },
        "sitemap-section": {"section": "products"},
        "wagtaildocs_serve": {"_0": document.pk, "_1": "fiche.pdf"},
    }
    home = showcase.home
    revision = home.latest_revision
    common = {
        "product_pk": argan.pk,
        "key": wish_list.key,
        "line_pk": wish_line.pk,
        "to_key": other_list.key,
        "page_id": home.pk,
        "parent_page_id": home.pk,
        "page_to_move_id": showcase.standard.pk,
        "destination_id": showcase.article_index.pk,
        "revision_id": revision.pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "document_id": document.pk,
        "doc_id": document.pk,
        "content_type_app_name": "cms",
        "content_type_model_name": "standardpage",
        "app_label": "cms",
        "model_name": "standardpage",
        "app_name": "cms",
        "user_id": customer.pk,
        "action_name": "approve",
        "filter_spec": "fill-100x100",
        "page_pk": home.pk,
        "_0": "",
    }
    return Known(
        per_url={**world.per_url, **per_url}, common={**world.common, **common}
    )


@pytest.fixture
def known(people, local_stripe):
    world = world_build(
        store_a=people["store_a"],
        store_b=people["store_b"],
        seller=people["manager"],
        buyer=people["buyer"],
        colleague=people["colleague"],
        office=people["office"],
    )
    return shop_world(world, people["customer"])


def _clients(people) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if people[role] is not None:
            clients[role].force_login(people[role])
    return clients


@pytest.fixture
def _quiet_request_log():
    """The walk meets thousands of 404s and 405s: keep them off the console."""
    loggers = [
        logging.getLogger(name) for name in ("django.request", "django.security")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _walk_as(walker, route, known, *, clients, role, depth, **kwargs):
    walk_route(
        walker,
        route,
        known,
        client=clients[role],
        role=role,
        depth=depth,
        seed=route.index,
        **kwargs,
    )


@pytest.mark.usefixtures("_quiet_request_log", "nul_refused")
def test_no_url_answers_a_server_error(people, known):
    """Every page of the shop, dashboard, counter, buyers' area, CMS and APIs,
    opened by every role with hostile ids (huge, zero, not numbers), NUL
    bytes, overlong and Arabic strings, hostile queries and empty, partial or
    wrongly typed forms, answers a page, a redirect or a 4xx: never a 500.
    Then the shop's pages once more with the search engine out of reach."""
    clients = _clients(people)
    walker = Walker()
    started, cpu_started = time.perf_counter(), time.process_time()
    found = [route for route in routes() if route.route not in EXCLUDED]
    for route in found:
        area = area_of(route.route)
        plan = PLANS[area]
        for position, (role, (depth, stride)) in enumerate(plan.items()):
            if (route.index + position) % stride == 0:
                _walk_as(walker, route, known, clients=clients, role=role, depth=depth)
        stride = OUTSIDERS_STRIDE.get(area, 1)
        if route.index % stride == 0:
            outsiders = [role for role in ROLES if role not in plan]
            _walk_as(
                walker,
                route,
                known,
                clients=clients,
                role=outsiders[route.index // stride % len(outsiders)],
                depth="once",
                language=LANGUAGES[route.index // stride % len(LANGUAGES)],
            )
    for path in NUL_PATHS:
        for role in ("anonymous", "office"):
            walker.send(clients[role], role, "GET", path)
    # Listings, product pages, search and the CMS blocks fall back to the
    # database; the dashboard's product search too.
    with override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9"):
        for route in found:
            area = area_of(route.route)
            if area in ("shop", "site") or "dashboard/catalogue/" in route.route:
                role = "office" if area == "dashboard" else ROLES[route.index % 2]
                _walk_as(walker, route, known, clients=clients, role=role, depth="once")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    per_area = Counter()
    for route, spent in walker.timings.items():
        per_area[area_of(route)] += spent
    print(
        f"\nURL walk: {len(found)} routes, {walker.requests} requests in "
        f"{seconds:.1f} s ({cpu:.1f} s of CPU): "
        + ", ".join(f"{area} {spent:.1f} s" for area, spent in per_area.most_common())
    )
    for spent, request in walker.slowest[:5]:
        print(f"  {spent:5.2f} s {request}")
    assert not walker.failures, walker.report()
    assert len(found) > 800
