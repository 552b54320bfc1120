"""Background work of the wholesale app (django-tasks; cron enqueues it daily)."""

from django.utils import timezone
from django_tasks import task

from shop.wholesale.services.orders import expiry_reminders_send, quotes_expire


@task()
def quotes_expire_task() -> dict[str, int]:
    """Expire quotes past their validity and remind buyers of those about to."""
    today = timezone.localdate()
    return {
        "expired": quotes_expire(today=today),
        "reminded": expiry_reminders_send(today=today),
    }
