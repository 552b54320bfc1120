"""Receipt numbers: one unbroken sequence per store, shared by sales and returns."""

from django.db import transaction
from django.db.models import F

from shop.instore.models import ReceiptCounter


def receipt_number_next(*, store) -> str:
    """Take the store's next receipt number ("CAS3-000042"), inside the caller's
    transaction: a sale rolled back gives its number back."""
    with transaction.atomic():
        ReceiptCounter.objects.get_or_create(store=store)
        ReceiptCounter.objects.filter(store=store).update(
            last_number=F("last_number") + 1
        )
        number = ReceiptCounter.objects.get(store=store).last_number
    prefix = "".join(char for char in (store.city or store.code) if char.isalpha())
    return f"{prefix[:3].upper()}{store.pk}-{number:06d}"
