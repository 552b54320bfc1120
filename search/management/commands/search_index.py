"""Manage the product search index: rebuild, status, refresh_labels."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import engine, services


class Command(BaseCommand):
    help = (
        "rebuild: build a new index and swap the alias; status: alias and counts; "
        "refresh_labels: re-index products whose quality labels started or ended "
        "recently (run daily)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Build a new index, then swap the alias.")
        sub.add_parser("status", help="Show the alias, its index and counts.")
        labels = sub.add_parser(
            "refresh_labels", help="Re-index products whose labels changed validity."
        )
        labels.add_argument("--days", type=int, default=1)

    def handle(self, *args, action, **options):
        try:
            getattr(self, action)(**options)
        except engine.SearchUnavailable as exc:
            raise CommandError(f"The search engine did not answer: {exc}") from exc

    def rebuild(self, **options):
        self.stdout.write(
            f"Rebuilding the product index behind {services.index_alias()}"
        )

        def progress(done, total):
            percent = 100 * done // total if total else 100
            self.stdout.write(f"  {done}/{total} products ({percent}%)")

        summary = services.index_rebuild(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {summary.indexed} products into {summary.index} in "
                f"{summary.seconds:.1f}s ({summary.docs_per_second:.0f} docs/s), "
                f"{summary.failed} failed; removed old indices: "
                f"{', '.join(summary.removed_indices) or 'none'}."
            )
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} products could not be indexed.")

    def status(self, **options):
        alias = services.index_alias()
        indices = engine.indices_behind(alias)
        database = services.indexable_products().count()
        self.stdout.write(f"Alias:    {alias}")
        self.stdout.write(f"Index:    {', '.join(indices) or 'none (run rebuild)'}")
        documents = engine.count(alias) if indices else 0
        self.stdout.write(f"Documents in the index:      {documents}")
        self.stdout.write(f"Searchable products in DB:   {database}")
        if documents != database:
            self.stdout.write(
                self.style.WARNING("The index is out of step: run `rebuild`.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("The index is in step."))

    def refresh_labels(self, *, days, **options):
        ids = services.products_with_label_changes(
            today=timezone.localdate(), days=days
        )
        services.products_sync(product_ids=ids)
        self.stdout.write(
            self.style.SUCCESS(f"Re-indexed {len(ids)} products with label changes.")
        )
