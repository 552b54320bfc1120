"""A request for quote taken up to a sent quote, as buyer and office do it."""

import datetime
from decimal import Decimal as D

from django.utils import timezone
from oscar.core.loading import get_model

from shop.wholesale.models import PaymentTerms
from shop.wholesale.services.quotes import quote_send
from shop.wholesale.services.requests import (
    request_create,
    request_details_set,
    request_line_set,
    request_submit,
)

Country = get_model("address", "Country")


def quote_for(
    *,
    company,
    buyer,
    office,
    lines,
    delivery_price="350.00",
    terms=PaymentTerms.PREPAID,
    valid_days=14,
    message="",
    country="MA",
    incoterm="",
):
    """A request with these (product, packs, unit price) lines, submitted and
    quoted once by the office; returns (request, quote)."""
    today = timezone.localdate()
    request = request_create(company=company, by=buyer)
    request_details_set(
        request=request,
        by=buyer,
        delivery_date=today + datetime.timedelta(days=30),
        delivery_city=company.city,
        delivery_country=Country.objects.get(pk=country),
        incoterm=incoterm,
        notes="",
    )
    for product, packs, _price in lines:
        request_line_set(request=request, product=product, packs=packs, by=buyer)
    request_submit(request=request, by=buyer)
    request_lines = {line.product_id: line for line in request.lines.all()}
    quote = quote_send(
        request=request,
        lines=[
            (request_lines[product.pk], packs, D(price))
            for product, packs, price in lines
        ],
        delivery_price=D(delivery_price),
        valid_until=today + datetime.timedelta(days=valid_days),
        payment_terms=terms,
        message=message,
        by=office,
    )
    request.refresh_from_db()
    return request, quote
