"""Shared pages for shoppers with a session: each gets the cached page with
their own header, basket, messages, wish lists and CSRF token, never another
visitor's; and a change to one product throws away only what shows it."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from search import services
from tests.factories import CategoryFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    """English pages with the page cache on, as in production."""
    settings.PAGE_CACHE_SECONDS = 60
    with translation.override("en"):
        yield


@pytest.fixture
def saffron():
    return ProductFactory(
        title="Safran de Taliouine 1 g",
        stockrecords__price="120.00",
        stockrecords__num_in_stock=20,
    )


@pytest.fixture
def honey():
    return ProductFactory(
        title="Miel de thym 500 g",
        stockrecords__price="95.00",
        stockrecords__num_in_stock=8,
    )


def words(response) -> str:
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def header(response) -> str:
    html = response.content.decode()
    return re.search(r"<!-- user-nav -->(.*?)<!-- /user-nav -->", html, re.S)[1]


def with_basket(product, quantity):
    shopper = Client()
    response = shopper.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
    )
    assert response.status_code == 302
    return shopper


def test_two_shoppers_with_baskets_share_the_page_but_not_their_baskets(saffron, honey):
    """Both get the stored page, each with their own basket count and total."""
    Client().get(saffron.get_absolute_url())
    one, two = with_basket(saffron, 1), with_basket(honey, 3)

    first = one.get(saffron.get_absolute_url())
    second = two.get(saffron.get_absolute_url())

    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    assert "1 item" in words(first)
    assert "MAD120.00" in header(first)
    assert "3 items" in words(second)
    assert "MAD285.00" in header(second)
    assert "MAD285.00" not in header(first)
    assert "Safran de Taliouine 1 g" in words(second)
    assert "private" in second["Cache-Control"]


def test_a_signed_in_shopper_gets_the_shared_page_with_their_account_links(saffron):
    """Signed in: “My account” and “Log out” on the cached page; the next
    visitor without a session is offered to sign in."""
    customer = Client()
    customer.force_login(CustomerFactory())
    customer.get(saffron.get_absolute_url())

    signed_in = customer.get(saffron.get_absolute_url())
    visitor = Client().get(saffron.get_absolute_url())

    assert signed_in["X-Page-Cache"] == visitor["X-Page-Cache"] == "hit"
    assert "My account" in header(signed_in)
    assert "Log out" in header(signed_in)
    assert "Log in or register" in header(visitor)
    assert "My account" not in header(visitor)
    assert "Log out" not in header(visitor)


def test_staff_always_get_a_page_rendered_for_them(saffron):
    """Staff see edit links: they never get, nor fill, the shared copy."""
    staff = Client()
    staff.force_login(CustomerFactory(is_staff=True))
    Client().get(saffron.get_absolute_url())

    response = staff.get(saffron.get_absolute_url())

    assert response["X-Page-Cache"] == "bypass"
    assert "Edit this product" in words(response)
    assert "Edit this product" not in words(Client().get(saffron.get_absolute_url()))


def test_a_message_shows_once_to_its_shopper_only(saffron, honey):
    """The message of an add to basket shows on the shopper's next (cached)
    page, not on anyone else's, and only once."""
    Client().get(honey.get_absolute_url())
    shopper = Client()
    shopper.post(reverse("basket:add", kwargs={"pk": saffron.pk}), {"quantity": 1})
    other = with_basket(honey, 1)
    other.get(honey.get_absolute_url())

    first = shopper.get(honey.get_absolute_url())
    again = shopper.get(honey.get_absolute_url())
    neighbour = other.get(honey.get_absolute_url())

    assert first["X-Page-Cache"] == "hit"
    assert "has been added to your cart" in words(first)
    assert "has been added to your cart" not in words(again)
    assert "Safran de Taliouine" not in words(neighbour)


def test_a_shopper_served_from_the_cache_can_post_its_forms(saffron):
    """The basket form of a cached page carries the shopper's own CSRF token:
    with CSRF checks on, adding to the basket works."""
    Client().get(saffron.get_absolute_url())
    shopper = Client(enforce_csrf_checks=True)
    shopper.force_login(CustomerFactory())
    shopper.get(saffron.get_absolute_url())
    page = shopper.get(saffron.get_absolute_url())
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    )[1]

    response = shopper.post(
        reverse("basket:add", kwargs={"pk": saffron.pk}),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert page["X-Page-Cache"] == "hit"
    assert response.status_code == 302
    assert "1 item" in words(shopper.get(saffron.get_absolute_url()))


def test_wish_lists_and_recently_viewed_products_are_the_shoppers_own(saffron, honey):
    """A signed-in shopper sees their wish list on the cached page and the
    products they viewed; another visitor sees neither."""
    user = CustomerFactory()
    wishlist = get_model("wishlists", "WishList").objects.create(
        owner=user, name="Fêtes"
    )
    wishlist.add(saffron)
    shopper = Client()
    shopper.force_login(user)
    Client().get(saffron.get_absolute_url())
    shopper.get(honey.get_absolute_url())

    page = shopper.get(saffron.get_absolute_url())
    visitor = Client().get(saffron.get_absolute_url())

    assert page["X-Page-Cache"] == "hit"
    assert "Product is in 'Fêtes' wishlist." in words(page)
    assert "Products you recently viewed" in words(page)
    assert "Miel de thym" in words(page)
    assert "Fêtes" not in words(visitor)
    assert "Please login to add products to a wish list." in visitor.content.decode()
    assert "Products you recently viewed" not in words(visitor)


def test_a_browsing_shoppers_recently_viewed_products_cost_no_query(
    saffron, honey, django_assert_num_queries
):
    """A shopper who has viewed a few products gets each stored page with their
    own recently viewed list, priced, with no query: its cards come from the
    cache like a listing's (each product page view changes that list)."""
    oil = ProductFactory(title="Huile de nigelle 250 ml", stockrecords__price="80.00")
    shopper = Client()
    for product in (honey, oil, saffron, honey):
        shopper.get(product.get_absolute_url())

    with django_assert_num_queries(0):
        page = shopper.get(saffron.get_absolute_url())

    assert page["X-Page-Cache"] == "hit"
    viewed = words(page).split("Products you recently viewed")[1]
    assert viewed.index("Miel de thym") < viewed.index("Huile de nigelle")
    assert "MAD95.00" in viewed
    assert "MAD80.00" in viewed
    assert "Safran de Taliouine" not in viewed


def test_recently_viewed_products_leave_out_withdrawn_ones_and_bad_cookies(
    saffron, honey, committed
):
    """A product taken off sale leaves the list; a history cookie that is not
    a list of ids shows no list, and the page still answers."""
    oil = ProductFactory(title="Huile de nigelle 250 ml")
    shopper = Client()
    shopper.get(honey.get_absolute_url())
    shopper.get(saffron.get_absolute_url())
    honey.is_public = False
    committed(honey.save)

    page = shopper.get(oil.get_absolute_url())
    forged = Client()
    forged.cookies[settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME] = '["x", 1e99, -4]'
    odd = forged.get(saffron.get_absolute_url())

    assert "Safran de Taliouine" in words(page).split("recently viewed")[1]
    assert "Miel de thym" not in words(page)
    assert odd.status_code == 200
    assert "Products you recently viewed" not in words(odd)


def test_a_view_served_from_the_cache_still_counts(saffron):
    """Product views are counted whether the page was rendered or stored."""
    from shop.analytics.services import product_counters_flush

    for _visit in range(3):
        Client().get(saffron.get_absolute_url())
    product_counters_flush()

    record = get_model("analytics", "ProductRecord").objects.get(product=saffron)
    assert record.num_views == 3


# Fine-grained invalidation.


@pytest.fixture
def listed(committed):
    """Two products of one category, and an unrelated one, indexed."""
    oils = CategoryFactory(name="Huiles")
    products = {
        "argan": ProductFactory(
            title="Huile d'argane 250 ml",
            categories__category=oils,
            stockrecords__price="150.00",
        ),
        "olive": ProductFactory(
            title="Huile d'olive 1 l",
            categories__category=oils,
            stockrecords__price="80.00",
        ),
        "dates": ProductFactory(
            title="Dattes Mejhoul 1 kg", stockrecords__price="110.00"
        ),
    }
    services.index_rebuild()
    return oils, products


def set_price(committed, product, price):
    def change():
        record = product.stockrecords.get()
        record.price = price
        record.save()

    committed(change)
    # What the search index does after a sale or an edit (search.tasks).
    services.products_sync(product_ids=[product.pk])


def test_a_price_change_shows_on_its_page_and_listing_while_other_pages_stay(
    listed, committed, django_assert_num_queries
):
    """After a new argan price: its page and its category's listing show it on
    the next request; the unrelated dates page is still served from the cache."""
    oils, products = listed
    argan, dates = products["argan"], products["dates"]
    for url in (
        argan.get_absolute_url(),
        oils.get_absolute_url(),
        dates.get_absolute_url(),
    ):
        Client().get(url)
    assert "MAD150.00" in words(Client().get(oils.get_absolute_url()))

    set_price(committed, argan, "135.00")

    product_page = Client().get(argan.get_absolute_url())
    listing = Client().get(oils.get_absolute_url())
    with django_assert_num_queries(0):
        unrelated = Client().get(dates.get_absolute_url())
    assert product_page["X-Page-Cache"] != "hit"
    assert "MAD135.00" in words(product_page)
    assert "MAD150.00" not in words(product_page)
    assert listing["X-Page-Cache"] != "hit"
    assert "MAD135.00" in words(listing)
    assert "MAD80.00" in words(listing)
    assert unrelated["X-Page-Cache"] == "hit"


def test_a_sale_leaves_the_cached_pages_of_other_products(listed, committed):
    """Stock allocated by an order moves only the sold product's pages."""
    from shop.partner.services import stock_allocate_many

    oils, products = listed
    olive, dates = products["olive"], products["dates"]
    for product in (olive, dates):
        Client().get(product.get_absolute_url())

    record = olive.stockrecords.get()
    committed(lambda: stock_allocate_many(allocations=[(record, 2)]))

    assert Client().get(dates.get_absolute_url())["X-Page-Cache"] == "hit"
    assert Client().get(olive.get_absolute_url())["X-Page-Cache"] != "hit"


def test_a_sale_changes_the_units_left_on_its_page_and_keeps_its_listing(
    listed, committed
):
    """A sale that leaves the product in stock changes only the figure on its
    own page: the listing showing it ("In stock") stays cached."""
    from shop.partner.services import stock_allocate_many

    oils, products = listed
    olive = products["olive"]
    record = olive.stockrecords.get()
    left = record.net_stock_level
    assert f"In stock ({left} available)" in words(
        Client().get(olive.get_absolute_url())
    )
    Client().get(oils.get_absolute_url())

    committed(lambda: stock_allocate_many(allocations=[(record, 2)]))

    page = Client().get(olive.get_absolute_url())
    assert page["X-Page-Cache"] != "hit"
    assert f"In stock ({left - 2} available)" in words(page)
    assert Client().get(oils.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_sale_of_the_last_units_shows_in_its_listing(listed, committed):
    """The product then leaves the listing's "In stock" at once."""
    from shop.partner.services import stock_allocate_many

    oils, products = listed
    olive = products["olive"]
    record = olive.stockrecords.get()
    Client().get(oils.get_absolute_url())

    committed(
        lambda: stock_allocate_many(allocations=[(record, record.net_stock_level)])
    )

    listing = Client().get(oils.get_absolute_url())
    assert listing["X-Page-Cache"] != "hit"
    card = re.search(
        r"Huile d&#x27;olive 1 l.*?</article>", listing.content.decode(), re.S
    )
    assert card is not None
    assert "Unavailable" in card.group()
    assert "Unavailable" in words(Client().get(olive.get_absolute_url()))


def test_a_new_product_in_the_catalogue_shows_in_its_category(listed, committed):
    """Adding a product changes the structure: listings are rendered again."""
    oils, _products = listed
    Client().get(oils.get_absolute_url())

    committed(
        lambda: ProductFactory(
            title="Huile de figue de barbarie", categories__category=oils
        )
    )
    services.index_rebuild()

    assert "Huile de figue de barbarie" in words(Client().get(oils.get_absolute_url()))


def test_a_cached_fragment_follows_its_product(rf, saffron, committed):
    """A {% catalogue_fragment %} of a product is rendered again after the
    product changes, and not after another does."""
    from django.template import RequestContext, Template

    template = Template(
        '{% load page_parts %}{% catalogue_fragment "price" product %}'
        "{{ price }}{% endcatalogue_fragment %}"
    )

    def render(price):
        return template.render(
            RequestContext(rf.get("/"), {"product": saffron, "price": price})
        )

    assert render("120.00") == "120.00"
    other = ProductFactory()
    set_price(committed, other, "10.00")
    assert render("99.50") == "120.00"

    set_price(committed, saffron, "99.50")
    assert render("99.50") == "99.50"


def test_the_back_link_follows_each_visitors_own_referrer(saffron):
    """The page is shared, the way back is not: only the visitor who came from
    a search gets the link to it, and it is their search."""
    searched = {"HTTP_REFERER": "http://testserver/en/shop/search/?q=safran+bio"}
    Client().get(saffron.get_absolute_url(), **searched)

    searcher = Client().get(saffron.get_absolute_url(), **searched)
    direct = Client().get(saffron.get_absolute_url())

    assert searcher["X-Page-Cache"] == direct["X-Page-Cache"] == "hit"
    assert "Back to search results" in words(searcher)
    assert "q=safran+bio" in searcher.content.decode()
    assert "Back to search results" not in words(direct)
    assert "safran+bio" not in direct.content.decode()
