"""Country names in the shopper's language (Oscar stores them in English)."""

from babel import Locale, UnknownLocaleError
from django.utils import translation


def country_name(code: str, language: str | None = None) -> str:
    """Name a country by its ISO 3166-1 code in the active language (CLDR)."""
    language = language or translation.get_language() or "fr"
    try:
        locale = Locale.parse(translation.to_locale(language))
    except (ValueError, UnknownLocaleError):
        return code
    return locale.territories.get(code.upper(), code)
