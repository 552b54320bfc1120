"""Read who must give a second factor, and with which device."""

import segno
from django.conf import settings
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

ADMIN_ACCESS = "wagtailadmin.access_admin"


def two_factor_applies(*, user) -> bool:
    """Whether a user reaches the back office (dashboard, Wagtail or Django admin).

    Office staff are `is_staff`; anyone else who may open the Wagtail admin
    (a superuser, an editor's group) edits what every shopper reads, so is
    asked too.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm(ADMIN_ACCESS)


def two_factor_required() -> bool:
    """Whether staff without a device must set one up before the back office."""
    return settings.STAFF_OTP_REQUIRED


def confirmed_device_get(*, user) -> TOTPDevice | None:
    """The authenticator app a user confirmed, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def device_qr_svg(*, device: TOTPDevice, title: str) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image
    request, nothing for the CSP to allow)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, light="white", title=title, svgclass="twofactor-qr"
    )
    # segno writes only shapes and the title, which it escapes.
    return mark_safe(svg)  # noqa: S308
