"""Copy each checkout's recorded details from the old JSON dict into the columns."""

from django.db import migrations

ADDRESS_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country_id",
    "phone_number",
    "notes",
]


def forwards(apps, schema_editor):
    CheckoutPayment = apps.get_model("payments", "CheckoutPayment")
    Partner = apps.get_model("partner", "Partner")
    User = apps.get_model("auth", "User")
    store_ids = set(Partner.objects.values_list("pk", flat=True))
    user_ids = set(User.objects.values_list("pk", flat=True))
    for payment in CheckoutPayment.objects.iterator():
        data = payment.submission or {}
        payment.channel = "online"
        payment.customer_id = data.get("user_id") if data.get("user_id") in user_ids else None
        payment.guest_email = data.get("guest_email") or ""
        payment.language = data.get("language") or "fr"
        payment.shipping_method = data.get("shipping_method") or ""
        address = data.get("shipping_address") or {}
        payment.delivery_address = {name: address.get(name, "") for name in ADDRESS_FIELDS}
        store_id = data.get("store_id")
        payment.collect_store_id = store_id if store_id in store_ids else None
        payment.basket_lines = data.get("basket") or []
        payment.save()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_checkout_intent_columns"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
