"""Wholesale buyers: companies and their people, volume prices, requests for
quote and the quotes the office sends back (every version kept)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 12, "decimal_places": 2}

ice_validator = RegexValidator(
    r"^\d{15}$",
    _("An ICE (identifiant commun de l'entreprise) has exactly 15 digits."),
)


class CompanyKind(models.TextChoices):
    RETAIL_CHAIN = "retail_chain", _("Retail chain")
    DISTRIBUTOR = "distributor", _("Distributor")
    IMPORTER = "importer", _("Importer")
    HOTEL_RESTAURANT = "hotel_restaurant", _("Hotel or restaurant")
    OTHER = "other", _("Other")


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("Bank transfer in advance")
    NET_30 = "net_30", _("Bank transfer within 30 days")
    NET_60 = "net_60", _("Bank transfer within 60 days")


class Incoterm(models.TextChoices):
    EXW = "EXW", _("EXW — ex works")
    FCA = "FCA", _("FCA — free carrier")
    FOB = "FOB", _("FOB — free on board")
    CIF = "CIF", _("CIF — cost, insurance and freight")
    DAP = "DAP", _("DAP — delivered at place")


class Currency(models.TextChoices):
    MAD = "MAD", _("Moroccan dirham (MAD)")
    EUR = "EUR", _("Euro (EUR)")


class CompanyDetails(models.Model):
    """What an application and a company both say about the business."""

    name = models.CharField(_("company name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=CompanyKind.choices)
    ice = models.CharField(
        _("ICE"), max_length=15, blank=True, validators=[ice_validator]
    )
    country = models.ForeignKey(
        "address.Country", on_delete=models.PROTECT, verbose_name=_("country")
    )
    vat_number = models.CharField(_("VAT or company number"), max_length=40, blank=True)
    trade_register = models.CharField(
        _("trade register number (RC) and city"), max_length=80, blank=True
    )
    address_line1 = models.CharField(_("address"), max_length=255)
    address_line2 = models.CharField(
        _("address (continued)"), max_length=255, blank=True
    )
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("company email"))

    class Meta:
        abstract = True

    @property
    def is_foreign(self) -> bool:
        return self.country_id != "MA"


class Application(CompanyDetails):
    """A business asking for a wholesale account; office staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wholesale_applications",
        verbose_name=_("applicant"),
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    expected_volumes = models.TextField(_("expected volumes"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the refusal"), blank=True)
    company = models.OneToOneField(
        "wholesale.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("wholesale application")
        verbose_name_plural = _("wholesale applications")

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"


class Company(CompanyDetails):
    """An approved wholesale buyer: its people, terms, credit and prices."""

    currency = models.CharField(
        _("quote currency"), max_length=3, choices=Currency.choices, default="MAD"
    )
    language = models.CharField(_("language"), max_length=10, default="fr")
    # The most generous terms the office grants this company.
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=10,
        choices=PaymentTerms.choices,
        default=PaymentTerms.PREPAID,
    )
    credit_limit = models.DecimalField(
        _("credit limit"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Orders on terms not yet paid may not exceed it."),
        **MONEY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("wholesale company")
        verbose_name_plural = _("wholesale companies")
        permissions = [
            ("review_application", _("Can approve or reject wholesale applications")),
            ("send_quote", _("Can price and send quotes")),
        ]

    def __str__(self):
        return self.name


class CompanyAddress(models.Model):
    """Where a company has its goods delivered."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("name"), max_length=80)
    line1 = models.CharField(_("address"), max_length=255)
    line2 = models.CharField(_("address (continued)"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.ForeignKey(
        "address.Country", on_delete=models.PROTECT, verbose_name=_("country")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")

    def __str__(self):
        return f"{self.label}, {self.city}"


class Membership(models.Model):
    """A buyer of a company; its admin also manages buyers and addresses."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wholesale_membership",
    )
    is_admin = models.BooleanField(_("company admin"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company buyer")
        verbose_name_plural = _("company buyers")

    def __str__(self):
        return f"{self.user} @ {self.company}"


class Invitation(models.Model):
    """A colleague invited by the company admin, until they accept."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.company}"


class PriceTier(models.Model):
    """A volume price: from this many packs on, each unit costs this much (MAD)."""

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="price_tiers"
    )
    min_packs = models.PositiveIntegerField(
        _("from (packs)"), validators=[MinValueValidator(1)]
    )
    unit_price = models.DecimalField(
        _("unit price (MAD)"), validators=[MinValueValidator(0.01)], **MONEY
    )

    class Meta:
        ordering = ["product", "min_packs"]
        verbose_name = _("volume price")
        verbose_name_plural = _("volume prices")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "min_packs"], name="pricetier_unique_threshold"
            )
        ]

    def __str__(self):
        return f"{self.product_id} ≥ {self.min_packs}: {self.unit_price}"


class PriceListItem(models.Model):
    """A company's negotiated unit price for a product, in its quote currency."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="price_list"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="+"
    )
    unit_price = models.DecimalField(
        _("unit price"), validators=[MinValueValidator(0.01)], **MONEY
    )

    class Meta:
        verbose_name = _("negotiated price")
        verbose_name_plural = _("negotiated prices")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "product"], name="pricelistitem_unique_product"
            )
        ]

    def __str__(self):
        return f"{self.company_id}/{self.product_id}: {self.unit_price}"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    QUOTED = "quoted", _("Quote sent")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Ordered")


class QuoteRequest(models.Model):
    """A company's request for quote, and the thread that follows it."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="quote_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=QuoteStatus.choices,
        default=QuoteStatus.DRAFT,
    )
    delivery_date = models.DateField(
        _("requested delivery date"), null=True, blank=True
    )
    delivery_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    delivery_country = models.ForeignKey(
        "address.Country",
        on_delete=models.PROTECT,
        verbose_name=_("delivery country"),
    )
    incoterm = models.CharField(
        _("incoterm"), max_length=3, choices=Incoterm.choices, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default="MAD"
    )
    notes = models.TextField(_("notes"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to="wholesale/requests/%Y/%m/", blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    order = models.OneToOneField(
        "order.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote_request",
    )
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("request for quote")
        verbose_name_plural = _("requests for quote")
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return self.number

    @property
    def current_quote(self):
        return self.quotes.order_by("-version").first()


class QuoteRequestLine(models.Model):
    request = models.ForeignKey(
        QuoteRequest, on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="+"
    )
    packs = models.PositiveIntegerField(_("packs"), validators=[MinValueValidator(1)])
    # The pack size when asked: the catalogue's may change later.
    pack_size = models.PositiveIntegerField(_("units per pack"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "product"], name="quoterequestline_unique_product"
            ),
            models.CheckConstraint(
                condition=Q(packs__gt=0), name="quoterequestline_packs_positive"
            ),
        ]

    def __str__(self):
        return f"{self.packs} × {self.product_id}"

    @property
    def units(self) -> int:
        return self.packs * self.pack_size


class Quote(models.Model):
    """One version of the office's answer to a request, kept once sent."""

    request = models.ForeignKey(
        QuoteRequest, on_delete=models.CASCADE, related_name="quotes"
    )
    version = models.PositiveIntegerField(_("version"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    delivery_price = models.DecimalField(_("delivery price"), default=0, **MONEY)
    valid_until = models.DateField(_("valid until"))
    payment_terms = models.CharField(
        _("payment terms"), max_length=10, choices=PaymentTerms.choices
    )
    message = models.TextField(_("message"), blank=True)
    total = models.DecimalField(_("total"), **MONEY)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "version"]
        verbose_name = pgettext_lazy("commercial offer", "quote")
        verbose_name_plural = pgettext_lazy("commercial offer", "quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "version"], name="quote_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.request.number} v{self.version}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="+"
    )
    packs = models.PositiveIntegerField(_("packs"))
    pack_size = models.PositiveIntegerField(_("units per pack"))
    unit_price = models.DecimalField(
        _("unit price"), validators=[MinValueValidator(0.01)], **MONEY
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.packs} × {self.product_id} @ {self.unit_price}"

    @property
    def units(self) -> int:
        return self.packs * self.pack_size

    @property
    def line_total(self):
        return self.unit_price * self.units


class QuoteMessage(models.Model):
    """The thread between the company's buyers and the office."""

    request = models.ForeignKey(
        QuoteRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_office = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.request_id}: {self.body[:40]}"


class StatusChange(models.Model):
    """Who moved a request from one status to another, and when."""

    request = models.ForeignKey(
        QuoteRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=QuoteStatus.choices)
    to_status = models.CharField(max_length=20, choices=QuoteStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} → {self.to_status}"
