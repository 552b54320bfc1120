"""Build the demo catalogue from the readable sources next to this module.

Sources: cooperatives.yaml, product_classes.yaml, categories.yaml,
locations.yaml, products.csv (the office's import format, see
catalog/imports.py) with product_kinds.yaml (its Arabic and English),
certifications.yaml and users.yaml. Everything is keyed
by slug, SKU, code or email, so building twice gives the same database.
"""

import csv
import datetime
import re
import tempfile
import time
import zlib
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, OutputWrapper
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services
from catalog.demo import images
from catalog.imports import catalogue_import
from catalog.models import (
    Category,
    Certification,
    Cooperative,
    Product,
    ProductAttribute,
    ProductClass,
    ProductImage,
)
from cms.demo import build_demo_pages
from shop.partner.models import Partner, StockRecord
from shop.roles import roles
from shop.roles.services import roles_sync

SOURCES = Path(__file__).resolve().parent
# users.yaml's roles; the groups are defined in shop.roles.
DEMO_ROLES = {
    "office_staff": roles.OFFICE_STAFF,
    "store_staff": roles.STORE_STAFF,
    "store_manager": roles.STORE_MANAGER,
    "customer": None,
}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _source(name: str):
    with (SOURCES / name).open(encoding="utf-8") as file:
        return yaml.safe_load(file)


class _Step:
    """Count the outcomes of one kind of record and print them when done."""

    def __init__(self, stdout: OutputWrapper, label: str):
        self.stdout = stdout
        self.label = label
        self.outcomes: dict[services.Outcome, int] = dict.fromkeys(services.Outcome, 0)
        self.started = time.monotonic()

    def add(self, outcome: services.Outcome):
        self.outcomes[outcome] += 1

    def done(self):
        details = ", ".join(
            f"{count} {outcome}" for outcome, count in self.outcomes.items() if count
        )
        self.stdout.write(
            f"  {self.label}: {sum(self.outcomes.values())} ({details}) "
            f"in {time.monotonic() - self.started:.1f} s"
        )


def demo_load(*, stdout: OutputWrapper) -> None:
    """Create or update every demo record; raise CommandError on bad sources."""
    _load_product_classes(stdout)
    _load_categories(stdout)
    _load_cooperatives(stdout)
    _load_locations(stdout)
    _load_products(stdout)
    _load_store_assortments(stdout)
    _load_certifications(stdout)
    _load_images(stdout)
    _load_users(stdout)
    _build_cms_pages(stdout)
    _load_counter_sales(stdout)
    _load_wholesale(stdout)


def demo_counts() -> dict[str, int]:
    """Count what the demo holds, per kind (for the summary and the tests)."""
    today = timezone.localdate()
    return {
        "cooperatives": Cooperative.objects.count(),
        "regions": Cooperative.objects.values("region").distinct().count(),
        "certifications": Certification.objects.count(),
        "expired certifications": Certification.objects.filter(
            valid_until__lt=today
        ).count(),
        "product classes": ProductClass.objects.count(),
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "cold-chain products": Product.objects.filter(cold_chain=True).count(),
        "warehouses": Partner.objects.exclude(kind=Partner.Kind.PILOT_STORE).count(),
        "pilot stores": Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).count(),
        "stock records": StockRecord.objects.count(),
        "product images": ProductImage.objects.count(),
        "users": get_user_model().objects.count(),
    }


def _load_product_classes(stdout):
    step = _Step(stdout, _("Product classes"))
    for entry in _source("product_classes.yaml"):
        _record, outcome = services.product_class_upsert(
            name=entry["name"],
            attributes=[
                services.AttributeSpec(
                    code=attribute["code"],
                    name=attribute["name"],
                    type=attribute.get("type", ProductAttribute.TEXT),
                    translations=_translations(attribute, "name"),
                )
                for attribute in entry["attributes"]
            ],
        )
        step.add(outcome)
    step.done()


def _load_categories(stdout):
    for entry in _source("categories.yaml"):
        services.category_from_path(
            path=entry["path"],
            description=entry.get("description"),
            translations=_translations(entry, "name", "description"),
        )
    stdout.write(f"  {_('Categories')}: {Category.objects.count()}")


def _load_cooperatives(stdout):
    step = _Step(stdout, _("Cooperatives"))
    for entry in _source("cooperatives.yaml"):
        _record, outcome = services.cooperative_upsert(**entry)
        step.add(outcome)
    step.done()


def _load_locations(stdout):
    step = _Step(stdout, _("Warehouses and pilot stores"))
    for entry in _source("locations.yaml"):
        _record, outcome = services.stock_location_upsert(
            code=entry["code"],
            name=entry["name"],
            kind=entry["kind"],
            city=entry["city"],
            street_address=entry["street_address"],
            phone=entry["phone"],
            opening_hours=[
                services.OpeningHours(
                    weekday=WEEKDAYS.index(day),
                    opens=datetime.time.fromisoformat(period["opens"]),
                    closes=datetime.time.fromisoformat(period["closes"]),
                )
                for period in entry.get("opening_hours", ())
                for day in period["days"]
            ],
        )
        step.add(outcome)
    step.done()


def _translations(entry: dict, *names: str) -> dict[str, str]:
    """Return an entry's Arabic and English values ("name_ar", "name_en"…)."""
    return {
        f"{name}_{language}": entry[f"{name}_{language}"]
        for name in names
        for language in services.translation_languages()
        if entry.get(f"{name}_{language}")
    }


_TITLE = re.compile(
    r"^(?P<name>.+) (?P<amount>\d+(?:,\d+)?) (?P<unit>ml|g|kg|l) – (?P<maker>.+)$"
)


def _translated_title(title: str, kind: dict, tables: dict, language: str) -> str:
    """Compose a title in another language the way the French one is made:
    kind, size, maker ("زيت أركان غذائي 250 مل – تيغانيمين")."""
    parts = _TITLE.match(title)
    if parts is None:
        raise CommandError(f"products.csv: cannot read the title “{title}”")
    amount = parts["amount"].replace(",", ".") if language == "en" else parts["amount"]
    unit = tables["units"][parts["unit"]][language]
    maker = tables["makers"][parts["maker"]][language]
    return f"{kind[language]} {amount} {unit} – {maker}"


def _products_with_translations(target: Path) -> None:
    """Write products.csv with Arabic and English columns from product_kinds.yaml."""
    tables = _source("product_kinds.yaml")
    with (SOURCES / "products.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    languages = services.translation_languages()
    columns = [
        f"{name}_{language}"
        for name in ("title", "description")
        for language in languages
    ]
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, [*rows[0], *columns], delimiter=";")
        writer.writeheader()
        for row in rows:
            kind = tables["kinds"].get(row["sku"].split("-")[0])
            if kind is None:
                raise CommandError(
                    f"product_kinds.yaml has no kind for {row['sku']} (its prefix)"
                )
            for language in languages:
                row[f"title_{language}"] = _translated_title(
                    row["title"], kind, tables, language
                )
                row[f"description_{language}"] = kind[f"description_{language}"]
            writer.writerow(row)


def _load_products(stdout):
    step = _Step(stdout, _("Products (products.csv)"))

    def count(line, sku, result):
        if isinstance(result, services.Outcome):
            step.add(result)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "products.csv"
        _products_with_translations(path)
        report = catalogue_import(path=path, on_row=count)
    if report.errors:
        raise CommandError(
            "\n".join(
                f"products.csv, line {error.line} ({error.sku}): {error.reason}"
                for error in report.errors
            )
        )
    step.done()


def _load_store_assortments(stdout):
    """Stock every n-th product of the categories a store carries, at the
    warehouse price, with a few units on the shelf."""
    step = _Step(stdout, _("Pilot store stock"))
    warehouse_prices = dict(
        StockRecord.objects.exclude(partner__kind=Partner.Kind.PILOT_STORE).values_list(
            "product_id", "price"
        )
    )
    for entry in _source("locations.yaml"):
        if "carries" not in entry:
            continue
        store = Partner.objects.get(code=entry["code"])
        in_categories = Q()
        for name in entry["carries"]:
            # Stores name their categories in French, the command's language aside.
            root = Category.objects.get(
                depth=1, **{f"name_{settings.LANGUAGE_CODE}": name}
            )
            in_categories |= Q(categories__path__startswith=root.path)
        products = Product.objects.filter(in_categories).distinct().order_by("upc")
        # The shelf is filled once; later loads leave what the store has sold,
        # taken back or received since (the counter's demo sales included).
        shelf = dict(
            StockRecord.objects.filter(partner=store).values_list(
                "product_id", "num_in_stock"
            )
        )
        for product in list(products)[:: entry["every"]]:
            _record, outcome = services.stockrecord_upsert(
                product=product,
                partner=store,
                price=warehouse_prices[product.pk],
                num_in_stock=shelf.get(
                    product.pk, 4 + zlib.crc32(product.upc.encode()) % 27
                ),
            )
            step.add(outcome)
    step.done()


def _load_certifications(stdout):
    step = _Step(stdout, _("Certifications"))
    for entry in _source("certifications.yaml"):
        cooperative = Cooperative.objects.get(slug=entry["cooperative"])
        products = Product.objects.filter(cooperative=cooperative)
        if entry["covers"] != "all":
            prefixes = Q()
            for prefix in entry["covers"]:
                prefixes |= Q(upc__startswith=f"{prefix}-")
            products = products.filter(prefixes)
        _record, outcome = services.certification_upsert(
            cooperative=cooperative,
            scheme=entry["scheme"],
            certificate_number=entry["certificate_number"],
            name=entry["name"],
            certifying_body=entry["certifying_body"],
            valid_from=entry["valid_from"],
            valid_until=entry["valid_until"],
            products=products,
        )
        step.add(outcome)
    step.done()


def _load_images(stdout):
    """Draw each product's pack (catalog/demo/images.py), replacing older drawings
    and keeping photos uploaded by staff."""
    step = _Step(stdout, _("Product images"))
    products = (
        Product.objects.select_related("cooperative", "parent__cooperative")
        .prefetch_related("categories", "images")
        .order_by("upc")
    )
    total = len(products)
    for number, product in enumerate(products, start=1):
        cooperative = product.get_cooperative()
        category = product.categories.all()[0] if product.categories.all() else None
        drawing = images.drawing_for(
            sku=product.upc or "",
            title=product.title,
            category=category.full_name if category else "",
            cooperative_slug=cooperative.slug if cooperative else "",
            cooperative=cooperative.name if cooperative else "",
        )
        outcome = images.demo_picture_sync(
            product=product, drawing=drawing, image_model=ProductImage
        )
        step.add(services.Outcome(outcome))
        if number % 50 == 0 and number < total:
            stdout.write(f"    {number}/{total}…")
    step.done()


def _load_users(stdout):
    step = _Step(stdout, _("Demo users"))
    # The role groups exist after every migrate; building them again here
    # keeps the demo right on a database migrated before a role changed.
    groups = roles_sync()
    for entry in _source("users.yaml"):
        role = DEMO_ROLES[entry["role"]]
        user, outcome = _user_upsert(
            email=entry["email"],
            password=entry["password"],
            first_name=entry["first_name"],
            last_name=entry["last_name"],
            is_staff=role == roles.OFFICE_STAFF,
        )
        if role is not None:
            user.groups.add(groups[role])  # nothing happens when already in
        codes = entry.get("stores", ())
        stores = list(Partner.objects.filter(code__in=codes))
        if len(stores) != len(codes):
            raise CommandError(f"users.yaml, {entry['email']}: unknown store")
        for store in stores:
            store.users.add(user)  # nothing happens when already linked
        step.add(outcome)
    step.done()


def _user_upsert(*, email, password, first_name, last_name, is_staff):
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first() or user_model(
        email=email, username=email.split("@")[0]
    )
    wanted = {"first_name": first_name, "last_name": last_name, "is_staff": is_staff}
    changed = any(getattr(user, name) != value for name, value in wanted.items())
    for name, value in wanted.items():
        setattr(user, name, value)
    # The demo passwords are documented: put them back if someone changed them.
    if user._state.adding or not user.check_password(password):
        user.set_password(password)
        changed = True
    if user._state.adding:
        user.save()
        return user, services.Outcome.CREATED
    if changed:
        user.save()
        return user, services.Outcome.UPDATED
    return user, services.Outcome.UNCHANGED


def _load_counter_sales(stdout):
    """Open the pilot stores' drawers, with sales done and parked at the counter."""
    from shop.instore.demo import counter_demo_load

    counter_demo_load(stdout=stdout)


def _load_wholesale(stdout):
    """Wholesale companies, their prices and requests, and an application."""
    from shop.wholesale.demo import wholesale_demo_load

    wholesale_demo_load(stdout=stdout)


def _build_cms_pages(stdout):
    """Let the CMS add its demo pages (stores, cooperative stories, articles)."""
    build_demo_pages(stdout=stdout)
