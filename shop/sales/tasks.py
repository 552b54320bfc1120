"""Background work of the sales app (django-tasks): what may follow an order
without holding up the shopper who placed it."""

import logging
import smtplib

from django_tasks import task
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)


@task()
def order_confirmation_send_task(*, order_id: int, language: str) -> None:
    """Email an order's confirmation; a mail server that is down or refuses it
    fails this task (logged with the order number, for staff to resend), never
    the order."""
    from shop.sales.services import order_confirmation_send

    order = get_model("order", "Order").objects.get(pk=order_id)
    try:
        order_confirmation_send(order=order, language=language)
    except (OSError, smtplib.SMTPException):
        logger.exception(
            "Order %s: the confirmation email to %s could not be sent",
            order.number,
            order.email,
        )
        raise
