"""CSV files we hand to staff: no cell a spreadsheet would run as a formula.

A name typed by a shopper such as `=HYPERLINK("http://evil.example")` becomes a
live link or command once the export opens in Excel or LibreOffice. Such cells
get a leading apostrophe, which spreadsheets read as "this is text" and hide.
"""

import csv
import re

# What a spreadsheet takes as the start of a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Signed amounts stay numbers: "-12.50" is no formula.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_cell(value):
    """Return `value` as a spreadsheet will read it as plain data."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> _SafeWriter:
    """A csv.writer whose cells go through csv_cell."""
    return _SafeWriter(csv.writer(file, **options))
