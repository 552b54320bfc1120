"""Factories for the terroir domain, extending oscar.test.factories."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from oscar.test import factories as oscar_factories
from wagtail.models import GroupPagePermission

from catalog.models import Certification, Cooperative, Region
from shop.partner.models import Partner
from shop.roles import roles
from shop.roles.services import roles_sync


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Coopérative Tifaout {n}")
    slug = factory.Sequence(lambda n: f"cooperative-tifaout-{n}")
    legal_number = factory.Sequence(lambda n: f"COOP-{n:05d}")
    region = Region.SOUSS_MASSA
    city = "Taliouine"
    founded_year = 2004
    members = 40
    women_members = 32


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certification valid from last year to next year unless told otherwise."""

    class Meta:
        model = Certification
        skip_postgeneration_save = True

    cooperative = factory.SubFactory(CooperativeFactory)
    scheme = Certification.Scheme.AOP
    name = "Safran de Taliouine"
    certificate_number = factory.Sequence(lambda n: f"MA-AOP-{n:04d}")
    certifying_body = "Normacert"
    valid_from = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=365)
    )
    valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=365)
    )

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)


class WarehouseFactory(oscar_factories.PartnerFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Entrepôt {n}")
    kind = Partner.Kind.WAREHOUSE
    city = "Casablanca"


class PilotStoreFactory(WarehouseFactory):
    name = factory.Sequence(lambda n: f"Boutique pilote {n}")
    kind = Partner.Kind.PILOT_STORE
    street_address = "12 boulevard d'Anfa"
    phone = "+212522000000"


class StockRecordFactory(oscar_factories.StockRecordFactory):
    partner = factory.SubFactory(WarehouseFactory)
    price_currency = "MAD"
    price = Decimal("120.00")
    num_in_stock = 100


class CategoryFactory(factory.django.DjangoModelFactory):
    """A top-level category placed by treebeard.

    Oscar's factory numbers tree paths from its own counter, which collides
    with categories created the tree's way in the same test (a breadcrumb, the
    demo) depending on which tests ran before.
    """

    name = factory.Sequence(lambda n: f"Catégorie {n}")

    class Meta:
        model = oscar_factories.CategoryFactory._meta.model

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.add_root(**kwargs)


class ProductCategoryFactory(oscar_factories.ProductCategoryFactory):
    category = factory.SubFactory(CategoryFactory)


class ProductFactory(oscar_factories.ProductFactory):
    """A standalone product of a cooperative, with one warehouse stock record."""

    categories = factory.RelatedFactory(ProductCategoryFactory, "product")

    title = factory.Sequence(lambda n: f"Huile d'argane alimentaire {n}")
    cooperative = factory.SubFactory(CooperativeFactory)
    origin_region = Region.SOUSS_MASSA
    stockrecords = factory.RelatedFactory(StockRecordFactory, "product")


def _grant(user, codenames):
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )


class CustomerFactory(oscar_factories.UserFactory):
    """A shopper with an account (password "terroir-client")."""

    username = factory.Sequence(lambda n: f"client{n}")
    email = factory.Sequence(lambda n: f"client{n}@example.ma")
    first_name = "Salma"
    last_name = "Bennani"
    password = factory.PostGenerationMethodCall("set_password", "terroir-client")


def _role_group(name):
    """The role's group as shop.roles defines it.

    A transactional test elsewhere in the session may have flushed the groups
    (or the Wagtail root page their page permissions hang on): put them back.
    """
    group = Group.objects.filter(name=name).first()
    if group is None or (
        name == roles.OFFICE_STAFF
        and not GroupPagePermission.objects.filter(group=group).exists()
    ):
        group = roles_sync()[name]
    return group


def _join(user, group_name):
    user.groups.add(_role_group(group_name))


class StoreStaffFactory(CustomerFactory):
    """A pilot-store employee ("Store staff" role), linked to a store (or
    several: `store=[a, b]`), not office staff; no page of Oscar's dashboard."""

    username = factory.Sequence(lambda n: f"store{n}")
    email = factory.Sequence(lambda n: f"store{n}@terroir.ma")

    @factory.post_generation
    def store(self, create, extracted, **kwargs):
        if create:
            stores = extracted if isinstance(extracted, list | tuple) else [extracted]
            for store in stores:
                (store or PilotStoreFactory()).users.add(self)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            _join(self, extracted or roles.STORE_STAFF)


class StoreManagerFactory(StoreStaffFactory):
    """A pilot store's manager: store staff plus returns, bigger discounts and
    closing the cash drawer."""

    username = factory.Sequence(lambda n: f"manager{n}")
    email = factory.Sequence(lambda n: f"manager{n}@terroir.ma")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            _join(self, extracted or roles.STORE_MANAGER)


class OfficeStaffFactory(CustomerFactory):
    """Office staff (password "terroir-office"): the "Office staff" role, i.e.
    the whole Oscar dashboard, the Wagtail admin and every store's counter.

    `permissions=[...]` makes a narrower staff user holding only those.
    """

    username = factory.Sequence(lambda n: f"office{n}")
    email = factory.Sequence(lambda n: f"office{n}@terroir.ma")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "terroir-office")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            _grant(self, extracted)
        else:
            _join(self, roles.OFFICE_STAFF)


class CompanyFactory(factory.django.DjangoModelFactory):
    """An approved wholesale company in Casablanca (ICE valid)."""

    class Meta:
        model = "wholesale.Company"

    name = factory.Sequence(lambda n: f"Épicerie fine Anfa {n}")
    kind = "distributor"
    ice = factory.Sequence(lambda n: f"{n:015d}")
    country_id = "MA"
    trade_register = "RC Casablanca 123456"
    address_line1 = "45 boulevard Zerktouni"
    city = "Casablanca"
    postcode = "20000"
    phone = "+212522000111"
    email = factory.Sequence(lambda n: f"achats{n}@example.ma")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A buyer of a company (a customer account, password "terroir-client")."""

    class Meta:
        model = "wholesale.Membership"

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(CustomerFactory)
    is_admin = False
