"""Phone numbers as customers give them, in one form to find them by."""

import phonenumbers
from django.conf import settings


def phone_normalise(*, text: str) -> str | None:
    """A Moroccan or international phone number in E.164, or None if invalid.

    Accepts "06 12 34 56 78", "0612345678", "+212 6 12 34 56 78", "00212…".
    """
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
