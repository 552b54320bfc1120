"""Staff-written rich text reduced to a safe subset of HTML (nh3).

Descriptions, stories and the dashboard's pages come from the dashboard's
editor, the catalogue spreadsheet or the Django admin; any of them may carry
scripts, frames, forms or event handlers (a careless paste, a compromised staff
account) that every shopper's browser would run. They are cleaned when saved,
whatever the path (a pre_save receiver, catalog/receivers.py), and again when
shown (the `|sanitized_html` filter, catalog/templatetags/rich_text.py), which
also covers rows written before cleaning existed or by a bulk update that sends
no signal. Wagtail's rich text is left to Wagtail, which keeps its own subset.
"""

import functools

import nh3
from modeltranslation.utils import get_translation_fields

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
)
# Links open nothing but web pages and mail; nh3 adds rel="noopener noreferrer".
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Staff rich text per model; a translated field is cleaned in every language.
RICH_TEXT_FIELDS = {
    "catalogue.Product": ("description",),
    "catalogue.Category": ("description", "long_description"),
    "catalogue.Cooperative": ("story",),
    # Oscar prints offer and range descriptions as they are on shoppers' pages.
    "offer.ConditionalOffer": ("description",),
    "offer.Range": ("description",),
    # The dashboard's pages (terms, delivery, legal notice): Django's view
    # marks their content safe as it is.
    "flatpages.FlatPage": ("content",),
}

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={"a": {"href"}},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener noreferrer",
)


def html_sanitise(html: str) -> str:
    """Return the HTML with only the allowed tags, links and text (idempotent)."""
    return _cleaner.clean(html)


@functools.cache
def rich_text_columns(model) -> tuple[str, ...]:
    """Return the model's staff rich-text columns: one per language for a
    translated field (its plain attribute reads and writes the active
    language's, or shows the French text when that one is empty)."""
    names = {field.name for field in model._meta.concrete_fields}
    columns = []
    for name in RICH_TEXT_FIELDS.get(model._meta.label, ()):
        languages = [
            column for column in get_translation_fields(name) if column in names
        ]
        columns += languages or [name]
    return tuple(columns)


def rich_text_sanitise(*, instance) -> None:
    """Clean the instance's rich-text columns in place (before it is saved)."""
    for column in rich_text_columns(type(instance)):
        value = getattr(instance, column)
        if value:
            setattr(instance, column, html_sanitise(value))
