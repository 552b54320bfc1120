"""Query helpers shared by the shop's apps."""

from django.db import connection, models
from django.db.models import Case, Value, When


def amount_per_row(field: str, amounts: dict) -> Case:
    """An SQL expression worth amounts[key] on the row whose `field` is key.

    Lets one UPDATE add a different amount to each of many rows.
    """
    return Case(
        *(When(**{field: key}, then=Value(amount)) for key, amount in amounts.items()),
        output_field=models.IntegerField(),
    )


def is_row_id(model, value: str) -> bool:
    """Whether `value`, text from a request, can be an id of a `model` row.

    ASCII digits within the range of the id column: a lookup with anything
    else raises (a 500) where no row is the answer. str.isdigit() alone lets
    "²" through, which int() refuses.
    """
    if not (value.isascii() and value.isdigit()):
        return False
    _low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return high is None or int(value) <= high
