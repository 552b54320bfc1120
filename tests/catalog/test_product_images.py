"""Product photos are responsive: a few widths, a fixed size, lazy but the first."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image

from catalog.models import ProductImage
from cms import selectors
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(product, colour="darkorange", size=(1200, 900), order=0):
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, "JPEG")
    return ProductImage.objects.create(
        product=product,
        original=ContentFile(output.getvalue(), name=f"{colour}.jpg"),
        display_order=order,
    )


def cards(products, rf):
    return selectors.product_cards_get(
        product_ids=[product.pk for product in products],
        strategy=selectors.strategy_for(rf.get("/")),
    )


def test_a_card_offers_the_photo_in_several_widths_at_a_fixed_size(rf):
    """The card's image has a srcset, sizes, width and height, and loads lazily."""
    product = ProductFactory()
    photo(product)
    [card] = cards([product], rf)

    html = render_to_string(
        "includes/product_card.html", {"card": card, "request": rf.get("/")}
    )

    img = re.search(r"<img [^>]+>", html)[0]
    assert re.findall(r"square(\d+)\.webp (\d+)w", img) == [
        ("160", "160"),
        ("320", "320"),
        ("480", "480"),
        ("640", "640"),
    ]
    assert 'sizes="' in img
    assert 'width="640" height="640"' in img
    assert 'loading="lazy"' in img


def test_cards_with_photos_query_as_much_for_two_products_as_for_six(rf):
    """Photo renditions add no query per card."""
    products = [ProductFactory() for _ in range(6)]
    for number, product in enumerate(products):
        photo(product, colour=f"#{number * 30:02x}8040")

    def queries(some):
        with CaptureQueriesContext(connection) as captured:
            found = cards(some, rf)
        assert all(card.image for card in found)
        return len(captured)

    assert queries(products[:2]) == queries(products)


def test_the_product_page_shows_every_photo_with_thumbnails_to_choose(client):
    """Three photos: three slides, three thumbnails, the first loaded at once."""
    product = ProductFactory(title="Miel de thym 250 g")
    for order, colour in enumerate(["gold", "sienna", "olive"]):
        photo(product, colour=colour, order=order)

    content = client.get(product.get_absolute_url()).content.decode()

    slides = re.findall(r'<figure class="gallery__slide"><img ([^>]+)>', content)
    assert len(slides) == 3
    first, *others = slides
    assert 'fetchpriority="high"' in first
    assert 'loading="eager"' in first
    assert all('loading="lazy"' in other for other in others)
    for slide in slides:
        assert re.search(r"fit480\.webp 480w, .+fit800\.webp 800w", slide)
        assert 'width="1200" height="900"' in slide
        assert 'sizes="' in slide
    choices = re.findall(r'<input class="gallery__choice" type="radio"[^>]*>', content)
    assert len(choices) == 3
    assert "checked" in choices[0]
    thumbnails = re.findall(
        r'<label class="gallery__thumbnail" for="([^"]+)">', content
    )
    assert thumbnails == [f"gallery-choice-{number}" for number in (1, 2, 3)]
    assert "Image 2 of 3" in content


def test_a_product_with_one_photo_shows_it_without_thumbnails(client):
    """One photo: the main image only, no choice to make."""
    product = ProductFactory()
    photo(product)

    content = client.get(product.get_absolute_url()).content.decode()

    assert content.count('class="gallery__slide"') == 1
    assert "gallery__choice" not in content
    assert "gallery__thumbnail" not in content


def test_a_small_photo_is_not_enlarged_on_the_product_page(client):
    """An 800 px photo is offered up to 800 px, never stretched to 1200."""
    product = ProductFactory()
    photo(product, size=(800, 600))

    content = client.get(product.get_absolute_url()).content.decode()

    img = re.search(r'<figure class="gallery__slide"><img ([^>]+)>', content)[1]
    assert re.findall(r"fit\d+\.webp (\d+)w", img) == ["480", "800"]
    assert 'width="800" height="600"' in img


def test_an_uploaded_photo_gets_its_sizes_once_saved(
    settings, media, django_capture_on_commit_callbacks
):
    """In production the sizes are written after the upload commits, so the
    first shopper to see the photo does not wait for them."""
    settings.PRODUCT_IMAGE_RENDITIONS_ON_UPLOAD = True
    with django_capture_on_commit_callbacks(execute=True):
        image = photo(ProductFactory())

    written = {path.name for path in media.rglob("*.webp")}
    stem = image.original.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert f"{stem}-square640.webp" in written
    assert len([name for name in written if name.startswith(stem)]) == 7
