"""Product photos in a few widths, for responsive `<img srcset>`.

Renditions are WebP files at names derived from the original's, so a page finds
their URLs without a query. They are made when an image is saved (after commit)
and, for images saved before this existed, on the first page that shows them;
after that a render only checks that the largest file exists.

Two shapes: "square" crops to the centre (cards, gallery thumbnails, fixed 1:1 so
nothing shifts when they load); "fit" keeps the whole photo (the product page).
"""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

FOLDER = "renditions"
WIDTHS = {"square": (160, 320, 480, 640), "fit": (480, 800, 1200)}
QUALITY = 82
# WebP effort (0-6): 3 writes about twice as fast as the default 4, nearly as small.
METHOD = 3


@dataclass(frozen=True)
class Picture:
    """What an `<img>` needs: a fallback src, a srcset and the intrinsic size."""

    src: str
    srcset: str
    width: int
    height: int


def rendition_name(original: str, shape: str, width: int) -> str:
    path = PurePosixPath(original)
    return f"{FOLDER}/{path.parent}/{path.stem}-{shape}{width}.webp"


def renditions_make(original: str) -> dict[str, tuple[int, int]]:
    """Write every rendition of an original file; return each shape's size ratio."""
    with default_storage.open(original) as file:
        source = ImageOps.exif_transpose(Image.open(file))
        source = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    sizes = {}
    for shape, widths in WIDTHS.items():
        for width in widths:
            if shape == "square":
                image = ImageOps.fit(source, (width, width), Image.Resampling.LANCZOS)
            else:
                # Never enlarge: a small photo keeps its size under the wider
                # names, so the browser just gets the sharpest there is.
                scaled = min(width, source.width)
                height = round(source.height * scaled / source.width)
                image = source.resize((scaled, height), Image.Resampling.LANCZOS)
            sizes[shape] = image.size
            output = io.BytesIO()
            image.save(output, format="WEBP", quality=QUALITY, method=METHOD)
            name = rendition_name(original, shape, width)
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(output.getvalue()))
    return sizes


def renditions_delete(original: str) -> None:
    """Remove the renditions of an original (when it is replaced or deleted)."""
    for shape, widths in WIDTHS.items():
        for width in widths:
            name = rendition_name(original, shape, width)
            if default_storage.exists(name):
                default_storage.delete(name)


def picture_get(original: str, *, shape: str = "square") -> Picture | None:
    """Return the responsive picture of an original file, making it if missing."""
    if not original:
        return None
    widths = WIDTHS[shape]
    largest = rendition_name(original, shape, widths[-1])
    try:
        if not default_storage.exists(largest):
            renditions_make(original)
        if shape == "square":
            width = height = widths[-1]
        else:
            # Read only the header of the largest rendition for its proportions.
            with default_storage.open(largest) as file, Image.open(file) as image:
                width, height = image.size
    except (OSError, ValueError):
        # A missing or unreadable original: show no picture rather than fail.
        return None
    # A photo narrower than the widest name was not enlarged: offer what it has.
    offered = [w for w in widths if w <= width] or [widths[0]]
    urls = [default_storage.url(rendition_name(original, shape, w)) for w in offered]
    return Picture(
        src=urls[len(urls) // 2],
        srcset=", ".join(
            f"{url} {min(w, width)}w" for url, w in zip(urls, offered, strict=True)
        ),
        width=width,
        height=height,
    )
