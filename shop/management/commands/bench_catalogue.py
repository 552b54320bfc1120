"""Generate the synthetic benchmark catalogue (what `make bench` serves).

Everything it creates carries a `bench-` slug or a `BENCH-` code. A re-run with the
same spec does nothing; another spec needs a fresh database (the bench runner
recreates it). Rows are bulk-inserted in one transaction with per-save indexing
paused; the caller rebuilds the index.
"""

import datetime
import hashlib
import json
import random
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Certification, Cooperative, Region
from search.indexing import indexing_paused

# Ten families of terroir products, each split into five leaf categories.
FAMILIES = {
    "Huile d'argan": ["alimentaire", "cosmétique", "grillée", "bio", "en coffret"],
    "Amlou": ["aux amandes", "aux cacahuètes", "au miel", "traditionnel", "bio"],
    "Safran": ["en pistils", "en poudre", "de Taliouine", "en coffret", "bio"],
    "Dattes": ["Majhoul", "Boufeggous", "Jihel", "fourrées", "en pâte"],
    "Miel": ["d'euphorbe", "de thym", "d'oranger", "de jujubier", "toutes fleurs"],
    "Huile d'olive": ["vierge extra", "Picholine", "bio", "aromatisée", "en bidon"],
    "Rose": ["eau de rose", "huile de rose", "boutons séchés", "savon", "crème"],
    "Couscous": ["d'orge", "de blé dur", "complet", "aux herbes", "berkoukes"],
    "Épices": ["ras el hanout", "cumin", "paprika", "gingembre", "mélange tajine"],
    "Cosmétiques": ["savon noir", "ghassoul", "henné", "beurre de karité", "khôl"],
}
SIZES = ["100 g", "250 g", "500 g", "1 kg", "50 ml", "100 ml", "250 ml", "500 ml"]
CITIES = [
    "Taliouine",
    "Agadir",
    "Essaouira",
    "Erfoud",
    "Azilal",
    "Meknès",
    "Ouarzazate",
]
WAREHOUSES = [
    ("Entrepôt bench Casablanca", "warehouse", "Casablanca"),
    ("Entrepôt bench Agadir", "warehouse", "Agadir"),
    ("Entrepôt bench Fès", "warehouse", "Fès"),
    ("Entrepôt frigorifique bench", "cold_warehouse", "Casablanca"),
]
STORES = [
    ("Boutique bench Casablanca", "Casablanca"),
    ("Boutique bench Marrakech", "Marrakech"),
]
IMAGE_COUNT = 24
# Bump when the generated data changes: `make bench` then builds a fresh database.
CATALOGUE_VERSION = 1


class Command(BaseCommand):
    help = "Generate (idempotently) the synthetic catalogue used by `make bench`."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--cooperatives", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, products, cooperatives, seed, **options):
        from oscar.core.loading import get_model

        self.models = {
            name: get_model(app, name)
            for app, name in [
                ("catalogue", "Product"),
                ("catalogue", "ProductClass"),
                ("catalogue", "Category"),
                ("catalogue", "ProductCategory"),
                ("catalogue", "ProductImage"),
                ("partner", "Partner"),
                ("partner", "StockRecord"),
            ]
        }
        spec = {
            "version": CATALOGUE_VERSION,
            "products": products,
            "cooperatives": cooperatives,
            "seed": seed,
            "categories": sum(len(leaves) for leaves in FAMILIES.values()),
        }
        fingerprint = hashlib.sha256(
            json.dumps(spec, sort_keys=True).encode()
        ).hexdigest()[:16]
        product_class = self.models["ProductClass"].objects.filter(slug="bench-terroir")
        if (
            product_class.filter(name__contains=fingerprint).exists()
            and self.models["Product"].objects.filter(upc__startswith="BENCH-").count()
            == products
        ):
            self.stdout.write(f"Benchmark catalogue {fingerprint} already there.")
            return
        if product_class.exists():
            raise CommandError(
                "This database holds a benchmark catalogue of another spec: "
                "start from a fresh database (make bench does)."
            )
        started = time.monotonic()
        with indexing_paused(), transaction.atomic():
            # Seeded for a reproducible catalogue, not for secrecy.
            self._build(spec, fingerprint, random.Random(seed))  # noqa: S311
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark catalogue {fingerprint}: {products} products, "
                f"{spec['categories']} categories, {cooperatives} cooperatives "
                f"in {time.monotonic() - started:.1f}s."
            )
        )

    def _step(self, message):
        self.stdout.write(f"  {message}…")

    def _build(self, spec, fingerprint, rng):
        m = self.models
        product_class = m["ProductClass"].objects.create(
            name=f"Produit du terroir (bench {fingerprint})",
            slug="bench-terroir",
            track_stock=True,
        )
        self._step(f"{spec['categories']} categories")
        leaves = []
        for family, kinds in FAMILIES.items():
            root = m["Category"].add_root(
                name=family, slug=f"bench-{slugify(family)}", is_public=True
            )
            for kind in kinds:
                leaf = root.add_child(
                    name=f"{family} {kind}",
                    slug=f"bench-{slugify(family)}-{slugify(kind)}",
                    is_public=True,
                )
                leaves.append((family, kind, leaf))

        self._step(f"{spec['cooperatives']} cooperatives")
        regions = list(Region)
        coops = Cooperative.objects.bulk_create(
            Cooperative(
                name=f"Coopérative bench {rng.choice(CITIES)} {n}",
                slug=f"bench-cooperative-{n}",
                legal_number=f"BENCH-{n:05d}",
                region=regions[n % len(regions)],
                city=rng.choice(CITIES),
                founded_year=rng.randint(1985, 2020),
                members=(members := rng.randint(10, 300)),
                women_members=rng.randint(0, members),
                story="Une coopérative de l'arrière-pays qui valorise son terroir.",
            )
            for n in range(spec["cooperatives"])
        )
        # Products of the demo cooperatives too, so their pages list many products.
        coops = list(Cooperative.objects.active())

        self._step(f"{spec['products']} products")
        # A skewed spread gives small, mid-size and large categories.
        weights = [1 + (i * 7) % 13 for i in range(len(leaves))]
        now = timezone.now()
        products, placements = [], []
        for n in range(spec["products"]):
            family, kind, leaf = rng.choices(leaves, weights)[0]
            coop = rng.choice(coops)
            title = f"{family} {kind} {rng.choice(SIZES)} — {coop.name}"
            products.append(
                m["Product"](
                    upc=f"BENCH-{n:06d}",
                    title=title,
                    slug=slugify(title)[:255],
                    description=(
                        f"{family} {kind} produit par {coop.name}, "
                        f"{coop.get_region_display()}. Récolte et conditionnement "
                        "à la coopérative, dans le respect des savoir-faire locaux."
                    ),
                    product_class=product_class,
                    cooperative=coop,
                    origin_region=coop.region,
                    cold_chain=family == "Miel" and kind == "d'oranger",
                    hs_code="151590",
                    wholesale_pack_size=rng.choice([6, 12, 24]),
                    minimum_order_quantity=rng.choice([1, 12, 48]),
                    date_created=now - datetime.timedelta(minutes=n),
                )
            )
            placements.append(leaf)
        products = m["Product"].objects.bulk_create(products, batch_size=1000)
        m["ProductCategory"].objects.bulk_create(
            (
                m["ProductCategory"](product=product, category=leaf)
                for product, leaf in zip(products, placements, strict=True)
            ),
            batch_size=2000,
        )

        self._step("stock in warehouses and pilot stores")
        warehouses, stores = self._locations()
        records = []
        for product in products:
            price = Decimal(rng.randrange(2500, 95000)) / 100
            locations = rng.sample(warehouses, rng.randint(1, 2))
            if rng.random() < 0.5:
                locations.append(rng.choice(stores))
            records.extend(
                m["StockRecord"](
                    product=product,
                    partner=partner,
                    partner_sku=f"BENCH-{product.upc[6:]}-{partner.pk}",
                    price_currency="MAD",
                    price=price,
                    num_in_stock=rng.choice([0, 5, 40, 250, 100_000]),
                    num_allocated=0,
                    low_stock_threshold=5,
                )
                for partner in locations
            )
        m["StockRecord"].objects.bulk_create(records, batch_size=2000)

        self._step("labels (some expired)")
        today = timezone.localdate()
        by_coop = {}
        for product in products:
            by_coop.setdefault(product.cooperative_id, []).append(product.pk)
        schemes = list(Certification.Scheme)
        certifications, coverage = [], []
        for coop in coops:
            covered = by_coop.get(coop.pk)
            if not covered:
                continue
            for index in range(2):
                expired = rng.random() < 0.1
                certifications.append(
                    Certification(
                        cooperative=coop,
                        scheme=schemes[(coop.pk + index) % len(schemes)],
                        name=f"Label bench {coop.pk}-{index}",
                        certificate_number=f"BENCH-{coop.pk}-{index}",
                        certifying_body="Normacert",
                        valid_from=today - datetime.timedelta(days=400),
                        valid_until=today
                        + datetime.timedelta(days=-30 if expired else 365),
                    )
                )
                coverage.append(rng.sample(covered, max(1, len(covered) // 2)))
        certifications = Certification.objects.bulk_create(certifications)
        Certification.products.through.objects.bulk_create(
            (
                Certification.products.through(
                    certification_id=certification.pk, product_id=product_id
                )
                for certification, product_ids in zip(
                    certifications, coverage, strict=True
                )
                for product_id in product_ids
            ),
            batch_size=2000,
        )

        self._step("product images")
        images = self._images()
        m["ProductImage"].objects.bulk_create(
            (
                m["ProductImage"](
                    product=product,
                    original=images[n % len(images)],
                    caption=product.title[:200],
                    display_order=0,
                )
                for n, product in enumerate(products)
            ),
            batch_size=2000,
        )

    def _locations(self):
        """Use the demo's stock locations when present, else create bench ones."""
        partner = self.models["Partner"]
        warehouses = list(
            partner.objects.filter(kind__in=["warehouse", "cold_warehouse"])
        ) or [
            partner.objects.create(name=name, kind=kind, city=city)
            for name, kind, city in WAREHOUSES
        ]
        stores = list(partner.objects.filter(kind="pilot_store")) or [
            partner.objects.create(
                name=name,
                kind="pilot_store",
                city=city,
                street_address="1 avenue Mohammed V",
            )
            for name, city in STORES
        ]
        return warehouses, stores

    def _images(self):
        """Write a few JPEGs under MEDIA_ROOT that the products share."""
        from PIL import Image, ImageDraw

        folder = Path(settings.MEDIA_ROOT) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for n in range(IMAGE_COUNT):
            path = folder / f"product-{n:02d}.jpg"
            if not path.exists():
                hue = n * 360 // IMAGE_COUNT
                image = Image.new("RGB", (480, 480), f"hsl({hue}, 55%, 60%)")
                ImageDraw.Draw(image).ellipse((120, 120, 360, 360), fill="white")
                image.save(path, "JPEG", quality=80)
            names.append(f"bench/{path.name}")
        return names
