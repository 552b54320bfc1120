"""CSV cells that a spreadsheet would run as formulas are written as text."""

from decimal import Decimal

import pytest

from shop.csv_export import csv_cell


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+33 cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("x")'],
)
def test_a_formula_becomes_text(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["-6.00", "+12", "120,50", "Salma Idrissi", "", Decimal("-6.00"), 3]
)
def test_plain_data_and_numbers_are_left_alone(value):
    assert csv_cell(value) == value
