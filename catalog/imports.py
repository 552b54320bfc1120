"""Import the office's catalogue spreadsheet (CSV) into cooperatives and products.

Format: UTF-8 (with or without BOM), ";" or "," between cells, a header row
naming the columns below (any order; unknown columns are ignored and reported).
One row is one product at one stock location: the same SKU may appear on
several rows for different warehouses. A row is saved on its own (savepoint):
a bad row is reported with its line number and reason and the others go on.
Re-importing the same file changes nothing.

The SKU identifies the product: it is stored as the product's UPC and as the
partner SKU of its stock record at the row's warehouse.

``title`` and ``description`` are French; optional ``title_ar``, ``title_en``,
``description_ar`` and ``description_en`` columns give the other languages (an
empty cell keeps what the product has). A column naming another language
(``title_es``) refuses the file, as its texts would be lost.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import services
from catalog.models import Cooperative, ProductClass, Region
from catalog.services import translation_languages
from shop.partner.models import Partner

COLUMNS = {
    "sku": gettext_lazy(
        "Product reference (letters, digits, '-', '_', '.'), unique per product."
    ),
    "title": gettext_lazy("Product title shown to customers."),
    "description": gettext_lazy("Optional description."),
    "category": gettext_lazy(
        'Category path, levels separated by ">": "Huiles > Huile d\'argane".'
    ),
    "product_class": gettext_lazy("Existing product class (name or slug), e.g. Huile."),
    "cooperative_slug": gettext_lazy("Producing cooperative's slug."),
    "cooperative_name": gettext_lazy(
        "Cooperative name: creates or renames the cooperative."
    ),
    "cooperative_region": gettext_lazy("Cooperative region (needed to create it)."),
    "cooperative_city": gettext_lazy("Optional cooperative city."),
    "origin_region": gettext_lazy(
        "Origin region; blank means the cooperative's region."
    ),
    "cold_chain": gettext_lazy("oui/non (yes/no, 1/0): needs refrigerated storage."),
    "hs_code": gettext_lazy(
        "Customs HS code, 6 to 10 digits (dots and spaces are ignored)."
    ),
    "weight_g": gettext_lazy("Net weight in grams (product class attribute)."),
    "volume_ml": gettext_lazy("Volume in millilitres (product class attribute)."),
    "ingredients": gettext_lazy("Ingredients (product class attribute)."),
    "shelf_life_months": gettext_lazy(
        "Shelf life in months (product class attribute)."
    ),
    "shelf_life_days": gettext_lazy(
        "Shelf life in days, fresh products (class attribute)."
    ),
    "pack_size": gettext_lazy("Units per wholesale carton."),
    "moq": gettext_lazy("Wholesale minimum order quantity."),
    "price_mad": gettext_lazy("Price in dirhams, tax included: 120.00 or 120,00."),
    "stock": gettext_lazy("Units in stock at the warehouse (0 or more)."),
    "warehouse": gettext_lazy("Code of the stock location, e.g. entrepot-agadir."),
}
REQUIRED_COLUMNS = (
    "sku",
    "title",
    "category",
    "product_class",
    "cooperative_slug",
    "price_mad",
    "stock",
    "warehouse",
)
ATTRIBUTE_COLUMNS = (
    "weight_g",
    "volume_ml",
    "ingredients",
    "shelf_life_months",
    "shelf_life_days",
)
TRANSLATED_COLUMNS = ("title", "description")
# A column that looks like a translation ("title_es", "description_fr").
LANGUAGE_COLUMN = re.compile(r"^(title|description)_[a-z]{2,3}(-[a-z]+)?$")
INTEGER_ATTRIBUTES = {"weight_g", "volume_ml", "shelf_life_months", "shelf_life_days"}
TITLE_LENGTH = 255  # Oscar's product title column
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TRUE_WORDS = {"oui", "yes", "true", "vrai", "1", "o", "y"}
FALSE_WORDS = {"non", "no", "false", "faux", "0", "n", ""}


def language_columns() -> dict[str, str]:
    """Return the optional translation columns ("title_ar") and their meaning."""
    meanings = {
        "title": gettext_lazy("Product title in %(language)s."),
        "description": gettext_lazy("Description in %(language)s."),
    }
    return {
        f"{name}_{code}": meanings[name]
        % {"language": translation.get_language_info(code)["name_translated"]}
        for name in TRANSLATED_COLUMNS
        for code in translation_languages()
    }


def catalogue_columns() -> dict[str, str]:
    """Return every column the import reads and its meaning."""
    return {**COLUMNS, **language_columns()}


class CatalogueFileError(Exception):
    """The file as a whole cannot be imported (encoding, header)."""


class RowInvalid(Exception):
    """A row's cells cannot be read; the message lists every problem."""


@dataclass
class RowError:
    line: int
    sku: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cooperatives_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


@dataclass
class _Row:
    """The cells of one row, read and checked."""

    sku: str
    title: str
    description: str | None
    category: str
    product_class: ProductClass
    cooperative_slug: str
    cooperative_name: str | None
    cooperative_region: str | None
    cooperative_city: str | None
    origin_region: str | None
    cold_chain: bool | None
    hs_code: str | None
    attributes: dict
    pack_size: int | None
    moq: int | None
    price: Decimal
    stock: int
    warehouse: Partner
    translations: dict[str, str | None] = field(default_factory=dict)


def catalogue_import(
    *,
    path: Path,
    on_row: Callable[[int, str, services.Outcome | RowError], None] | None = None,
) -> ImportReport:
    """Import a catalogue CSV file row by row and report what happened.

    Raise CatalogueFileError if the file cannot be read at all.
    """
    header, rows = _read(path)
    known = catalogue_columns()
    report = ImportReport(ignored_columns=[c for c in header if c not in known])
    reader = _CellReader(languages=[c for c in header if c in language_columns()])
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        sku = cells.get("sku", "").strip()
        try:
            row = reader.read(cells)
            first_line = seen.setdefault((row.sku, row.warehouse.code), line)
            if first_line != line:
                raise RowInvalid(
                    _("SKU %(sku)s at %(warehouse)s is already on line %(line)s.")
                    % {
                        "sku": row.sku,
                        "warehouse": row.warehouse.code,
                        "line": first_line,
                    }
                )
            with transaction.atomic():
                outcome, cooperative_created = _save_row(row)
        except RowInvalid as exc:
            result = RowError(line, sku, str(exc))
        except ValidationError as exc:
            result = RowError(line, sku, _validation_message(exc))
        else:
            result = outcome
            report.cooperatives_created += cooperative_created
        if isinstance(result, RowError):
            report.errors.append(result)
        else:
            setattr(report, result.value, getattr(report, result.value) + 1)
        if on_row:
            on_row(line, sku, result)
    return report


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Decode the file, check its header and return its non-empty rows."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(
            _(
                "%(path)s is not UTF-8 text (byte %(position)s): "
                "save it as “CSV UTF-8” and try again."
            )
            % {"path": path, "position": exc.start}
        ) from exc
    except OSError as exc:
        raise CatalogueFileError(
            _("Cannot read %(path)s: %(reason)s")
            % {"path": path, "reason": exc.strerror}
        ) from exc
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CatalogueFileError(_("%(path)s has no header row.") % {"path": path})
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    if missing := [name for name in REQUIRED_COLUMNS if name not in header]:
        raise CatalogueFileError(
            _("Missing required columns: %(columns)s (the header row is: %(header)s).")
            % {"columns": ", ".join(missing), "header": delimiter.join(header)}
        )
    _check_language_columns(header)
    rows = []
    line = reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            rows.append((line, dict(zip(header, values, strict=False))))
        line = reader.line_num + 1
    return header, rows


def _check_language_columns(header: list[str]) -> None:
    """Refuse columns for a language the shop lacks, or a column given twice."""
    known = language_columns()
    bad = [name for name in header if LANGUAGE_COLUMN.match(name) and name not in known]
    if bad:
        raise CatalogueFileError(
            _(
                "Unknown language columns: %(columns)s. French texts go in title "
                "and description; translations in %(known)s."
            )
            % {"columns": ", ".join(bad), "known": ", ".join(known)}
        )
    if twice := sorted({name for name in header if header.count(name) > 1}):
        raise CatalogueFileError(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(twice)}
        )


def _save_row(row: _Row) -> tuple[services.Outcome, bool]:
    """Save one row; the product's outcome, "updated" if only its stock changed."""
    cooperative, cooperative_outcome = services.cooperative_upsert(
        slug=row.cooperative_slug,
        name=row.cooperative_name,
        region=row.cooperative_region,
        city=row.cooperative_city,
    )
    product, outcome = services.product_upsert(
        sku=row.sku,
        title=row.title,
        description=row.description,
        cooperative=cooperative,
        product_class=row.product_class,
        category=services.category_from_path(path=row.category),
        origin_region=row.origin_region,
        cold_chain=row.cold_chain,
        hs_code=row.hs_code,
        wholesale_pack_size=row.pack_size,
        minimum_order_quantity=row.moq,
        attributes=row.attributes,
        translations=row.translations,
    )
    _record, stock_outcome = services.stockrecord_upsert(
        product=product, partner=row.warehouse, price=row.price, num_in_stock=row.stock
    )
    if {cooperative_outcome, stock_outcome} != {services.Outcome.UNCHANGED}:
        outcome |= services.Outcome.UPDATED
    return outcome, cooperative_outcome is services.Outcome.CREATED


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return "; ".join(error.messages)


def _normalise(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


class _CellReader:
    """Read and check the cells of rows, caching the objects they name."""

    def __init__(self, *, languages: list[str]):
        self.languages = languages
        self.regions = {}
        for value, label in Region.choices:
            self.regions[_normalise(value)] = value
            self.regions[_normalise(label)] = value
        self.classes = {}
        for product_class in ProductClass.objects.all():
            self.classes[_normalise(product_class.name)] = product_class
            self.classes[_normalise(product_class.slug)] = product_class
        self.warehouses = {partner.code: partner for partner in Partner.objects.all()}

    def read(self, cells: dict[str, str]) -> _Row:
        self.problems: list[str] = []
        text = {name: (cells.get(name) or "").strip() for name in COLUMNS}
        sku = self._sku(text["sku"])
        title = self._required(text, "title", _("missing title"))
        category = self._required(text, "category", _("missing category"))
        slug = self._required(text, "cooperative_slug", _("missing cooperative slug"))
        row = _Row(
            sku=sku,
            title=title,
            description=text["description"] or None,
            category=category,
            product_class=self._product_class(text["product_class"]),
            cooperative_slug=slug,
            cooperative_name=text["cooperative_name"] or None,
            cooperative_region=self._region(text["cooperative_region"]),
            cooperative_city=text["cooperative_city"] or None,
            origin_region=self._region(text["origin_region"]),
            cold_chain=self._boolean(text["cold_chain"]),
            hs_code=self._hs_code(text["hs_code"]),
            attributes=self._attributes(text),
            pack_size=self._integer(text["pack_size"], "pack_size", minimum=1),
            moq=self._integer(text["moq"], "moq", minimum=1),
            price=self._price(text["price_mad"]),
            stock=self._stock(text["stock"]),
            warehouse=self._warehouse(text["warehouse"]),
            translations=self._translations(cells),
        )
        self._check_cooperative(row)
        if self.problems:
            raise RowInvalid("; ".join(self.problems))
        return row

    def _translations(self, cells):
        values = {}
        for name in self.languages:
            value = (cells.get(name) or "").strip()
            if name.startswith("title_") and len(value) > TITLE_LENGTH:
                self.problems.append(
                    _("%(column)s is longer than %(length)s characters")
                    % {"column": name, "length": TITLE_LENGTH}
                )
            values[name] = value or None
        return values

    def _required(self, text, name, message):
        if not text[name]:
            self.problems.append(message)
        return text[name]

    def _sku(self, value):
        if not value:
            self.problems.append(_("missing SKU"))
        elif not SKU_PATTERN.match(value):
            self.problems.append(
                _(
                    "invalid SKU “%(value)s” (use up to 64 letters, digits, "
                    "“-”, “_” or “.”)"
                )
                % {"value": value}
            )
        return value

    def _product_class(self, value):
        if not value:
            self.problems.append(_("missing product class"))
            return None
        product_class = self.classes.get(_normalise(value))
        if product_class is None:
            self.problems.append(
                _("unknown product class “%(value)s” (known: %(known)s)")
                % {
                    "value": value,
                    "known": ", ".join(sorted({c.name for c in self.classes.values()})),
                }
            )
        return product_class

    def _region(self, value):
        if not value:
            return None
        region = self.regions.get(_normalise(value))
        if region is None:
            self.problems.append(
                _(
                    "unknown region “%(value)s” "
                    "(use one of the 12 regions, e.g. %(example)s)"
                )
                % {"value": value, "example": Region.SOUSS_MASSA.label}
            )
        return region

    def _boolean(self, value):
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problems.append(
            _("invalid cold_chain “%(value)s” (use oui or non)") % {"value": value}
        )
        return None

    def _hs_code(self, value):
        digits = re.sub(r"[\s.]", "", value)
        if not digits:
            return None
        if not re.fullmatch(r"\d{6,10}", digits):
            self.problems.append(
                _("invalid HS code “%(value)s” (6 to 10 digits)") % {"value": value}
            )
        return digits

    def _integer(self, value, name, *, minimum):
        if not value:
            return None
        try:
            number = int(value.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            number = None
        if number is None or number < minimum:
            self.problems.append(
                _("invalid %(name)s “%(value)s” (a whole number, at least %(minimum)s)")
                % {"name": name, "value": value, "minimum": minimum}
            )
        return number

    def _attributes(self, text):
        values = {}
        for name in ATTRIBUTE_COLUMNS:
            if name in INTEGER_ATTRIBUTES:
                values[name] = self._integer(text[name], name, minimum=1)
            else:
                values[name] = text[name] or None
        return values

    def _price(self, value):
        cleaned = re.sub(r"[\s\u00a0]|(MAD|DH)$", "", value, flags=re.IGNORECASE)
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            price = Decimal(cleaned)
        except InvalidOperation:
            price = None
        if (
            price is None
            or not price.is_finite()
            or price <= 0
            or price != round(price, 2)
        ):
            self.problems.append(
                _("invalid price “%(value)s” (a positive amount in MAD, e.g. 120,00)")
                % {"value": value}
            )
            return None
        return price.quantize(Decimal("0.01"))

    def _stock(self, value):
        if not value:
            self.problems.append(_("missing stock"))
            return None
        try:
            stock = int(value)
        except ValueError:
            stock = None
        if stock is None or stock < 0:
            self.problems.append(
                _("invalid stock “%(value)s” (a whole number, 0 or more)")
                % {"value": value}
            )
        return stock

    def _warehouse(self, value):
        if not value:
            self.problems.append(_("missing warehouse"))
            return None
        warehouse = self.warehouses.get(value)
        if warehouse is None:
            self.problems.append(
                _("unknown warehouse “%(value)s” (known: %(known)s)")
                % {"value": value, "known": ", ".join(sorted(self.warehouses))}
            )
        return warehouse

    def _check_cooperative(self, row: _Row):
        if not row.cooperative_slug or (
            row.cooperative_name and row.cooperative_region
        ):
            return
        if not Cooperative.objects.filter(slug=row.cooperative_slug).exists():
            self.problems.append(
                _(
                    "unknown cooperative “%(slug)s” (give cooperative_name and "
                    "cooperative_region to create it)"
                )
                % {"slug": row.cooperative_slug}
            )
