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


def address_lines(address) -> list[str]:
    """An address's lines as Oscar prints them, its country named in the
    active language."""
    lines = address.active_address_fields()
    if not address.country_id:
        return lines
    english = address.country.printable_name
    name = country_name(address.country_id)
    return [name if line == english else line for line in lines]


class AddressForDisplay:
    """An address whose lines name the country in the visitor's language, for
    Oscar's templates that print ``address.active_address_fields``."""

    def __init__(self, address):
        self._address = address

    def __getattr__(self, name):
        return getattr(self._address, name)

    def active_address_fields(self) -> list[str]:
        return address_lines(self._address)
