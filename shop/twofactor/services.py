"""Set up, check and reset office staff's authenticator apps."""

import math
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    # Set when earlier wrong codes lock the device for a while (django-otp
    # doubles the wait after each one: 1, 2, 4, 8… seconds).
    wait_seconds: int = 0


def enrolment_device_get(*, user) -> TOTPDevice:
    """The device a user is setting up: the same secret on every visit, so a
    reload does not invalidate the QR code already scanned."""
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret_text(*, device: TOTPDevice) -> str:
    """The secret as apps ask for it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code against a device, counting wrong ones (django-otp's throttling).

    A code once accepted is not accepted again (the device records its time step).
    """
    with transaction.atomic():
        # Locked row: two requests racing with the same code cannot both pass.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(accepted=False, wait_seconds=_wait_seconds(details))
        return CodeCheck(accepted=device.verify_token(code))


def _wait_seconds(details) -> int:
    if details and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        left = (details["locked_until"] - timezone.now()).total_seconds()
        return max(1, math.ceil(left))
    return 1


def device_confirm(*, device: TOTPDevice) -> None:
    """Make a set-up device the user's one; other half-done set-ups are dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def devices_reset(*, user) -> int:
    """Remove a user's authenticator apps (a lost phone); return how many.

    Their next visit to the back office asks them to set one up again, and
    sessions verified with a removed device are no longer verified.
    """
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted
