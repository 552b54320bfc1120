"""The demo draws each product's pack, in its cooperative's colours."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import OutputWrapper
from PIL import Image, ImageChops

from catalog.demo import builder, images
from catalog.models import Category, ProductImage
from tests.factories import CooperativeFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def drawing(sku, title, category, slug):
    return images.drawing_for(
        sku=sku,
        title=title,
        category=category,
        cooperative_slug=slug,
        cooperative="Coopérative Ajddigue",
    )


def differs(first, second) -> float:
    """Return the share of pixels that differ between two drawings."""
    diff = ImageChops.difference(images.render(first), images.render(second))
    changed = diff.convert("L").point(lambda value: 255 if value > 24 else 0)
    return changed.histogram()[255] / (images.SIZE * images.SIZE)


def test_an_oil_and_a_honey_of_one_cooperative_get_different_drawings():
    """Same cooperative, same colours, but a bottle and a jar: the pictures differ."""
    oil = drawing(
        "ARGALI-AJD-250",
        "Huile d'argane alimentaire 250 ml – Ajddigue",
        "Huiles > Huile d'argane",
        "ajddigue-tamanar",
    )
    honey = drawing(
        "MIETHY-AJD-250",
        "Miel de thym de l'Atlas 250 g – Ajddigue",
        "Miels",
        "ajddigue-tamanar",
    )
    assert (oil.kind, honey.kind) == ("bottle", "honey")
    assert oil.palette == honey.palette
    assert differs(oil, honey) > 0.05


def test_two_oils_of_different_cooperatives_differ_in_colours():
    """The same argan oil from two cooperatives: another background and label."""
    title = "Huile d'argane alimentaire 250 ml – {}"
    first = drawing(
        "ARGALI-TGH-250", title, "Huiles > Huile d'argane", "tighanimine-argan"
    )
    second = drawing(
        "ARGALI-TFY-250", title, "Huiles > Huile d'argane", "tafyoucht-essaouira"
    )
    assert first.kind == second.kind == "bottle"
    assert first.palette.background != second.palette.background
    assert first.palette.label != second.palette.label
    corner = (5, 5)
    assert images.render(first).getpixel(corner) != images.render(second).getpixel(
        corner
    )


def test_every_demo_kind_has_a_drawing_and_the_label_names_the_product():
    """Each kind draws; the label reads the short name and size, not the SKU."""
    assert {kind for _, kind, _ in images.KINDS} <= set(images.DRAWERS)
    assert images.split_title("Miel de thym de l'Atlas 250 g – Ajddigue") == (
        "Miel de thym de l'Atlas",
        "250 g",
    )
    assert images.split_title("Melon de Dakhla 1,5 kg – Oasis") == (
        "Melon de Dakhla",
        "1,5 kg",
    )


def legacy_tile(product):
    """A tile as the demo made them before drawings: '<sku>.jpg', 600 px."""
    output = io.BytesIO()
    Image.new("RGB", (600, 600), "teal").save(output, "JPEG")
    return ProductImage.objects.create(
        product=product,
        original=ContentFile(output.getvalue(), name=f"{product.upc.lower()}.jpg"),
        caption=product.title,
        display_order=0,
    )


def staff_photo(product):
    output = io.BytesIO()
    Image.new("RGB", (1200, 900), "darkorange").save(output, "JPEG")
    return ProductImage.objects.create(
        product=product, original=ContentFile(output.getvalue(), name="pot.jpg")
    )


def load_images() -> str:
    output = io.StringIO()
    builder._load_images(OutputWrapper(output))
    return output.getvalue()


def test_reloading_the_demo_replaces_legacy_tiles_and_keeps_uploaded_photos():
    """A legacy tile becomes a drawing in place; a staff photo stays untouched;
    a product without images gets one; a second load changes nothing."""
    category = Category.add_root(name="Miels")
    cooperative = CooperativeFactory(slug="ajddigue-tamanar")
    tiled, photographed, bare = (
        ProductFactory(
            upc=sku, title=title, cooperative=cooperative, categories__category=category
        )
        for sku, title in [
            ("MIETHY-AJD-250", "Miel de thym de l'Atlas 250 g – Ajddigue"),
            ("MIETHY-AJD-500", "Miel de thym de l'Atlas 500 g – Ajddigue"),
            ("MIECAR-AJD-500", "Miel de caroubier 500 g – Ajddigue"),
        ]
    )
    tile = legacy_tile(tiled)
    photo = staff_photo(photographed)
    photo_name, tile_name = photo.original.name, tile.original.name

    output = load_images()

    assert "Product images: 3 (1 created, 1 updated, 1 unchanged)" in output
    tile.refresh_from_db()
    assert tile.original.name.startswith("images/products/demo/miethy-ajd-250-")
    assert tile.original.name.endswith(".png")
    assert not default_storage.exists(tile_name)
    assert [image.pk for image in tiled.images.all()] == [tile.pk]
    photo.refresh_from_db()
    assert photo.original.name == photo_name
    assert list(photographed.images.all()) == [photo]
    assert bare.images.count() == 1
    with default_storage.open(tile.original.name) as file:
        assert Image.open(file).text[images.PNG_MARKER]

    again = load_images()

    assert "Product images: 3 (3 unchanged)" in again
    assert ProductImage.objects.count() == 3


def test_a_staff_photo_beside_a_drawing_is_kept_when_the_drawing_is_redrawn():
    """A photo added to a demo product stays, with its place, when the pack is
    drawn again."""
    category = Category.add_root(name="Miels")
    product = ProductFactory(
        upc="MIEJUJ-OUZ-500",
        title="Miel de jujubier (sedra) 500 g – Ouzoud",
        categories__category=category,
    )
    tile = legacy_tile(product)
    photo = staff_photo(product)
    photo.display_order = 1
    photo.save()

    load_images()

    assert [(image.pk, image.display_order) for image in product.images.all()] == [
        (tile.pk, 0),
        (photo.pk, 1),
    ]
    photo.refresh_from_db()
    assert photo.original.name.endswith("pot.jpg")
