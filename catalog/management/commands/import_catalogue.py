"""Import the office's catalogue CSV: `manage.py import_catalogue FILE.csv`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.imports import (
    REQUIRED_COLUMNS,
    CatalogueFileError,
    RowError,
    catalogue_columns,
    catalogue_import,
)

REFUSED_ROWS_STATUS = 2


def _columns_help() -> str:
    return "; ".join(
        f"{name}{'*' if name in REQUIRED_COLUMNS else ''}: {meaning}"
        for name, meaning in catalogue_columns().items()
    )


class Command(BaseCommand):
    help = _(
        "Create or update cooperatives, products and stock from a CSV file "
        "(UTF-8, ';' or ',' separated, one row per product and warehouse). "
        "Bad rows are reported with their line number and skipped; "
        "re-importing the same file changes nothing. Exit status: 0 when every "
        "row was imported, 2 when some were refused, 1 when the file was "
        "refused as a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=_("CSV file. Columns (* = required): ") + _columns_help()
        )

    def handle(self, *args, file, **options):
        verbosity = options["verbosity"]

        def show(line, sku, result):
            if isinstance(result, RowError):
                self.stderr.write(
                    _("Line %(line)s (%(sku)s): %(reason)s")
                    % {"line": line, "sku": result.sku or "-", "reason": result.reason}
                )
            elif verbosity > 1:
                self.stdout.write(f"Line {line} ({sku}): {result}")

        try:
            report = catalogue_import(path=file, on_row=show)
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from exc
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored unknown columns: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        summary = _(
            "%(rows)s rows: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(errors)s errors "
            "(%(cooperatives)s new cooperatives)."
        ) % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": len(report.errors),
            "cooperatives": report.cooperatives_created,
        }
        if not report.errors:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        self.stdout.write(self.style.WARNING(summary))
        # A scheduled import must be able to tell that rows need fixing.
        raise CommandError(
            ngettext(
                "%(count)s row was refused; the others were saved.",
                "%(count)s rows were refused; the others were saved.",
                len(report.errors),
            )
            % {"count": len(report.errors)},
            returncode=REFUSED_ROWS_STATUS,
        )
