"""Order placement whose SQL cost does not grow with the number of basket lines.

Oscar's OrderCreator writes each line, its prices, attributes and discounts
with separate INSERTs and allocates stock line by line, each allocation
firing per-record receivers (stock alerts, back-in-stock alerts, analytics):
about nine queries per line, all while the order's transaction holds stock
rows. Here each kind of row is written with one bulk INSERT and the stock of
the whole basket is allocated with one guarded UPDATE.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_class, get_model

from shop.partner.services import stock_allocate_many

CoreOrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
LineAttribute = get_model("order", "LineAttribute")
OrderLineDiscount = get_model("order", "OrderLineDiscount")


class OrderCreator(CoreOrderCreator):
    def place_order(
        self,
        basket,
        total,
        shipping_method,
        shipping_charge,
        user=None,
        shipping_address=None,
        billing_address=None,
        order_number=None,
        status=None,
        request=None,
        surcharges=None,
        **kwargs,
    ):
        if basket.is_empty:
            raise ValueError("Empty baskets cannot be submitted")
        order_number = order_number or OrderNumberGenerator().order_number(basket)
        status = status or getattr(settings, "OSCAR_INITIAL_ORDER_STATUS", None)
        if Order._default_manager.filter(number=order_number).exists():
            raise ValueError(f"There is already an order with number {order_number}")
        with transaction.atomic():
            order = self.create_order_model(
                user,
                basket,
                shipping_address,
                shipping_method,
                shipping_charge,
                billing_address,
                total,
                order_number,
                status,
                request,
                surcharges=surcharges,
                **kwargs,
            )
            self.discounts_record(order, basket, shipping_method, user)
            self.lines_create(order, basket)
            stock_allocate_many(
                allocations=[
                    (line.stockrecord, line.quantity) for line in basket.all_lines()
                ]
            )
        order_placed.send(sender=self, order=order, user=user)
        return order

    def discounts_record(self, order, basket, shipping_method, user) -> None:
        """Record offers and vouchers used by the basket (Oscar's rules)."""
        # A guest's order comes with no user; Oscar's voucher checks and usage
        # record ask the user whether they are signed in (a guest's order
        # with a voucher answered 500).
        user = user or AnonymousUser()
        # Locked and checked once; the usage below is recorded for these rows
        # (Oscar read the vouchers again for it).
        vouchers = []
        for voucher in basket.vouchers.select_for_update():
            if not voucher.is_active():
                basket.vouchers.remove(voucher)
                continue
            available, message = voucher.is_available_to_user(user=user)
            if not available:
                raise ValueError(message)
            vouchers.append(voucher)
        for application in basket.offer_applications:
            application["message"] = application["offer"].apply_deferred_benefit(
                basket, order, application
            )
            if application["result"].affects_shipping:
                # The shipping method carries the real discount, wrapped.
                shipping_discount = shipping_method.discount(basket)
                if shipping_discount <= 0:
                    continue
                application["discount"] = shipping_discount
            self.create_discount_model(order, application)
            self.record_discount(application)
        for voucher in vouchers:
            self.record_voucher_usage(order, voucher, user)

    def lines_create(self, order, basket) -> list:
        """Write the order lines and what hangs off them, one INSERT per table."""
        basket_lines = list(basket.all_lines())
        order_lines = [self.line_build(order, line) for line in basket_lines]
        # Inserted in basket order, so line ids keep the order the shopper saw.
        Line._default_manager.bulk_create(order_lines)
        order_discounts = (
            {discount.offer_id: discount for discount in order.discounts.all()}
            if any(line.discounts for line in basket_lines)
            else {}
        )
        prices, attributes, discounts = [], [], []
        for basket_line, order_line in zip(basket_lines, order_lines, strict=True):
            prices.extend(
                LinePrice(
                    order=order,
                    line=order_line,
                    quantity=quantity,
                    price_incl_tax=incl_tax,
                    price_excl_tax=excl_tax,
                    tax_code=basket_line.tax_code,
                )
                for incl_tax, excl_tax, quantity in basket_line.get_price_breakdown()
            )
            attributes.extend(
                LineAttribute(
                    line=order_line,
                    option=attribute.option,
                    type=attribute.option.code,
                    value=attribute.value,
                )
                for attribute in basket_line.attributes.all()
            )
            discounts.extend(
                OrderLineDiscount(
                    line=order_line,
                    order_discount=order_discounts[discount.offer.id],
                    is_incl_tax=discount.incl_tax,
                    amount=discount.amount,
                )
                for discount in basket_line.discounts
                if discount.offer and discount.offer.id in order_discounts
            )
        for model, rows in (
            (LinePrice, prices),
            (LineAttribute, attributes),
            (OrderLineDiscount, discounts),
        ):
            if rows:
                model._default_manager.bulk_create(rows)
        return order_lines

    def line_build(self, order, basket_line):
        """An unsaved order line with the partner, product and price details."""
        stockrecord = basket_line.stockrecord
        if not stockrecord:
            raise UnableToPlaceOrder(
                f"Basket line #{basket_line.id} has no stockrecord"
            )
        product = basket_line.product
        extra = {}
        if hasattr(settings, "OSCAR_INITIAL_LINE_STATUS"):
            extra["status"] = settings.OSCAR_INITIAL_LINE_STATUS
        return Line(
            order=order,
            partner=stockrecord.partner,
            partner_name=stockrecord.partner.name,
            partner_sku=stockrecord.partner_sku,
            stockrecord=stockrecord,
            product=product,
            title=product.get_title(),
            upc=product.upc,
            quantity=basket_line.quantity,
            line_price_excl_tax=basket_line.line_price_excl_tax_incl_discounts,
            line_price_incl_tax=basket_line.line_price_incl_tax_incl_discounts,
            line_price_before_discounts_excl_tax=basket_line.line_price_excl_tax,
            line_price_before_discounts_incl_tax=basket_line.line_price_incl_tax,
            unit_price_incl_tax=basket_line.unit_price_incl_tax,
            unit_price_excl_tax=basket_line.unit_price_excl_tax,
            tax_code=basket_line.tax_code,
            num_allocated=basket_line.quantity,
            **extra,
        )
