"""Role × URL: every dashboard and counter page, opened by every role.

The pages come from the URLconf itself (every route under `shop/dashboard/`,
Oscar's and ours, and under `store/`, the counter), so a new page is in the
matrix as soon as it is routed; the objects its URL names come from
tests/roles/world.py, which fails with what to add when it cannot build one.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from shop.instore.access import USE_COUNTER
from tests.roles.world import UnknownKwarg, url_kwargs_get, world_build

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer", "staff_a", "staff_b", "manager_a", "office"]
PREFIXES = ("shop/dashboard/", "store/")
# Pages of the dashboard anyone may open: signing in and out of it.
PUBLIC = {"dashboard:login", "dashboard:logout"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name
    route: str  # the full route, for messages
    kwargs: tuple[str, ...]
    # What a counter page needs besides acting for the store (CounterMixin).
    permission: str | None


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
    if role == "anonymous":
        return "login"
    if route.name == "instore:landing":
        return "denied" if role == "customer" else "allowed"
    if route.name.startswith("instore:"):
        # Built for store A.
        if role in ("customer", "staff_b"):
            return "denied"
        if role == "staff_a" and route.permission != USE_COUNTER:
            return "denied"
        return "allowed"
    return "allowed" if role == "office" else "denied"


def outcome(response) -> str:
    if response.status_code in (301, 302) and "/login/" in response["Location"]:
        return "login"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "not found"
    # 200, a redirect elsewhere, 405 for a page that only takes POST.
    return "allowed"


def _get(client, url):
    # Each page in a savepoint: a GET with side effects (Oscar's "link user"
    # is one) must not change what the next page finds.
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def world(store_a, store_b, people):
    return world_build(store_a=store_a, store_b=store_b, seller=people["manager_a"])


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
    } <= names
    assert len(found) > 120
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
    store's staff and customers are refused it."""
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
            response = _get(client, url)
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
