"""Role × URL: every dashboard, counter and wholesale page, opened by every role.

The pages come from the URLconf itself (every route under `shop/dashboard/`,
Oscar's and ours, under `store/`, the counter, and under `wholesale/`, the
buyers' area), so a new page is in the matrix as soon as it is routed; the
objects its URL names come from tests/roles/world.py, which fails with what to
add when it cannot build one.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from shop.instore.access import USE_COUNTER
from shop.wholesale.access import BuyerMixin
from tests.roles.world import UnknownKwarg, url_kwargs_get, world_build

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "customer",
    "staff_a",
    "staff_b",
    "manager_a",
    "office",
    "buyer",
    "colleague",
    "other_buyer",
]
BUYERS = ("buyer", "colleague", "other_buyer")
PREFIXES = ("shop/dashboard/", "store/", "wholesale/")
# Pages of the dashboard anyone may open: signing in and out of it.
PUBLIC = {"dashboard:login", "dashboard:logout"}
# The wholesale offer (anyone) and an invitation's page (it says how to sign in).
WHOLESALE_PUBLIC = {"wholesale:home", "wholesale:invitation"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name
    route: str  # the full route, for messages
    kwargs: tuple[str, ...]
    # What a counter page needs besides acting for the store (CounterMixin).
    permission: str | None
    # A buyers' page (BuyerMixin); `admin_only` ones are the company admin's.
    for_buyers: bool = False
    admin_only: bool = False


def _walk(resolver, prefix="", namespace="", kwargs=()):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        names = (*kwargs, *pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else ""
            yield from _walk(pattern, route, inner or namespace, names)
        elif pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            yield Route(
                name=f"{namespace}{pattern.name}",
                route=route,
                kwargs=names,
                permission=getattr(view_class, "permission", None),
                for_buyers=bool(view_class and issubclass(view_class, BuyerMixin)),
                admin_only=bool(getattr(view_class, "admin_only", False)),
            )


def routes() -> list[Route]:
    """Every dashboard and counter route of the URLconf, under the French prefix."""
    with translation.override("fr"):
        found = list(_walk(get_resolver()))
    return [
        route
        for route in found
        if route.route.startswith(tuple(f"fr/{prefix}" for prefix in PREFIXES))
        and route.name not in PUBLIC
    ]


def expected(route: Route, role: str) -> str:
    if route.name in WHOLESALE_PUBLIC:
        return "allowed"
    if role == "anonymous":
        return "login"
    if route.name.startswith("wholesale:"):
        return _wholesale_expected(route, role)
    if route.name == "instore:landing":
        return "denied" if role in ("customer", *BUYERS) else "allowed"
    if route.name.startswith("instore:"):
        # Built for store A.
        if role in ("customer", "staff_b", *BUYERS):
            return "denied"
        if role == "staff_a" and route.permission != USE_COUNTER:
            return "denied"
        return "allowed"
    return "allowed" if role == "office" else "denied"


def _wholesale_expected(route: Route, role: str) -> str:
    if not route.for_buyers:
        # Applying: any signed-in person.
        return "allowed"
    if role not in BUYERS:
        return "denied"
    if route.admin_only and role == "colleague":
        return "denied"
    # The world's objects are company A's: another company's buyer finds none.
    if role == "other_buyer" and route.kwargs:
        return "not found"
    return "allowed"


def outcome(response) -> str:
    if response.status_code in (301, 302) and "/login/" in response["Location"]:
        return "login"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "not found"
    # 200, a redirect elsewhere, 400 for the empty form posted to a page that
    # only takes POST, 405 for one that takes neither GET nor an empty POST.
    return "allowed"


def _open(client, url):
    """GET the page; a page that only takes POST is posted to (empty), so its
    access rules are what is tested, not the method.

    Each request in a savepoint: one with side effects (Oscar's "link user" is
    one) must not change what the next page finds.
    """
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    if response.status_code != 405:
        return response
    with transaction.atomic():
        response = client.post(url)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def world(store_a, store_b, people, office):
    return world_build(
        store_a=store_a,
        store_b=store_b,
        seller=people["manager_a"],
        buyer=people["buyer"],
        colleague=people["colleague"],
        office=office,
    )


def test_the_matrix_holds_every_dashboard_and_counter_page(world):
    """The walk finds Oscar's dashboard, ours and the counter, and every URL
    can be built from the world (else: the kwarg to add)."""
    found = routes()
    names = {route.name for route in found}
    assert {
        "dashboard:index",
        "dashboard:order-list",
        "dashboard:order-detail",
        "dashboard:partner-manage",
        "dashboard:reviews-list",
        "dashboard:cooperative-list",
        "payments:order-action",
        "instore:landing",
        "instore:counter",
        "wholesale:request",
        "dashboard:wholesale-quote",
    } <= names
    assert len(found) > 150
    with translation.override("fr"):
        for route in found:
            kwargs = url_kwargs_get(world, url_name=route.name, kwargs=route.kwargs)
            assert reverse(route.name, kwargs=kwargs or None).startswith("/fr/")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(world, people, role):
    """Anonymous visitors are sent to log in; the dashboard opens to office
    staff only (everyone else gets the styled refusal, store staff with a way
    back to their counter); store A's counter opens to its staff, its manager
    and office staff, its manager-only pages not to plain staff; another
    store's staff and customers are refused it. The buyers' area opens to the
    buyers of a company (its admin's pages to the admin only); another
    company's buyer finds none of company A's requests, quotes or people, and
    nobody else gets in."""
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    wrong = []
    with translation.override("fr"):
        for route in routes():
            try:
                kwargs = url_kwargs_get(world, url_name=route.name, kwargs=route.kwargs)
            except UnknownKwarg as missing:
                pytest.fail(str(missing))
            url = reverse(route.name, kwargs=kwargs or None)
            response = _open(client, url)
            want, got = expected(route, role), outcome(response)
            if want != got:
                wrong.append(f"{url} ({route.name}): {got} [{response.status_code}]")
                continue
            if got == "denied":
                page = response.content.decode()
                if 'id="forbidden"' not in page:
                    wrong.append(f"{url}: a bare 403, not the shop's page")
                elif (
                    role in ("staff_a", "staff_b", "manager_a")
                    and 'href="/fr/store/"' not in page
                ):
                    wrong.append(f"{url}: no way back to the counter")
    assert not wrong, f"{role} ({len(wrong)} pages wrong):\n" + "\n".join(wrong)
