"""Counter sales: a basket of the store's own, its customer, how the goods leave,
and payment, placed through the one placement service (shop.sales.services).

Every write locks the sale's row, so two staff members (or two taps) working
on one sale are serialised, and a second "place order" finds the order placed
by the first.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.core.loading import get_class, get_model

from shop.instore.access import DISCOUNT_BEYOND_CAP
from shop.instore.models import CashMovement, CounterSale, SaleLineDiscount
from shop.instore.services.drawer import cash_movement_record, drawer_session_current
from shop.instore.services.receipts import receipt_number_next
from shop.partner.services import stock_consume_many
from shop.payments.gateways import gateway_for
from shop.payments.models import CheckoutPayment
from shop.payments.services import EventKind, payment_event_record
from shop.sales.context import Delivery, Fulfilment, OrderIntent, in_store
from shop.sales.models import CustomerPhone
from shop.sales.phones import phone_normalise
from shop.sales.services import (
    CheckoutRefused,
    Tender,
    basket_lines_prefetch,
    order_payment_prepare,
    order_place,
)

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

Method = CheckoutPayment.Method
Status = CounterSale.Status
CENT = Decimal("0.01")
# More than a counter ever sells of one product at once: a typo, not a sale.
MAX_QUANTITY = 999
# How far ahead a reservation may be collected.
MAX_PICKUP_DAYS = 60


class SaleRefused(Exception):
    """A counter action that cannot be done; the message is for the staff member."""


@dataclass(frozen=True)
class CounterPayment:
    """How the customer pays at the counter.

    Cash needs the amount tendered; a card on the store's terminal needs the
    slip's reference; split is `card_amount` by card and the rest in cash.
    """

    method: str
    cash_tendered: Decimal | None = None
    card_amount: Decimal | None = None
    card_reference: str = ""


@dataclass(frozen=True)
class PaymentSplit:
    cash: Decimal
    card: Decimal
    tendered: Decimal | None
    change: Decimal | None


@dataclass
class PricedSale:
    """A sale's basket priced in its store's context, with what it costs."""

    sale: CounterSale
    basket: object
    delivery_method: object | None
    delivery_charge: Decimal
    total: Decimal  # before a pay-on-delivery fee (payment_total_for)
    discounts: dict[int, SaleLineDiscount] = field(default_factory=dict)

    @property
    def lines(self) -> list:
        return list(self.basket.all_lines())

    @property
    def before_discounts(self) -> Decimal:
        return self.basket.total_incl_tax_excl_discounts

    @property
    def discount_total(self) -> Decimal:
        return self.before_discounts - self.basket.total_incl_tax


# Opening, parking and resuming.


def sale_open(*, store, by) -> CounterSale:
    """Start an empty sale at a store's counter, in the active language."""
    with transaction.atomic():
        basket = Basket.objects.create()
        return CounterSale.objects.create(
            store=store,
            basket=basket,
            opened_by=by,
            updated_by=by,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )


def _sale_locked(
    sale: CounterSale, *, statuses: tuple[str, ...] = (Status.OPEN,)
) -> CounterSale:
    """Lock the sale's row; refuse it unless it is in one of these statuses."""
    sale = CounterSale.objects.select_for_update().get(pk=sale.pk)
    if sale.status not in statuses:
        raise SaleRefused(
            {
                Status.PLACED: _("This sale is already paid; start a new one."),
                Status.ABANDONED: _("This sale was abandoned; start a new one."),
                Status.PARKED: _("This sale is parked: resume it first."),
                Status.OPEN: _("This sale is in progress, not parked."),
            }[sale.status]
        )
    return sale


def _touched(sale: CounterSale, by, *fields: str) -> None:
    sale.updated_by = by
    sale.save(update_fields=[*fields, "updated_by", "updated"])


def sale_park(*, sale: CounterSale, label: str, by) -> CounterSale:
    """Put a sale aside (the customer fetches their wallet) under a label."""
    with transaction.atomic():
        sale = _sale_locked(sale)
        if sale.basket.is_empty:
            raise SaleRefused(_("There is nothing to park: the sale is empty."))
        sale.status = Status.PARKED
        sale.label = label.strip()[:80]
        _touched(sale, by, "status", "label")
        return sale


def sale_resume(*, sale: CounterSale, by) -> CounterSale:
    """Take a parked sale back, whoever of the store's staff parked it."""
    with transaction.atomic():
        sale = _sale_locked(sale, statuses=(Status.PARKED,))
        sale.status = Status.OPEN
        _touched(sale, by, "status")
        return sale


def sale_abandon(*, sale: CounterSale, by) -> CounterSale:
    """Give up a sale that will not be paid; its lines stay for the record."""
    with transaction.atomic():
        sale = _sale_locked(sale, statuses=(Status.OPEN, Status.PARKED))
        sale.status = Status.ABANDONED
        _touched(sale, by, "status")
        return sale


# Lines.


def _quantity_check(quantity: int) -> None:
    if quantity < 1:
        raise SaleRefused(_("Enter a quantity of at least 1."))
    if quantity > MAX_QUANTITY:
        raise SaleRefused(
            _("Enter a quantity of at most %(max)d.") % {"max": MAX_QUANTITY}
        )


def _counter_strategy(sale: CounterSale):
    return Selector().strategy(context=in_store(sale.store))


def sale_line_add(*, sale: CounterSale, product, quantity: int, by) -> None:
    """Add units of a product (or more of a line already in the sale)."""
    _quantity_check(quantity)
    if not product.is_public or product.is_parent:
        raise SaleRefused(
            _("“%(title)s” cannot be sold as such.") % {"title": product.get_title()}
        )
    # Prices and stock are read before the write lock is taken: SQLite holds
    # one for the whole database, so the locked part stays a few statements.
    strategy = _counter_strategy(sale)
    info = strategy.fetch_for_product(product)
    if info.stockrecord is None or not info.price.exists:
        raise SaleRefused(
            _("“%(title)s” is not for sale: no shelf or warehouse holds it.")
            % {"title": product.get_title()}
        )
    with transaction.atomic():
        sale = _sale_locked(sale)
        line = (
            Line.objects.filter(
                basket_id=sale.basket_id, product=product, stockrecord=info.stockrecord
            )
            .order_by()
            .first()
        )
        total = quantity + (line.quantity if line else 0)
        _quantity_check(total)
        if line is not None:
            Line.objects.filter(pk=line.pk).update(
                quantity=total, date_updated=timezone.now()
            )
        else:
            basket = sale.basket
            basket.strategy = strategy
            basket.add_product(product, quantity)
        _touched(sale, by)


def _sale_line(sale: CounterSale, line_id: int):
    line = sale.basket.lines.filter(pk=line_id).first()
    if line is None:
        raise SaleRefused(_("This line is no longer in the sale."))
    return line


def sale_line_quantity_set(
    *, sale: CounterSale, line_id: int, quantity: int, by
) -> None:
    """Change a line's quantity; 0 removes the line."""
    if quantity != 0:
        _quantity_check(quantity)
    with transaction.atomic():
        sale = _sale_locked(sale)
        line = _sale_line(sale, line_id)
        if quantity == 0:
            line.delete()
        else:
            line.quantity = quantity
            line.save(update_fields=["quantity", "date_updated"])
        _touched(sale, by)


def discount_cap_for(*, user) -> Decimal:
    """The largest line discount (percent) this staff member may give."""
    if user.has_perm(DISCOUNT_BEYOND_CAP):
        return settings.INSTORE_MANAGER_DISCOUNT_CAP
    return settings.INSTORE_STAFF_DISCOUNT_CAP


def sale_line_discount_set(
    *, sale: CounterSale, line_id: int, percent: Decimal, reason: str, by
) -> None:
    """Give (or, with 0, take back) a discount on one line, with its reason.

    Store staff may give up to INSTORE_STAFF_DISCOUNT_CAP percent; managers and
    office staff up to INSTORE_MANAGER_DISCOUNT_CAP.
    """
    reason = reason.strip()
    if percent < 0 or percent > 100:
        raise SaleRefused(_("A discount is between 0 and 100%."))
    cap = discount_cap_for(user=by)
    if percent > cap:
        raise SaleRefused(
            _(
                "You may give at most %(cap)s%% off; ask a store manager for a "
                "larger discount."
            )
            % {"cap": format(cap.normalize(), "f")}
        )
    if percent and not reason:
        raise SaleRefused(_("Say why you give this discount."))
    with transaction.atomic():
        sale = _sale_locked(sale)
        line = _sale_line(sale, line_id)
        SaleLineDiscount.objects.filter(line=line).delete()
        if percent:
            SaleLineDiscount.objects.create(
                sale=sale,
                line=line,
                percent=percent.quantize(CENT),
                reason=reason[:200],
                granted_by=by,
            )
        _touched(sale, by)


# Customer, language and fulfilment.


def customer_create(
    *, first_name: str, last_name: str, phone: str, email: str, language: str
):
    """Create a customer account at the counter (no password: they can set one
    with "forgotten password" if they give an email)."""
    user_model = get_user_model()
    number = phone_normalise(text=phone) if phone else None
    if phone and number is None:
        raise SaleRefused(
            _("“%(phone)s” is not a valid phone number, e.g. 06 12 34 56 78.")
            % {"phone": phone}
        )
    email = user_model.objects.normalize_email(email.strip()) if email else ""
    if not number and not email:
        raise SaleRefused(_("Give the customer's phone number or email."))
    if number and CustomerPhone.objects.filter(number=number).exists():
        raise SaleRefused(_("A customer already has this phone number: find them."))
    if email and user_model.objects.filter(email__iexact=email).exists():
        raise SaleRefused(_("A customer already has this email: find them."))
    with transaction.atomic():
        user = user_model(
            username=_username_free(number or email),
            email=email,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
        )
        user.set_unusable_password()
        user.save()
        if number:
            CustomerPhone.objects.create(user=user, number=number)
    return user


def _username_free(seed: str) -> str:
    user_model = get_user_model()
    base = "".join(char for char in seed.split("@")[0] if char.isalnum())[:120] or "c"
    candidate, suffix = base, 1
    while user_model.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


def sale_customer_set(*, sale: CounterSale, customer, by) -> None:
    """Name the sale's customer (None for an anonymous walk-in)."""
    with transaction.atomic():
        sale = _sale_locked(sale)
        sale.customer = customer
        _touched(sale, by, "customer")


def sale_language_set(*, sale: CounterSale, language: str, by) -> None:
    """The language of the customer's receipt."""
    if language not in dict(settings.LANGUAGES):
        raise SaleRefused(_("Choose one of the shop's languages."))
    with transaction.atomic():
        sale = _sale_locked(sale)
        sale.language = language
        _touched(sale, by, "language")


def sale_fulfilment_set(
    *,
    sale: CounterSale,
    fulfilment: str,
    by,
    pickup_date: datetime.date | None = None,
    address: dict | None = None,
) -> None:
    """Choose how the goods leave: now, later at this store, or delivered.

    A reservation needs a pickup date from today on; a delivery needs an
    address (Oscar's shipping address fields, already validated by the form).
    """
    if fulfilment not in Fulfilment.values:
        raise SaleRefused(_("Choose how the customer gets the goods."))
    if fulfilment == Fulfilment.COLLECT:
        today = timezone.localdate()
        if pickup_date is None or pickup_date < today:
            raise SaleRefused(_("Choose a pickup date from today on."))
        if pickup_date > today + datetime.timedelta(days=MAX_PICKUP_DAYS):
            raise SaleRefused(
                ngettext(
                    "A reservation is kept at most %(days)d day.",
                    "A reservation is kept at most %(days)d days.",
                    MAX_PICKUP_DAYS,
                )
                % {"days": MAX_PICKUP_DAYS}
            )
    if fulfilment == Fulfilment.DELIVERY and not address:
        raise SaleRefused(_("Enter the delivery address."))
    with transaction.atomic():
        sale = _sale_locked(sale)
        sale.fulfilment = fulfilment
        sale.pickup_date = pickup_date if fulfilment == Fulfilment.COLLECT else None
        sale.delivery_address = (
            dict(address) if fulfilment == Fulfilment.DELIVERY else {}
        )
        _touched(sale, by, "fulfilment", "pickup_date", "delivery_address")


# Pricing.


def sale_priced(*, sale: CounterSale) -> PricedSale:
    """Price the sale's basket: the store's prices, the shop's offers, then the
    staff's line discounts, the delivery charge and any fee."""
    from shop.shipping.selectors import delivery_methods_get

    basket = sale.basket
    basket.strategy = _counter_strategy(sale)
    basket_lines_prefetch(basket=basket)
    Applicator().apply(basket, sale.customer, None)
    discounts = {
        discount.line_id: discount
        for discount in SaleLineDiscount.objects.filter(sale=sale)
    }
    for line in basket.all_lines():
        discount = discounts.get(line.pk)
        if discount is not None:
            price = line.line_price_incl_tax_incl_discounts
            amount = (price * discount.percent / 100).quantize(CENT, ROUND_HALF_UP)
            if amount:
                line.discount(amount, line.quantity, incl_tax=True)
    method = None
    if not basket.is_empty:
        address = _address(sale)
        methods = delivery_methods_get(
            basket=basket, address=address, context=in_store(sale.store)
        )
        method = _method_for(sale, methods)
    charge = method.calculate(basket) if method else None
    total = (
        OrderTotalCalculator().calculate(basket, charge).incl_tax
        if charge
        else basket.total_incl_tax
    )
    return PricedSale(
        sale=sale,
        basket=basket,
        delivery_method=method,
        delivery_charge=charge.incl_tax if charge else Decimal("0.00"),
        total=total,
        discounts=discounts,
    )


def _address(sale: CounterSale):
    if not sale.delivery_address:
        return None
    ShippingAddress = get_model("order", "ShippingAddress")
    return ShippingAddress(**{k: v for k, v in sale.delivery_address.items() if v})


def _method_for(sale: CounterSale, methods: list):
    """The shipping method of the sale's fulfilment among those available."""

    def kind(method) -> str:
        if getattr(method, "is_take_away", False):
            return Fulfilment.TAKE_AWAY
        if getattr(method, "is_click_and_collect", False):
            return Fulfilment.COLLECT
        return Fulfilment.DELIVERY

    return next((m for m in methods if kind(m) == sale.fulfilment), None)


def payment_total_for(*, priced: PricedSale, method: str) -> Decimal:
    """What the customer pays with this method (pay on delivery adds its fee)."""
    if method != Method.CASH_ON_DELIVERY or priced.delivery_method is None:
        return priced.total
    from shop.checkout.applicator import SurchargeApplicator

    charge = priced.delivery_method.calculate(priced.basket)
    surcharges = SurchargeApplicator(
        None, {"payment_method": method}
    ).get_applicable_surcharges(priced.basket, shipping_charge=charge)
    return OrderTotalCalculator().calculate(priced.basket, charge, surcharges).incl_tax


# Payment and placement.


def payment_split(*, payment: CounterPayment, total: Decimal) -> PaymentSplit:
    """Check what the staff member entered against the total; say what is wrong."""
    method = payment.method
    reference = payment.card_reference.strip()
    if method in (Method.CARD_TERMINAL, Method.SPLIT) and not reference:
        raise SaleRefused(_("Enter the reference printed on the card terminal slip."))
    if method == Method.CASH_ON_DELIVERY:
        return PaymentSplit(
            cash=Decimal("0.00"), card=Decimal("0.00"), tendered=None, change=None
        )
    if method == Method.CARD_TERMINAL:
        return PaymentSplit(
            cash=Decimal("0.00"), card=total, tendered=None, change=None
        )
    if method == Method.SPLIT:
        card = payment.card_amount
        if card is None or card <= 0 or card >= total:
            raise SaleRefused(
                _(
                    "For a split payment, the card pays part of the total "
                    "(between 0.01 and %(max)s); the rest is cash."
                )
                % {"max": total - CENT}
            )
        cash = total - card
    elif method == Method.CASH:
        card, cash = Decimal("0.00"), total
    else:
        raise SaleRefused(_("Choose how the customer pays."))
    tendered = payment.cash_tendered
    if tendered is None or tendered < cash:
        raise SaleRefused(
            _("The cash tendered must cover %(amount)s.") % {"amount": cash}
        )
    return PaymentSplit(cash=cash, card=card, tendered=tendered, change=tendered - cash)


def _delivery(sale: CounterSale, priced: PricedSale) -> Delivery:
    from shop.sales.services import address_fields

    store = None if sale.fulfilment == Fulfilment.DELIVERY else sale.store
    return Delivery(
        method_code=priced.delivery_method.code,
        address=address_fields(_address(sale)),
        store=store,
        pickup_date=sale.pickup_date,
    )


def sale_place(*, sale: CounterSale, payment: CounterPayment, by):
    """Take the payment and place the sale's order; return the order.

    A second call for a placed sale (double submit) returns the same order.
    The cash part goes into the store's open drawer; card and cash are
    recorded as paid at once, pay on delivery when the courier brings the money.
    A named customer with an email gets the receipt.
    """
    with transaction.atomic():
        sale = CounterSale.objects.select_for_update().get(pk=sale.pk)
        if sale.status == Status.PLACED:
            return sale.order
        sale = _sale_locked(sale)
        priced = sale_priced(sale=sale)
        _placement_check(sale, priced, payment)
        total = payment_total_for(priced=priced, method=payment.method)
        split = payment_split(payment=payment, total=total)
        session = drawer_session_current(store=sale.store)
        if split.cash and session is None:
            raise SaleRefused(_("Open the cash drawer before taking cash."))
        order = _order_place(sale, priced, payment, split, total, by)
        if sale.fulfilment == Fulfilment.TAKE_AWAY:
            # Handed over now: the units leave the shelf, not only its free stock.
            stock_consume_many(
                allocations=[(line.stockrecord, line.quantity) for line in priced.lines]
            )
        _paid_record(order, payment, split)
        _discounts_link(priced, order)
        sale.status = Status.PLACED
        sale.order = order
        sale.receipt_number = receipt_number_next(store=sale.store)
        sale.drawer_session = session if split.cash else None
        sale.cash_tendered = split.tendered
        sale.cash_amount = split.cash or None
        sale.change_given = split.change
        sale.card_amount = split.card or None
        sale.card_reference = payment.card_reference.strip()[:64]
        _touched(
            sale,
            by,
            "status",
            "order",
            "receipt_number",
            "drawer_session",
            "cash_tendered",
            "cash_amount",
            "change_given",
            "card_amount",
            "card_reference",
        )
        if split.cash:
            cash_movement_record(
                session=session,
                kind=CashMovement.Kind.SALE,
                amount=split.cash,
                by=by,
                reason=sale.receipt_number,
                sale=sale,
            )
        if sale.customer_id and sale.customer.email:
            transaction.on_commit(lambda: receipt_email_send(sale=sale))
        return order


def _discounts_link(priced: PricedSale, order) -> None:
    """Tie each line discount to its order line (reports read them there).

    Order lines are written in basket order (shop.checkout.ordering)."""
    if not priced.discounts:
        return
    order_lines = order.lines.order_by("pk")
    for basket_line, order_line in zip(priced.lines, order_lines, strict=True):
        discount = priced.discounts.get(basket_line.pk)
        if discount is not None:
            discount.order_line = order_line
            discount.save(update_fields=["order_line"])


def _placement_check(sale, priced: PricedSale, payment: CounterPayment) -> None:
    if priced.basket.is_empty:
        raise SaleRefused(_("The sale is empty: add a product first."))
    if priced.delivery_method is None:
        if sale.fulfilment == Fulfilment.DELIVERY:
            raise SaleRefused(
                _(
                    "No delivery method can carry these products to this address; "
                    "choose take-away or a reservation."
                )
            )
        raise SaleRefused(_("Choose how the customer gets the goods."))
    if sale.fulfilment != Fulfilment.DELIVERY:
        _shelf_check(sale, priced)
    if sale.fulfilment != Fulfilment.TAKE_AWAY and sale.customer_id is None:
        raise SaleRefused(
            _("Name the customer first: we contact them about their order.")
        )
    option = next(
        (o for o in payment_options_for(priced=priced) if o.code == payment.method),
        None,
    )
    if option is None:
        raise SaleRefused(_("Choose how the customer pays."))
    if not option.available:
        raise SaleRefused(option.reason)


def payment_options_for(*, priced: PricedSale) -> list:
    """The counter's payment methods for this sale, each available or not, and why
    (the same rules as every channel: shop.checkout.selectors)."""
    from shop.checkout.selectors import payment_options_get

    if priced.delivery_method is None:
        return []
    return payment_options_get(
        context=in_store(priced.sale.store),
        shipping_method=priced.delivery_method,
        country_code=priced.sale.delivery_address.get("country_id", "MA"),
        total=priced.total,
        currency_code=priced.basket.currency,
    )


def _shelf_check(sale, priced: PricedSale) -> None:
    """Say which line the store's shelf cannot cover before trying to allocate
    (the allocation guard still refuses what a concurrent sale took)."""
    from shop.partner.models import StockRecord

    wanted: dict[int, int] = {}
    for line in priced.lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    free = {
        record.product_id: record.net_stock_level
        for record in StockRecord.objects.filter(
            partner=sale.store, product_id__in=wanted
        )
    }
    for line in priced.lines:
        left = max(free.get(line.product_id, 0), 0)
        if wanted[line.product_id] > left:
            raise SaleRefused(
                ngettext(
                    "Only %(left)d of “%(title)s” on this store's shelf: lower the "
                    "quantity or have it delivered from the warehouse.",
                    "Only %(left)d of “%(title)s” on this store's shelf: lower the "
                    "quantity or have it delivered from the warehouse.",
                    left,
                )
                % {"left": left, "title": line.product.get_title()}
            )


def _order_place(sale, priced: PricedSale, payment, split: PaymentSplit, total, by):
    basket = priced.basket
    intent = OrderIntent(
        context=in_store(sale.store),
        customer=sale.customer,
        delivery=_delivery(sale, priced),
        payment_method=payment.method,
        language=sale.language,
        placed_by=by,
    )
    number = str(OrderNumberGenerator().order_number(basket))
    record = order_payment_prepare(
        order_number=number, intent=intent, basket=basket, amount=total
    )
    reference = payment.card_reference.strip()[:64]
    record.reference = (
        gateway_for(payment.method).authorize(_payment_request(record)).reference
    )
    record.save(update_fields=["reference", "updated"])
    if payment.method == Method.SPLIT:
        tenders = [
            Tender(Method.CASH, split.cash),
            Tender(Method.CARD_TERMINAL, split.card, reference),
        ]
    elif payment.method == Method.CARD_TERMINAL:
        tenders = [Tender(Method.CARD_TERMINAL, total, reference)]
    elif payment.method == Method.CASH:
        tenders = [Tender(Method.CASH, total)]
    else:
        tenders = None
    try:
        return order_place(payment=record, basket=basket, tenders=tenders)
    except CheckoutRefused as refusal:
        raise SaleRefused(str(refusal)) from refusal


def _payment_request(record: CheckoutPayment):
    from shop.payments.types import PaymentRequest

    return PaymentRequest(
        order_number=record.order_number,
        amount=record.amount,
        currency=record.currency,
        basket_id=record.basket_id,
    )


def _paid_record(order, payment: CounterPayment, split: PaymentSplit) -> None:
    """Cash and card money changed hands at the counter: record it as paid."""
    if payment.method == Method.CASH_ON_DELIVERY:
        return
    for source in order.sources.select_related("source_type"):
        payment_event_record(
            order=order,
            kind=EventKind.PAID,
            amount=source.amount_allocated,
            reference=source.reference,
            source=source,
        )


def receipt_email_send(*, sale: CounterSale) -> None:
    """Email the receipt of a placed sale to its customer, in their language."""
    from shop.instore.receipts import receipt_email

    receipt_email(sale=sale).send()
