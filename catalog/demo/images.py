"""Draw the demo's product pictures: the product's pack in its cooperative's colours.

Each kind of product (oil bottle, honey jar, saffron box, couscous bag…) has its
own drawing; the cooperative gives the palette (label, background) and the label
carries the product's short name, size and cooperative. Shapes are drawn at twice
the final size and scaled down, which smooths their edges.
"""

import colorsys
import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

SIZE = 800
SCALE = 2
# Bump when the drawings change: the demo load then redraws every picture.
DRAWING_VERSION = "4"
PNG_MARKER = "terroir-demo-drawing"
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """A cooperative's colours: deep label, light background, an accent."""

    label: RGB
    label_text: RGB
    background: RGB
    background_shade: RGB
    accent: RGB


@dataclass(frozen=True)
class Drawing:
    """What the picture shows: which pack, which contents, what the label says."""

    kind: str
    name: str
    size: str
    cooperative: str
    contents: RGB
    palette: Palette


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    red, green, blue = colorsys.hls_to_rgb(hue % 1, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


# Deep label colours and light backgrounds (with the shelf's shade) from Moroccan
# crafts: majorelle blue, saffron, terracotta, cedar, indigo, plum… A cooperative's
# slug picks one of each, so its packs look alike and its neighbours' do not.
LABEL_COLOURS: list[RGB] = [
    (36, 64, 160),
    (160, 36, 30),
    (170, 80, 45),
    (36, 90, 60),
    (50, 40, 110),
    (110, 40, 90),
    (120, 24, 48),
    (20, 100, 110),
    (130, 85, 20),
    (85, 95, 30),
    (25, 45, 80),
    (170, 50, 90),
]
ACCENTS: list[RGB] = [(236, 196, 96), (150, 220, 190), (250, 180, 190), (170, 210, 250)]
BACKGROUNDS: list[tuple[RGB, RGB]] = [
    ((246, 238, 222), (230, 214, 188)),
    ((226, 240, 230), (200, 222, 206)),
    ((222, 234, 244), (196, 214, 230)),
    ((246, 228, 228), (228, 200, 200)),
    ((234, 228, 244), (210, 200, 228)),
    ((236, 240, 214), (212, 220, 180)),
]


def palette_for(cooperative_slug: str) -> Palette:
    """Return the cooperative's stable palette (the same slug, the same colours)."""

    def pick(choices, salt):
        return choices[zlib.crc32(f"{cooperative_slug}:{salt}".encode()) % len(choices)]

    background, shade = pick(BACKGROUNDS, "background")
    return Palette(
        label=pick(LABEL_COLOURS, "label"),
        label_text=(252, 244, 226),
        background=background,
        background_shade=shade,
        accent=pick(ACCENTS, "accent"),
    )


# (SKU prefix or category start, kind, contents colour); the first match wins.
KINDS: list[tuple[str, str, RGB]] = [
    ("ARGCOS", "dropper", (214, 165, 62)),
    ("FDBHUI", "dropper", (196, 170, 72)),
    ("ROSHEL", "dropper", (226, 180, 120)),
    ("NIGHUI", "bottle", (150, 118, 40)),
    ("ARGGRI", "bottle", (160, 92, 28)),
    ("ARG", "bottle", (200, 128, 36)),
    ("OLVBIO-KHR-3000", "can", (128, 140, 40)),
    ("OLVBIO-CHD-3000", "can", (128, 140, 40)),
    ("OLVEXT", "bottle", (150, 160, 46)),
    ("OLVBIO", "bottle", (132, 150, 40)),
    ("OLVCAS", "jar", (140, 156, 60)),
    ("OLVNOI", "jar", (58, 44, 52)),
    ("ROSEAU", "flask", (250, 214, 222)),
    ("ROSCRE", "pot", (250, 226, 232)),
    ("ROSBOU", "bag", (196, 70, 104)),
    ("ROSCON", "jar", (190, 52, 84)),
    ("SAFTHE", "tea", (82, 120, 52)),
    ("SAF", "saffron", (196, 34, 24)),
    ("DATSIR", "jar", (88, 44, 24)),
    ("DATPAT", "jar", (104, 58, 30)),
    ("DAT", "dates", (104, 52, 26)),
    ("MIE", "honey", (222, 150, 28)),
    ("AMLCAC", "jar", (150, 90, 44)),
    ("AML", "jar", (128, 72, 36)),
    ("CSCORT", "bag", (120, 140, 72)),
    ("CSC", "bag", (226, 196, 120)),
    ("SEM", "bag", (232, 206, 132)),
    ("FAR", "bag", (206, 180, 128)),
    ("HRBMEN", "tea", (72, 130, 72)),
    ("HRB", "herbs", (96, 128, 70)),
    ("EPISEL", "salt", (246, 244, 238)),
    ("EPIRAS", "spice", (170, 84, 40)),
    ("EPICUM", "spice", (150, 104, 54)),
    ("EPIPAP", "spice", (186, 46, 30)),
    ("EPIGIN", "spice", (214, 172, 96)),
    ("EPICUR", "spice", (228, 160, 20)),
    ("EPI", "spice", (150, 60, 34)),
    ("SAVNOI", "pot", (46, 34, 26)),
    ("GHASSO", "pot", (170, 120, 90)),
    ("BEURAR", "pot", (244, 228, 190)),
    ("GOMARG", "pot", (150, 96, 56)),
    ("HENNE", "spice", (112, 136, 50)),
    ("SAVCHA", "soap", (240, 232, 212)),
    ("SMEN", "pot", (236, 206, 120)),
    ("RAIBNA", "dairy", (250, 248, 240)),
    ("LBEN", "dairy", (250, 248, 240)),
    ("FRO", "cheese", (248, 240, 214)),
    ("JBEN", "cheese", (252, 250, 240)),
    ("CLE", "fruit", (240, 128, 24)),
    ("ORA", "fruit", (246, 146, 30)),
    ("FDBFRA", "fruit", (214, 88, 60)),
    ("CER", "fruit", (168, 20, 40)),
    ("TOM", "fruit", (222, 40, 30)),
    ("MEL", "fruit", (214, 206, 110)),
    ("FRA", "fruit", (220, 30, 50)),
    ("AVO", "fruit", (60, 90, 34)),
    ("AMD", "nuts", (196, 140, 92)),
    ("PATAMD", "jar", (226, 200, 160)),
    ("FIGSEC", "nuts", (90, 60, 70)),
    ("SELLOU", "jar", (120, 80, 48)),
    ("CITCON", "jar", (236, 200, 60)),
    ("HARISS", "jar", (176, 30, 24)),
    ("POIGRI", "jar", (200, 56, 30)),
    ("CONFCL", "jar", (240, 128, 30)),
    ("CONFFB", "jar", (200, 60, 80)),
    ("CONFCE", "jar", (140, 20, 40)),
    ("AGN", "meat", (196, 80, 82)),
    ("KHLII", "jar", (140, 70, 50)),
]
# Products outside the demo's SKUs: a kind from the top category.
CATEGORY_KINDS: dict[str, tuple[str, RGB]] = {
    "Huiles": ("bottle", (200, 140, 40)),
    "Miels": ("honey", (222, 150, 28)),
    "Safran": ("saffron", (196, 34, 24)),
    "Dattes": ("dates", (104, 52, 26)),
    "Couscous et céréales": ("bag", (226, 196, 120)),
    "Épices et herbes": ("spice", (170, 84, 40)),
    "Fromages et produits laitiers": ("cheese", (248, 240, 214)),
    "Fruits et légumes frais": ("fruit", (240, 128, 24)),
    "Fruits secs et amandes": ("nuts", (196, 140, 92)),
    "Viandes": ("meat", (196, 80, 82)),
    "Produits de la rose": ("flask", (250, 214, 222)),
    "Cosmétiques naturels": ("pot", (230, 210, 170)),
}


def kind_for(*, sku: str, category: str) -> tuple[str, RGB]:
    """Return the drawing kind and contents colour for a product."""
    for prefix, kind, colour in KINDS:
        if sku.upper().startswith(prefix):
            return kind, colour
    return CATEGORY_KINDS.get(category.split(" > ")[0], ("jar", (190, 140, 80)))


SIZE_PATTERN = re.compile(r"\s+(\d+(?:[,.]\d+)?\s*(?:ml|l|g|kg))\b", re.IGNORECASE)


def split_title(title: str) -> tuple[str, str]:
    """Split "Miel de thym 250 g – Coop" into ("Miel de thym", "250 g")."""
    name = title.split(" – ")[0].strip()
    match = SIZE_PATTERN.search(name)
    if not match:
        return name, ""
    size = match.group(1)
    name = (name[: match.start()] + name[match.end() :]).strip(" ,")
    return name, size


def drawing_for(
    *, sku: str, title: str, category: str, cooperative_slug: str, cooperative: str
) -> Drawing:
    """Decide what a product's picture shows."""
    kind, contents = kind_for(sku=sku, category=category)
    name, size = split_title(title)
    return Drawing(
        kind=kind,
        name=name,
        size=size,
        cooperative=_short_cooperative(cooperative),
        contents=contents,
        palette=palette_for(cooperative_slug),
    )


def _short_cooperative(name: str) -> str:
    for prefix in ("Coopérative apicole ", "Coopérative laitière ", "Coopérative "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def drawing_key(drawing: Drawing) -> str:
    """Return a short digest that changes whenever the picture would change."""
    return f"{zlib.crc32(repr((DRAWING_VERSION, drawing)).encode()):08x}"


@cache
def _font(size: int, *, bold: bool = False, serif: bool = False):
    names = {
        (False, False): ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
        (True, False): ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
        (True, True): ("DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"),
        (False, True): ("DejaVuSerif.ttf", "LiberationSerif-Regular.ttf"),
    }[(bold, serif)]
    for folder in FONT_DIRS:
        for name in names:
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    return tuple(
        round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True)
    )


def _darker(colour: RGB, amount: float = 0.25) -> RGB:
    return _mix(colour, (0, 0, 0), amount)


def _lighter(colour: RGB, amount: float = 0.35) -> RGB:
    return _mix(colour, (255, 255, 255), amount)


class _Canvas:
    """Drawing helpers in a 0–1000 coordinate space, whatever the pixel size."""

    def __init__(self, image: Image.Image):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.unit = image.width / 1000

    def _box(self, box):
        return [round(value * self.unit) for value in box]

    def rect(self, box, fill, radius=0, outline=None, width=0):
        self.draw.rounded_rectangle(
            self._box(box),
            radius=round(radius * self.unit),
            fill=fill,
            outline=outline,
            width=round(width * self.unit),
        )

    def ellipse(self, box, fill, outline=None, width=0):
        self.draw.ellipse(
            self._box(box), fill=fill, outline=outline, width=round(width * self.unit)
        )

    def polygon(self, points, fill):
        self.draw.polygon([(x * self.unit, y * self.unit) for x, y in points], fill)

    def line(self, points, fill, width):
        self.draw.line(
            [(x * self.unit, y * self.unit) for x, y in points],
            fill=fill,
            width=round(width * self.unit),
            joint="curve",
        )

    def text_lines(self, lines, centre_x, top, max_width, fill, size, **font):
        """Write lines centred, shrinking the font until each fits max_width."""
        y = top
        for line in lines:
            points = size
            face = _font(round(points * self.unit), **font)
            while points > 14 and self.draw.textlength(line, font=face) > (
                max_width * self.unit
            ):
                points -= 2
                face = _font(round(points * self.unit), **font)
            self.draw.text(
                (centre_x * self.unit, y * self.unit),
                line,
                fill=fill,
                font=face,
                anchor="mt",
            )
            y += points * 1.18
        return y


def _wrap(text: str, width: int, lines: int) -> list[str]:
    words, result, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    result.append(current)
    if len(result) > lines:
        result = result[: lines - 1] + [" ".join(result[lines - 1 :])]
    return result


def _label(canvas: _Canvas, drawing: Drawing, box, *, lines=3, name_size=44):
    """The pack's label: cooperative colour, product name, size, cooperative."""
    left, top, right, bottom = box
    palette = drawing.palette
    width = right - left
    # A paper edge keeps a dark label readable on a dark pack.
    canvas.rect(
        (left - 7, top - 7, right + 7, bottom + 7),
        palette.label_text,
        radius=min(22, width / 10),
    )
    canvas.rect(box, palette.label, radius=min(18, width / 12))
    canvas.rect(
        (left + 10, top + 10, right - 10, bottom - 10),
        None,
        radius=min(12, width / 14),
        outline=palette.accent,
        width=4,
    )
    centre = (left + right) / 2
    name_lines = _wrap(drawing.name, max(8, round(width / (name_size * 0.52))), lines)
    height = len(name_lines) * name_size * 1.18 + (40 if drawing.size else 0) + 30
    y = top + max(24, (bottom - top - height) / 2)
    y = canvas.text_lines(
        [drawing.cooperative.upper()],
        centre,
        y,
        width - 40,
        palette.accent,
        22,
        bold=True,
    )
    y = canvas.text_lines(
        name_lines,
        centre,
        y + 8,
        width - 40,
        palette.label_text,
        name_size,
        bold=True,
        serif=True,
    )
    if drawing.size:
        canvas.text_lines(
            [drawing.size], centre, y + 6, width - 40, palette.accent, 30, bold=True
        )


def _shadow(canvas: _Canvas, drawing: Drawing, left, right, y=905):
    canvas.ellipse((left, y - 22, right, y + 22), drawing.palette.background_shade)


def _glass(canvas, box, contents, radius):
    left, top, right, bottom = box
    canvas.rect(box, _mix(contents, (255, 255, 255), 0.08), radius=radius)
    canvas.rect(
        (left + 22, top + 30, left + 50, bottom - 40),
        _lighter(contents, 0.45),
        radius=14,
    )


def _draw_bottle(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 300, 700)
    canvas.rect((445, 80, 555, 150), _darker(drawing.palette.label, 0.3), radius=14)
    canvas.rect((458, 140, 542, 270), _mix(c, (40, 40, 20), 0.25), radius=10)
    canvas.polygon([(458, 250), (542, 250), (680, 380), (320, 380)], _darker(c, 0.1))
    canvas.ellipse((320, 330, 680, 430), _darker(c, 0.1))
    _glass(canvas, (320, 370, 680, 905), c, 50)
    _label(canvas, drawing, (345, 480, 655, 800))


def _draw_dropper(canvas, drawing):
    c = _mix(drawing.contents, (70, 30, 10), 0.55)
    _shadow(canvas, drawing, 330, 670)
    canvas.ellipse((440, 120, 560, 230), (40, 34, 30))
    canvas.rect((455, 180, 545, 300), (40, 34, 30), radius=10)
    canvas.rect((420, 290, 580, 360), (205, 170, 90), radius=10)
    canvas.rect((330, 350, 670, 905), c, radius=60)
    canvas.rect((352, 380, 382, 860), _lighter(c, 0.35), radius=14)
    _label(canvas, drawing, (360, 470, 640, 800), name_size=38)


def _draw_flask(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 280, 720)
    canvas.rect((455, 70, 545, 150), _darker(drawing.palette.label, 0.2), radius=12)
    canvas.rect((465, 140, 535, 300), _lighter(c, 0.5), radius=8)
    canvas.ellipse((270, 260, 730, 905), _mix(c, (255, 255, 255), 0.2))
    canvas.ellipse((310, 330, 380, 560), _lighter(c, 0.7))
    _label(canvas, drawing, (330, 470, 670, 760), name_size=40)
    _rose(canvas, 760, 760, 70)


def _draw_can(canvas, drawing):
    c = drawing.palette.label
    _shadow(canvas, drawing, 260, 740)
    canvas.rect((570, 110, 660, 200), (190, 190, 180), radius=10)
    canvas.rect((260, 170, 740, 905), _lighter(drawing.palette.accent, 0.2), radius=30)
    canvas.rect((260, 170, 740, 230), (190, 190, 180), radius=20)
    _olive_branch(canvas, 500, 300, drawing.contents)
    _label(canvas, drawing, (300, 420, 700, 840), name_size=48)
    del c


def _draw_jar(canvas, drawing, *, lid=None):
    c = drawing.contents
    _shadow(canvas, drawing, 240, 760)
    lid = lid or _darker(drawing.palette.label, 0.15)
    canvas.rect((270, 240, 730, 340), lid, radius=24)
    canvas.rect((270, 300, 730, 340), _darker(lid, 0.2), radius=8)
    canvas.rect((250, 330, 750, 905), c, radius=70)
    canvas.rect((275, 370, 315, 860), _lighter(c, 0.35), radius=18)
    _label(canvas, drawing, (320, 450, 680, 800))


def _draw_honey(canvas, drawing):
    _draw_jar(canvas, drawing, lid=(236, 220, 170))
    canvas.line([(700, 110), (700, 250)], (120, 80, 30), 14)
    canvas.ellipse((650, 80, 750, 150), (160, 100, 30))
    canvas.polygon([(640, 240), (760, 240), (740, 290), (660, 290)], drawing.contents)
    _bee(canvas, 210, 200)


def _draw_pot(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 200, 800)
    canvas.rect((220, 400, 780, 500), _darker(drawing.palette.label, 0.1), radius=30)
    canvas.rect((230, 480, 770, 905), _lighter(drawing.palette.accent, 0.55), radius=60)
    canvas.ellipse((330, 300, 670, 420), c)
    canvas.ellipse((400, 320, 520, 370), _lighter(c, 0.4))
    _label(canvas, drawing, (290, 540, 710, 850), name_size=40)


def _draw_saffron(canvas, drawing):
    _shadow(canvas, drawing, 240, 760)
    canvas.rect((260, 300, 740, 905), (250, 246, 238), radius=20)
    canvas.rect((260, 300, 740, 380), _darker(drawing.palette.label, 0.1), radius=20)
    for index in range(9):
        x = 330 + index * 40
        canvas.line(
            [(x, 520), (x + 20, 450), (x + 10 - index % 3 * 10, 400)],
            drawing.contents,
            10,
        )
    _label(canvas, drawing, (290, 560, 710, 870), name_size=40)
    _crocus(canvas, 770, 280)


def _draw_tea(canvas, drawing):
    _shadow(canvas, drawing, 260, 740)
    canvas.rect((280, 220, 720, 905), _lighter(drawing.palette.accent, 0.5), radius=16)
    canvas.rect((280, 220, 720, 300), drawing.palette.label, radius=16)
    _leaf(canvas, 430, 400, drawing.contents, 50)
    _leaf(canvas, 560, 380, _darker(drawing.contents, 0.2), 60)
    _label(canvas, drawing, (310, 500, 690, 860), name_size=42)


def _draw_dates(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 150, 850, y=900)
    canvas.polygon([(140, 460), (860, 460), (800, 890), (200, 890)], (196, 150, 90))
    for row, y in enumerate((390, 440)):
        for index in range(6):
            x = 200 + index * 110 + row * 50
            canvas.ellipse((x, y, x + 130, y + 80), _mix(c, (0, 0, 0), 0.1 * row))
            canvas.ellipse((x + 25, y + 12, x + 70, y + 32), _lighter(c, 0.3))
    canvas.polygon([(140, 460), (860, 460), (840, 520), (160, 520)], (170, 120, 70))
    _label(canvas, drawing, (270, 560, 730, 860), lines=2)
    _palm(canvas, 800, 250)


def _draw_bag(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 230, 770)
    kraft = (196, 160, 112)
    canvas.polygon([(290, 210), (710, 210), (760, 905), (240, 905)], kraft)
    canvas.polygon([(290, 210), (710, 210), (690, 270), (310, 270)], _darker(kraft))
    for index in range(5):
        canvas.line(
            [(300 + index * 100, 215), (330 + index * 90, 265)], _darker(kraft, 0.35), 6
        )
    canvas.ellipse((380, 300, 620, 380), c)
    for index in range(12):
        x = 400 + (index * 37) % 200
        y = 315 + (index * 23) % 50
        canvas.ellipse((x, y, x + 16, y + 12), _darker(c, 0.2))
    _label(canvas, drawing, (300, 430, 700, 820))


def _draw_herbs(canvas, drawing):
    _draw_bag(canvas, drawing)
    for index in range(5):
        _leaf(canvas, 380 + index * 60, 290 - (index % 2) * 40, drawing.contents, 40)


def _draw_spice(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 120, 880, y=890)
    canvas.ellipse((120, 560, 880, 890), _darker(drawing.palette.label, 0.1))
    canvas.polygon([(200, 700), (500, 380), (800, 700)], c)
    canvas.ellipse((200, 600, 800, 800), c)
    canvas.polygon([(400, 480), (500, 380), (540, 420)], _lighter(c, 0.2))
    canvas.rect((120, 690, 880, 720), _darker(drawing.palette.label, 0.3), radius=10)
    _label(canvas, drawing, (250, 90, 750, 330), lines=2, name_size=40)


def _draw_salt(canvas, drawing):
    _draw_jar(canvas, drawing, lid=(230, 230, 230))
    for index in range(20):
        x = 280 + (index * 53) % 420
        y = 820 + (index * 17) % 60
        canvas.rect((x, y, x + 18, y + 18), (220, 226, 232), radius=3)


def _draw_soap(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 150, 850, y=800)
    canvas.polygon([(150, 520), (620, 420), (850, 520), (380, 640)], _lighter(c, 0.3))
    canvas.polygon([(150, 520), (380, 640), (380, 800), (150, 680)], _darker(c, 0.08))
    canvas.polygon([(380, 640), (850, 520), (850, 680), (380, 800)], _darker(c, 0.18))
    for index in range(3):
        x = 420 + index * 90
        canvas.ellipse(
            (x, 240 - index * 40, x + 70, 310 - index * 40),
            None,
            outline=_darker(drawing.palette.background, 0.2),
            width=6,
        )
    _label(canvas, drawing, (180, 60, 560, 360), lines=2, name_size=38)


def _draw_cheese(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 120, 880, y=860)
    canvas.rect((120, 730, 880, 830), (150, 104, 60), radius=40)
    canvas.ellipse((200, 520, 800, 640), _darker(c, 0.08))
    canvas.rect((200, 580, 800, 740), _darker(c, 0.08))
    canvas.ellipse((200, 680, 800, 790), _darker(c, 0.12))
    canvas.ellipse((200, 510, 800, 630), c)
    for x, y in ((320, 550), (600, 560), (460, 590)):
        canvas.ellipse((x, y, x + 40, y + 20), _darker(c, 0.1))
    _leaf(canvas, 740, 520, (90, 130, 70), 50)
    _label(canvas, drawing, (230, 90, 770, 420), name_size=44)


def _draw_dairy(canvas, drawing):
    _shadow(canvas, drawing, 300, 700)
    canvas.rect((400, 110, 600, 180), drawing.palette.label, radius=16)
    canvas.polygon([(410, 170), (590, 170), (690, 360), (310, 360)], (250, 250, 246))
    canvas.rect((310, 340, 690, 905), (250, 250, 246), radius=40)
    canvas.rect((335, 380, 365, 860), (255, 255, 255), radius=12)
    _label(canvas, drawing, (340, 460, 660, 800), name_size=40)


def _draw_fruit(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 130, 870, y=900)
    wood = (200, 150, 96)
    for x, y in ((230, 380), (400, 350), (570, 380), (310, 300), (490, 290)):
        canvas.ellipse((x, y, x + 200, y + 190), c)
        canvas.ellipse((x + 40, y + 30, x + 90, y + 70), _lighter(c, 0.35))
        _leaf(canvas, x + 110, y - 5, (70, 120, 50), 28)
    canvas.rect((140, 520, 860, 900), wood, radius=14)
    for y in (600, 700, 800):
        canvas.line([(140, y), (860, y)], _darker(wood, 0.2), 6)
    _label(canvas, drawing, (230, 560, 770, 870), lines=2)


def _draw_nuts(canvas, drawing):
    c = drawing.contents
    _shadow(canvas, drawing, 150, 850, y=890)
    canvas.ellipse((150, 600, 850, 890), _darker(drawing.palette.label, 0.1))
    for index in range(14):
        x = 220 + (index * 83) % 520
        y = 560 + (index * 29) % 90
        canvas.ellipse((x, y, x + 80, y + 50), _mix(c, (0, 0, 0), index % 3 * 0.08))
    canvas.rect((150, 700, 850, 730), _darker(drawing.palette.label, 0.3), radius=10)
    _label(canvas, drawing, (250, 90, 750, 440), name_size=44)


def _draw_meat(canvas, drawing):
    """A butcher's parcel tied with twine, a cut of meat showing at the top."""
    c = drawing.contents
    _shadow(canvas, drawing, 160, 840, y=900)
    canvas.ellipse((300, 250, 700, 470), c)
    canvas.ellipse((360, 290, 560, 400), _lighter(c, 0.35))
    canvas.ellipse((590, 320, 650, 380), (248, 240, 230))
    paper = (236, 222, 196)
    canvas.rect((170, 400, 830, 900), paper, radius=28)
    canvas.polygon([(170, 400), (830, 400), (500, 520)], _darker(paper, 0.08))
    twine = _darker(drawing.palette.label, 0.05)
    canvas.line([(500, 400), (500, 900)], twine, 10)
    _label(canvas, drawing, (250, 560, 750, 850), lines=2)
    _leaf(canvas, 760, 380, (80, 120, 70), 46)


def _leaf(canvas, x, y, colour, size):
    canvas.ellipse((x - size, y - size / 2.5, x + size, y + size / 2.5), colour)
    canvas.line([(x - size, y), (x + size, y)], _darker(colour, 0.3), 4)


def _rose(canvas, x, y, size):
    for index, scale in enumerate((1, 0.72, 0.44)):
        colour = _mix((220, 80, 120), (120, 20, 50), index * 0.3)
        radius = size * scale
        canvas.ellipse((x - radius, y - radius, x + radius, y + radius), colour)
    _leaf(canvas, x - size, y + size, (70, 120, 60), size * 0.6)


def _crocus(canvas, x, y):
    canvas.line([(x, y + 60), (x, y + 200)], (80, 130, 60), 10)
    for angle_x in (-50, 0, 50):
        canvas.ellipse(
            (x + angle_x - 35, y - 60, x + angle_x + 35, y + 80), (150, 100, 200)
        )
    for offset in (-12, 0, 12):
        canvas.line([(x, y + 40), (x + offset * 3, y - 60)], (220, 40, 20), 8)


def _bee(canvas, x, y):
    canvas.ellipse((x - 30, y - 55, x + 10, y - 5), (235, 240, 250))
    canvas.ellipse((x, y - 55, x + 40, y - 5), (235, 240, 250))
    canvas.ellipse((x - 45, y - 25, x + 55, y + 35), (236, 180, 30))
    for offset in (-10, 20):
        canvas.rect((x + offset, y - 22, x + offset + 14, y + 32), (40, 30, 20))


def _palm(canvas, x, y):
    canvas.line([(x, y + 40), (x + 20, y + 240)], (120, 80, 40), 18)
    for dx, dy in ((-100, 20), (100, 20), (-70, -50), (70, -50), (0, -80)):
        canvas.line([(x, y + 40), (x + dx, y + dy)], (60, 120, 60), 22)


def _olive_branch(canvas, x, y, colour):
    canvas.line([(x - 140, y + 20), (x + 140, y - 20)], (100, 110, 60), 8)
    for index in range(4):
        _leaf(canvas, x - 100 + index * 70, y + (-1) ** index * 30, (110, 140, 70), 36)
    canvas.ellipse((x - 20, y + 10, x + 30, y + 60), colour)
    canvas.ellipse((x + 60, y - 40, x + 110, y + 10), colour)


DRAWERS: dict[str, Callable] = {
    "bottle": _draw_bottle,
    "dropper": _draw_dropper,
    "flask": _draw_flask,
    "can": _draw_can,
    "jar": _draw_jar,
    "honey": _draw_honey,
    "pot": _draw_pot,
    "saffron": _draw_saffron,
    "tea": _draw_tea,
    "dates": _draw_dates,
    "bag": _draw_bag,
    "herbs": _draw_herbs,
    "spice": _draw_spice,
    "salt": _draw_salt,
    "soap": _draw_soap,
    "cheese": _draw_cheese,
    "dairy": _draw_dairy,
    "fruit": _draw_fruit,
    "nuts": _draw_nuts,
    "meat": _draw_meat,
}


def render(drawing: Drawing) -> Image.Image:
    """Draw the picture, SIZE pixels square."""
    image = Image.new("RGB", (SIZE * SCALE, SIZE * SCALE), drawing.palette.background)
    canvas = _Canvas(image)
    # A soft band behind the pack, like a shelf in the cooperative's colours.
    canvas.rect((0, 700, 1000, 1000), drawing.palette.background_shade)
    canvas.rect(
        (0, 692, 1000, 708),
        _mix(drawing.palette.accent, drawing.palette.background_shade, 0.6),
    )
    DRAWERS[drawing.kind](canvas, drawing)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def png_bytes(drawing: Drawing) -> bytes:
    """Return the picture as PNG, marked as a demo drawing in its metadata."""
    info = PngImagePlugin.PngInfo()
    info.add_text(PNG_MARKER, drawing_key(drawing))
    output = io.BytesIO()
    render(drawing).save(output, format="PNG", optimize=False, pnginfo=info)
    return output.getvalue()


DEMO_FOLDER = "images/products/demo"
# Tiles from before the drawings: "<sku>.jpg" (Django may have added "_<7 chars>")
# in Oscar's dated upload folders, captioned with the product's title.
LEGACY_TILE = re.compile(r"images/products/\d{4}/\d{2}/(?P<sku>[^/]+?)(_\w{7})?\.jpg")


def is_demo_picture(image, product) -> bool:
    """Tell whether the demo drew this image (now or as a legacy tile)."""
    name = image.original.name or ""
    if name.startswith(f"{DEMO_FOLDER}/"):
        return True
    legacy = LEGACY_TILE.fullmatch(name)
    return bool(
        legacy
        and legacy["sku"] == (product.upc or "").lower()
        and image.caption == product.title
    )


def demo_picture_sync(*, product, drawing: Drawing, image_model) -> str:
    """Give a product its drawing; return "created", "updated" or "unchanged".

    A product's own photos are left as they are; a product with only photos
    gets no drawing. An earlier drawing or legacy tile is replaced in place
    (same row, same position), so a product never gets a second one.
    """
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from catalog import renditions

    images = list(product.images.all())
    drawn = [image for image in images if is_demo_picture(image, product)]
    if images and not drawn:
        return "unchanged"
    stem = (product.upc or str(product.pk)).lower()
    name = f"{DEMO_FOLDER}/{stem}-{drawing_key(drawing)}.png"
    if drawn and drawn[0].original.name == name and len(drawn) == 1:
        return "unchanged"
    for extra in drawn[1:]:
        extra.delete()
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(png_bytes(drawing)))
    if not drawn:
        image_model.objects.create(
            product=product, original=saved, caption=product.title, display_order=0
        )
        return "created"
    image = drawn[0]
    old = image.original.name
    renditions.renditions_delete(old)
    if old != saved and default_storage.exists(old):
        default_storage.delete(old)
    image.original.name = saved
    image.caption = product.title
    image.save()
    return "updated"
