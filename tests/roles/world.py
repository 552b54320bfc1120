"""A small world of real objects, to build every dashboard and counter URL.

`url_kwargs_get` answers each URL kwarg from it. A URL with a kwarg it does not
know fails the role × URL test with the name to add here, so a new page is
never left out of the matrix.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test import factories as oscar_factories

from catalog.models import Category
from shop.checkout.services import offline_checkout_place, order_number_reserve
from shop.instore.models import CounterReturn, CounterReturnLine, DrawerSession
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_open
from shop.sales.context import ONLINE, Delivery, OrderIntent
from shop.sales.services import order_payment_prepare
from shop.wholesale.models import Application, CompanyAddress, Invitation
from shop.wholesale.services.orders import quote_accept
from tests.factories import (
    CertificationFactory,
    CustomerFactory,
    ProductFactory,
    StockRecordFactory,
    WarehouseFactory,
)
from tests.wholesale.journey import quote_for

Basket = get_model("basket", "Basket")
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderNote = get_model("order", "OrderNote")
WeightBand = get_model("shipping", "WeightBand")
WeightBased = get_model("shipping", "WeightBased")
Selector = get_class("partner.strategy", "Selector")

ADDRESS = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "line1": "12 rue Tarik Ibn Ziad",
    "line4": "Casablanca",
    "postcode": "20000",
    "country_id": "MA",
    "phone_number": "+212612345678",
}


@dataclass
class World:
    store_a: object
    store_b: object
    # URL kwarg → value, whatever the page; then (URL name, kwarg) → value
    # where one kwarg names different things on different pages ("pk").
    common: dict = field(default_factory=dict)
    per_url: dict = field(default_factory=dict)


def _collect_order(*, store, product):
    """An online click & collect order at `store`, placed as the checkout does."""
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy(context=ONLINE)
    basket.add_product(product, 1)
    intent = OrderIntent(
        context=ONLINE,
        customer=None,
        guest_email="salma@example.ma",
        delivery=Delivery(
            method_code=f"click-collect-{store.pk}", address=ADDRESS, store=store
        ),
        payment_method="pay_at_pickup",
        language="fr",
    )
    payment = order_payment_prepare(
        order_number=order_number_reserve(basket=basket),
        intent=intent,
        basket=basket,
        amount=basket.total_incl_tax,
    )
    return offline_checkout_place(payment=payment, basket=basket)


def _counter_sale(*, store, product, by):
    """A cash sale placed at `store`'s counter, with its drawer session."""
    session = drawer_session_open(store=store, opening_float=Decimal("200.00"), by=by)
    sale = sales.sale_open(store=store, by=by)
    sales.sale_line_add(sale=sale, product=product, quantity=2, by=by)
    line = sale.basket.all_lines()[0]
    sales.sale_place(
        sale=sale,
        payment=sales.CounterPayment("cash", cash_tendered=Decimal("500.00")),
        by=by,
    )
    sale.refresh_from_db()
    return sale, line, session


def _counter_return(*, store, order, by, session):
    """One unit of a counter order brought back, refunded in cash."""
    order_line = order.lines.first()
    counter_return = CounterReturn.objects.create(
        store=store,
        order=order,
        refund_method=CounterReturn.RefundMethod.CASH,
        amount=order_line.unit_price_incl_tax,
        receipt_number="R-WORLD-000001",
        drawer_session=session,
        processed_by=by,
    )
    CounterReturnLine.objects.create(
        counter_return=counter_return,
        order_line=order_line,
        quantity=1,
        amount=order_line.unit_price_incl_tax,
    )
    return counter_return


def _wholesale(*, buyer, colleague, office):
    """Company A's people, an address, an invitation, a pending application
    and a request quoted, accepted and ordered (with its attachment)."""
    membership = buyer.wholesale_membership
    company = membership.company
    # No category of its own: Oscar's factory numbers category paths naively,
    # and the world already has a root category.
    honey = ProductFactory(
        title="Miel de thym du monde",
        upc="6111245599991",
        wholesale_pack_size=6,
        categories=None,
    )
    request, quote = quote_for(
        company=company,
        buyer=buyer,
        office=office,
        lines=[(honey, 4, "55.00")],
    )
    request.attachment.save("cahier-des-charges.pdf", ContentFile(b"%PDF-1.4\n"))
    request.attachment_name = "cahier-des-charges.pdf"
    request.save(update_fields=["attachment", "attachment_name"])
    order = quote_accept(request=request, by=buyer)
    address = CompanyAddress.objects.create(
        company=company,
        label="Dépôt de Aïn Sebaâ",
        line1="Zone industrielle, lot 7",
        city="Casablanca",
        country_id="MA",
    )
    invitation = Invitation.objects.create(
        company=company,
        email="acheteur.invite@example.ma",
        token="invitation-du-monde",
        invited_by=buyer,
    )
    applicant = CustomerFactory(email="candidat.monde@example.ma")
    application = Application.objects.create(
        applicant=applicant,
        name="Hôtel La Mamounia du monde",
        kind="hotel_restaurant",
        ice="001234567000089",
        country_id="MA",
        trade_register="RC Marrakech 4242",
        address_line1="Avenue Bab Jdid",
        city="Marrakech",
        phone="+212524388600",
        email="achats@hotel-monde.ma",
        contact_name="Karim Tahiri",
    )
    colleague_membership = colleague.wholesale_membership
    return {
        "company": company,
        "honey": honey,
        "request": request,
        "order": order,
        "address": address,
        "invitation": invitation,
        "application": application,
        "colleague": colleague_membership,
    }


def world_build(*, store_a, store_b, seller, buyer, colleague, office) -> World:
    """Create one of everything a dashboard, counter or wholesale URL names."""
    argan = ProductFactory(title="Huile d'argane du monde", upc="6111245599990")
    StockRecordFactory(product=argan, partner=store_a, num_in_stock=20)
    sale, basket_line, session = _counter_sale(store=store_a, product=argan, by=seller)
    counter_order = sale.order
    collect_order = _collect_order(store=store_a, product=argan)
    counter_return = _counter_return(
        store=store_a, order=counter_order, by=seller, session=session
    )
    closed = DrawerSession.objects.create(
        store=store_a,
        status=DrawerSession.Status.CLOSED,
        opening_float=Decimal("100.00"),
        opened_by=seller,
        closed_by=seller,
        closed_at=timezone.now() - datetime.timedelta(days=1),
        expected_cash=Decimal("100.00"),
        counted_cash=Decimal("100.00"),
        variance=Decimal("0.00"),
    )

    product_class = argan.get_product_class()
    parent = ProductFactory(
        structure="parent", product_class=product_class, stockrecords=[]
    )
    category = Category.add_root(name="Huiles du monde")
    option_group = oscar_factories.AttributeOptionGroupFactory()
    option = oscar_factories.OptionFactory()
    customer = CustomerFactory(email="client.monde@example.ma")
    linked = CustomerFactory(email="renfort.monde@example.ma")
    alert = oscar_factories.ProductAlertFactory(product=argan, user=customer)
    flatpage = FlatPage.objects.create(url="/conditions/", title="Conditions")
    flatpage.sites.add(Site.objects.get_current())
    offer = oscar_factories.ConditionalOfferFactory()
    product_range = oscar_factories.RangeFactory()
    review = oscar_factories.ProductReviewFactory(product=argan, user=customer)
    voucher = oscar_factories.VoucherFactory()
    voucher_set = oscar_factories.VoucherSetFactory()
    method = WeightBased.objects.create(name="Standard du monde")
    band = WeightBand.objects.create(method=method, upper_limit=5, charge=30)
    comms, _created = CommunicationEventType.objects.get_or_create(
        code="ORDER_PLACED", defaults={"name": "Order placed"}
    )
    certification = CertificationFactory(products=[argan])
    note = OrderNote.objects.create(
        order=counter_order, message="Client fidèle", note_type=OrderNote.INFO
    )
    warehouse = WarehouseFactory(name="Entrepôt du monde")
    warehouse.users.add(linked)
    wholesale = _wholesale(buyer=buyer, colleague=colleague, office=office)
    rfq = wholesale["request"].pk

    common = {
        "store": store_a.code,
        "number": counter_order.number,
        "note_id": note.pk,
        "line_id": counter_order.lines.first().pk,
        "parent_pk": parent.pk,
        "parent": category.pk,
        "product_class_slug": product_class.slug,
        "partner_pk": warehouse.pk,
        "user_pk": linked.pk,
        "method_pk": method.pk,
        "slug": comms.code,
        "action": "mark-paid",
        "line": basket_line.pk,
        "session": session.pk,
        "day": timezone.localdate().isoformat(),
        "token": wholesale["invitation"].token,
        "version": 1,
    }
    pk = {
        "dashboard:catalogue-product": argan.pk,
        "dashboard:catalogue-product-delete": argan.pk,
        "dashboard:catalogue-category-detail-list": category.pk,
        "dashboard:catalogue-category-update": category.pk,
        "dashboard:catalogue-category-delete": category.pk,
        "dashboard:catalogue-class-update": product_class.pk,
        "dashboard:catalogue-class-delete": product_class.pk,
        "dashboard:catalogue-attribute-option-group-update": option_group.pk,
        "dashboard:catalogue-attribute-option-group-delete": option_group.pk,
        "dashboard:catalogue-option-update": option.pk,
        "dashboard:catalogue-option-delete": option.pk,
        "dashboard:user-detail": customer.pk,
        "dashboard:user-password-reset": customer.pk,
        "dashboard:user-alert-delete": alert.pk,
        "dashboard:user-alert-update": alert.pk,
        "dashboard:page-update": flatpage.pk,
        "dashboard:page-delete": flatpage.pk,
        "dashboard:partner-manage": store_a.pk,
        "dashboard:partner-delete": warehouse.pk,
        "dashboard:offer-metadata": offer.pk,
        "dashboard:offer-condition": offer.pk,
        "dashboard:offer-benefit": offer.pk,
        "dashboard:offer-restrictions": offer.pk,
        "dashboard:offer-delete": offer.pk,
        "dashboard:offer-detail": offer.pk,
        "dashboard:range-update": product_range.pk,
        "dashboard:range-delete": product_range.pk,
        "dashboard:range-products": product_range.pk,
        "dashboard:range-reorder": product_range.pk,
        "dashboard:reviews-update": review.pk,
        "dashboard:reviews-delete": review.pk,
        "dashboard:voucher-update": voucher.pk,
        "dashboard:voucher-delete": voucher.pk,
        "dashboard:voucher-stats": voucher.pk,
        "dashboard:voucher-set-update": voucher_set.pk,
        "dashboard:voucher-set-detail": voucher_set.pk,
        "dashboard:voucher-set-download": voucher_set.pk,
        "dashboard:voucher-set-delete": voucher_set.pk,
        "dashboard:shipping-method-detail": method.pk,
        "dashboard:shipping-method-edit": method.pk,
        "dashboard:shipping-method-delete": method.pk,
        "dashboard:shipping-method-band-edit": band.pk,
        "dashboard:shipping-method-band-delete": band.pk,
        "dashboard:cooperative-update": certification.cooperative.pk,
        "dashboard:certification-create": certification.cooperative.pk,
        "dashboard:certification-update": certification.pk,
        "dashboard:certification-delete": certification.pk,
        "instore:sale": sale.pk,
        "instore:sale-add": sale.pk,
        "instore:sale-line": sale.pk,
        "instore:sale-line-discount": sale.pk,
        "instore:sale-customer": sale.pk,
        "instore:sale-fulfilment": sale.pk,
        "instore:sale-pay": sale.pk,
        "instore:sale-park": sale.pk,
        "instore:sale-resume": sale.pk,
        "instore:sale-abandon": sale.pk,
        "instore:sale-receipt": sale.pk,
        "instore:sale-receipt-email": sale.pk,
        "instore:return-receipt": counter_return.pk,
        "wholesale:account-buyer-remove": wholesale["colleague"].pk,
        "wholesale:account-buyer-admin": wholesale["colleague"].pk,
        "wholesale:account-invitation-cancel": wholesale["invitation"].pk,
        "wholesale:account-address-update": wholesale["address"].pk,
        "wholesale:account-address-delete": wholesale["address"].pk,
        "wholesale:request": rfq,
        "wholesale:request-submit": rfq,
        "wholesale:request-message": rfq,
        "wholesale:request-attachment": rfq,
        "wholesale:request-reorder": rfq,
        "wholesale:quote-accept": rfq,
        "wholesale:quote-decline": rfq,
        "wholesale:quote-revise": rfq,
        "wholesale:quote-pdf": rfq,
        "wholesale:proforma-pdf": rfq,
        "dashboard:wholesale-application": wholesale["application"].pk,
        "dashboard:wholesale-application-approve": wholesale["application"].pk,
        "dashboard:wholesale-application-reject": wholesale["application"].pk,
        "dashboard:wholesale-company": wholesale["company"].pk,
        "dashboard:wholesale-company-prices": wholesale["company"].pk,
        "dashboard:wholesale-quote": rfq,
        "dashboard:wholesale-quote-message": rfq,
        "dashboard:wholesale-quote-attachment": rfq,
        "dashboard:wholesale-product-tiers": wholesale["honey"].pk,
    }
    per_url = {name: {"pk": value} for name, value in pk.items()}
    # The queue's actions name a click & collect order; closing a drawer, the
    # open session (the report pages also read a closed one).
    for name in ("instore:collect-ready", "instore:collect-handover"):
        per_url[name] = {"number": collect_order.number}
    per_url["instore:drawer-report"] = {"session": closed.pk}
    per_url["dashboard:wholesale-order-paid"] = {"number": wholesale["order"].number}
    # A take-away at the counter has no shipping address to edit.
    per_url["dashboard:order-shipping-address"] = {"number": collect_order.number}
    return World(store_a=store_a, store_b=store_b, common=common, per_url=per_url)


class UnknownKwarg(LookupError):
    pass


def url_kwargs_get(world: World, *, url_name: str, kwargs: list[str]) -> dict:
    """The values to build `url_name` with; UnknownKwarg names what is missing."""
    values = {}
    for kwarg in kwargs:
        specific = world.per_url.get(url_name, {})
        if kwarg in specific:
            values[kwarg] = specific[kwarg]
        elif kwarg in world.common and kwarg != "pk":
            values[kwarg] = world.common[kwarg]
        else:
            raise UnknownKwarg(
                f"{url_name} needs the URL kwarg {kwarg!r}: add the object it "
                f"names to tests/roles/world.py (world_build), so the role × URL "
                f"test covers the page."
            )
    return values
