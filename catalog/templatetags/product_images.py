"""Responsive product pictures for templates (see catalog/renditions.py)."""

from dataclasses import dataclass

from django import template

from catalog import renditions

register = template.Library()


@dataclass(frozen=True)
class GallerySlide:
    alt: str
    main: renditions.Picture
    thumbnail: renditions.Picture


@register.simple_tag
def product_gallery_slides(product) -> list[GallerySlide]:
    """Return every image of a product: the whole photo and a square thumbnail."""
    slides = []
    for image in product.get_all_images():
        main = renditions.picture_get(image.original.name, shape="fit")
        thumbnail = renditions.picture_get(image.original.name)
        if main and thumbnail:
            slides.append(
                GallerySlide(
                    alt=image.caption or product.get_title(),
                    main=main,
                    thumbnail=thumbnail,
                )
            )
    return slides
