"""Overrides oscar.apps.catalogue.models: products carry cooperative and provenance."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


class Region(models.TextChoices):
    """The twelve administrative regions of Morocco (2015 division)."""

    TANGER_TETOUAN_AL_HOCEIMA = "tanger-tetouan-al-hoceima", "Tanger-Tétouan-Al Hoceïma"
    ORIENTAL = "oriental", "L'Oriental"
    FES_MEKNES = "fes-meknes", "Fès-Meknès"
    RABAT_SALE_KENITRA = "rabat-sale-kenitra", "Rabat-Salé-Kénitra"
    BENI_MELLAL_KHENIFRA = "beni-mellal-khenifra", "Béni Mellal-Khénifra"
    CASABLANCA_SETTAT = "casablanca-settat", "Casablanca-Settat"
    MARRAKECH_SAFI = "marrakech-safi", "Marrakech-Safi"
    DRAA_TAFILALET = "draa-tafilalet", "Drâa-Tafilalet"
    SOUSS_MASSA = "souss-massa", "Souss-Massa"
    GUELMIM_OUED_NOUN = "guelmim-oued-noun", "Guelmim-Oued Noun"
    LAAYOUNE_SAKIA_EL_HAMRA = "laayoune-sakia-el-hamra", "Laâyoune-Sakia El Hamra"
    DAKHLA_OUED_ED_DAHAB = "dakhla-oued-ed-dahab", "Dakhla-Oued Ed-Dahab"


class CooperativeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Cooperative.Status.ACTIVE)


class Cooperative(models.Model):
    """An agricultural cooperative that produces what the office sells."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    legal_number = models.CharField(
        _("registration number"),
        max_length=64,
        blank=True,
        help_text=_("Number in the national register of cooperatives."),
    )
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"), null=True, blank=True
    )
    members = models.PositiveIntegerField(_("members"), default=0)
    women_members = models.PositiveIntegerField(_("women members"), default=0)
    convention_signed_on = models.DateField(
        _("convention with the office signed on"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    story = models.TextField(_("story"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="cooperatives/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CooperativeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(women_members__lte=models.F("members")),
                name="cooperative_women_members_lte_members",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.women_members > self.members:
            raise ValidationError(
                {"women_members": _("Women members cannot outnumber all members.")}
            )
        this_year = timezone.localdate().year
        if self.founded_year and not 1900 <= self.founded_year <= this_year:
            raise ValidationError(
                {
                    "founded_year": _("Enter a year between 1900 and %(year)s.")
                    % {"year": this_year}
                }
            )


class CertificationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day, valid_until__gte=day)

    def valid_today(self):
        return self.valid_on(timezone.localdate())


class Certification(models.Model):
    """A quality sign held by a cooperative for some of its products."""

    class Scheme(models.TextChoices):
        IGP = "igp", _("IGP (protected geographical indication)")
        AOP = "aop", _("AOP (protected designation of origin)")
        LABEL_AGRICOLE = "label_agricole", _("Label Agricole")
        ORGANIC = "organic", _("Organic")
        SANITARY = "sanitary", _("ONSSA sanitary approval")

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("cooperative"),
    )
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("The protected name, e.g. “Safran de Taliouine”."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64)
    certifying_body = models.CharField(_("certifying body"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    document = models.FileField(
        _("certificate (PDF)"),
        upload_to="certifications/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    products = models.ManyToManyField(
        "catalogue.Product",
        related_name="certifications",
        blank=True,
        verbose_name=_("products covered"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="certification_valid_until_after_valid_from",
            ),
            models.UniqueConstraint(
                fields=["scheme", "certificate_number"],
                name="certification_unique_number_per_scheme",
            ),
        ]

    def __str__(self):
        return f"{self.get_scheme_display()} — {self.name}"

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end of validity must follow its start.")}
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until

    @property
    def is_valid_today(self) -> bool:
        return self.is_valid_on(timezone.localdate())


hs_code_validator = RegexValidator(
    r"^\d{6,10}$", _("An HS code has 6 to 10 digits, without dots or spaces.")
)


class Product(AbstractProduct):
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("cooperative"),
        # Nullable only for child products (variants), which inherit their
        # parent's cooperative; the check constraint below enforces it.
        null=True,
        blank=True,
    )
    origin_region = models.CharField(
        _("origin region"), max_length=32, choices=Region.choices, blank=True
    )
    cold_chain = models.BooleanField(
        _("cold chain"),
        default=False,
        help_text=_("Needs refrigerated storage and transport."),
    )
    hs_code = models.CharField(
        _("HS code"), max_length=10, blank=True, validators=[hs_code_validator]
    )
    wholesale_pack_size = models.PositiveIntegerField(
        _("wholesale pack size"), default=1, help_text=_("Units per wholesale carton.")
    )
    minimum_order_quantity = models.PositiveIntegerField(
        _("wholesale minimum order quantity"), default=1
    )

    class Meta(AbstractProduct.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(structure="child") | Q(cooperative__isnull=False),
                name="product_cooperative_required",
            )
        ]

    def clean(self):
        super().clean()
        if not self.is_child and self.cooperative_id is None:
            raise ValidationError(
                {"cooperative": _("Choose the producing cooperative.")}
            )

    def save(self, *args, **kwargs):
        if self.is_child and self.parent_id and self.cooperative_id is None:
            self.cooperative_id = self.parent.cooperative_id
        super().save(*args, **kwargs)

    def get_cooperative(self):
        return self.parent.cooperative if self.is_child else self.cooperative

    def valid_certifications(self):
        """Return the certifications valid today (a variant shows its parent's)."""
        product = self.parent if self.is_child else self
        return product.certifications.valid_today()

    def is_review_permitted(self, user):
        """Oscar's "Write a review" links show to customers who bought it only."""
        # Imported here: the selector reads order lines, loaded after this app.
        from catalog.reviews.selectors import review_refusal_get

        return review_refusal_get(product=self, user=user) is None


from oscar.apps.catalogue.models import *  # noqa: E402, F403
