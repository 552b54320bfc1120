"""Background work of the sales app (django-tasks): what may follow an order
without holding up the shopper who placed it."""

import logging
import smtplib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")


@task()
def order_confirmation_send_task(*, order_id: int, language: str) -> None:
    """Email an order's confirmation. A mail server that is down or refuses it
    fails this task, never the order: the order gets a note saying so, for
    office staff to tell the customer, and the error is logged."""
    # shop.sales.services enqueues this task: imported here, not at the top.
    from shop.sales.services import order_confirmation_send

    order = Order.objects.get(pk=order_id)
    try:
        order_confirmation_send(order=order, language=language)
    except (OSError, smtplib.SMTPException) as error:
        logger.exception(
            "Order %s: the confirmation email to %s could not be sent",
            order.number,
            order.email,
        )
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "The order confirmation email to %(email)s could not be sent: "
                "%(error)s."
            ) % {"email": order.email, "error": error}
        OrderNote.objects.create(
            order=order, note_type=OrderNote.SYSTEM, message=message
        )
        raise
