"""Orders placed before channels existed were all placed in the online shop."""

from django.db import migrations


def forwards(apps, schema_editor):
    Order = apps.get_model("order", "Order")
    OrderOrigin = apps.get_model("sales", "OrderOrigin")
    CheckoutPayment = apps.get_model("payments", "CheckoutPayment")
    collect_stores = dict(
        CheckoutPayment.objects.filter(
            order__isnull=False, collect_store__isnull=False
        ).values_list("order_id", "collect_store_id")
    )
    OrderOrigin.objects.bulk_create(
        OrderOrigin(
            order_id=order_id,
            channel="online",
            store_id=collect_stores.get(order_id),
            fulfilment="collect" if order_id in collect_stores else "delivery",
        )
        for order_id in Order.objects.filter(origin__isnull=True).values_list(
            "pk", flat=True
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        ("payments", "0003_checkout_intent_from_submission"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
