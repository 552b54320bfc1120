"""Query helpers shared by the shop's apps."""

from django.db import models
from django.db.models import Case, Value, When


def amount_per_row(field: str, amounts: dict) -> Case:
    """An SQL expression worth amounts[key] on the row whose `field` is key.

    Lets one UPDATE add a different amount to each of many rows.
    """
    return Case(
        *(When(**{field: key}, then=Value(amount)) for key, amount in amounts.items()),
        output_field=models.IntegerField(),
    )
