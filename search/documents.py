"""The product document: what the engine stores about a product, and how it analyses it.

Text analysis (French first, Arabic and English follow):
- Every text analyser first normalises Arabic spelling: hamza/madda alef forms,
  alef maqsura and teh marbuta folded, short vowels and tatweel removed, so
  "الأَركـان" meets "الاركان". Done with character filters rather than
  Elasticsearch's ``arabic_normalization`` token filter, which the local engine
  lacks: both engines then analyse alike.
- ``french_index``/``french_search``: elision (l', d', qu'…), lowercase, accent
  folding, the Arabic stemmer (it strips the article, so Arabic words meet their
  synonyms), then French light stemming.
  Synonyms (``search/synonyms.txt``) are expanded when indexing only: the engine
  we run locally mishandles query-time synonym graphs with ``operator: and``, and
  index-time expansion also lets typo-tolerant (fuzzy) queries reach synonyms.
- ``.ar`` sub-fields: Arabic stop words, digit normalisation and stemming.
- ``title.ac``: edge n-grams for search-as-you-type.
- ``title_ar``/``text_ar`` and ``title_en``/``text_en``: the Arabic and English
  texts of the product (titles, cooperative, categories, description), analysed
  in their language, for shoppers reading the shop in it. ``title_ar_bare``
  holds the Arabic title without the article, so "أركان" completes "الأركان".
The engine has no ``copy_to``, so the catch-all ``text`` field is assembled here.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from catalog.models import Certification, Region
from search.engine import dsl

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
# The languages besides French that documents carry (fields below); the shop's
# LANGUAGES must not hold another one.
TRANSLATED_LANGUAGES = ("ar", "en")
ARABIC_ARTICLE = re.compile(r"(?<!\S)(?:و|ف|ب|ك)?(?:ال|لل)(?=\S\S)")
DESCRIPTION_IN_TEXT = 300  # characters of description in the catch-all field

FRENCH_ELISIONS = [
    "l", "m", "t", "qu", "n", "s", "j", "d", "c",
    "jusqu", "quoiqu", "lorsqu", "puisqu",
]  # fmt: skip

# Words a shopper types for each quality scheme (synonyms widen them further).
SCHEME_WORDS = {
    Certification.Scheme.IGP: "IGP indication géographique protégée",
    Certification.Scheme.AOP: "AOP appellation d'origine protégée",
    Certification.Scheme.LABEL_AGRICOLE: "Label Agricole",
    Certification.Scheme.ORGANIC: "bio",
    Certification.Scheme.SANITARY: "ONSSA",
}


def read_synonyms(path: Path = SYNONYMS_FILE) -> list[str]:
    """Return the synonym rules of the repository file, without comments."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rule = line.split("#", 1)[0].strip()
        if rule:
            rules.append(rule)
    return rules


def analysis_settings() -> dict:
    """Return the index analysis settings (reads the synonyms file)."""
    base = ["french_elision", "lowercase", "asciifolding", "arabic_stemmer"]
    arabic = ["arabic_letters", "arabic_marks"]
    return {
        "char_filter": {
            "arabic_letters": {
                "type": "mapping",
                "mappings": [
                    *(f"{alef} => ا" for alef in "أإآٱ"),
                    "ى => ي",
                    "ة => ه",
                ],
            },
            # Short vowels (fathatan to sukun and beyond), superscript alef, tatweel.
            "arabic_marks": {
                "type": "pattern_replace",
                "pattern": "[\\u064B-\\u065F\\u0670\\u0640]",
                "replacement": "",
            },
        },
        "filter": {
            "french_elision": {
                "type": "elision",
                "articles_case": True,
                "articles": FRENCH_ELISIONS,
            },
            "french_light_stemmer": {"type": "stemmer", "language": "light_french"},
            "arabic_stemmer": {"type": "stemmer", "language": "arabic"},
            "arabic_stop": {"type": "stop", "stopwords": "_arabic_"},
            "terroir_synonyms": {"type": "synonym", "synonyms": read_synonyms()},
            "english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "english_stemmer": {"type": "stemmer", "language": "light_english"},
            "autocomplete_ngrams": {
                "type": "edge_ngram",
                "min_gram": 1,
                "max_gram": 20,
            },
        },
        "analyzer": {
            "french_index": {
                "type": "custom",
                "char_filter": arabic,
                "tokenizer": "standard",
                "filter": [*base, "terroir_synonyms", "french_light_stemmer"],
            },
            "french_search": {
                "type": "custom",
                "char_filter": arabic,
                "tokenizer": "standard",
                "filter": [*base, "french_light_stemmer"],
            },
            "arabic_text": {
                "type": "custom",
                "char_filter": arabic,
                "tokenizer": "standard",
                "filter": [
                    "lowercase",
                    "decimal_digit",
                    "arabic_stop",
                    "arabic_stemmer",
                ],
            },
            "english_text": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "english_possessive",
                    "lowercase",
                    "asciifolding",
                    "english_stemmer",
                ],
            },
            "autocomplete_index": {
                "type": "custom",
                "char_filter": arabic,
                "tokenizer": "standard",
                "filter": [
                    "french_elision",
                    "lowercase",
                    "asciifolding",
                    "autocomplete_ngrams",
                ],
            },
            "autocomplete_search": {
                "type": "custom",
                "char_filter": arabic,
                "tokenizer": "standard",
                "filter": ["french_elision", "lowercase", "asciifolding"],
            },
        },
        "normalizer": {
            "folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}
        },
    }


def _french(**kwargs):
    return dsl.Text(analyzer="french_index", search_analyzer="french_search", **kwargs)


def _french_and_arabic():
    return _french(fields={"ar": dsl.Text(analyzer="arabic_text")})


def _as_you_type():
    return dsl.Text(
        analyzer="autocomplete_index", search_analyzer="autocomplete_search"
    )


def _completion():
    return dsl.Completion(
        analyzer="autocomplete_search", search_analyzer="autocomplete_search"
    )


class ProductDocument(dsl.Document):
    product_id = dsl.Long()  # a sortable copy of the document id (stable paging)
    title = _french(
        fields={
            "ar": dsl.Text(analyzer="arabic_text"),
            "ac": _as_you_type(),
            "sort": dsl.Keyword(normalizer="folded"),
        }
    )
    description = _french_and_arabic()
    # Catch-all: title, cooperative, place, categories, labels and description.
    text = _french_and_arabic()
    title_head = _french(fields={"ac": _as_you_type()})  # see title_head()
    slug = dsl.Keyword(index=False)
    upc = dsl.Keyword(normalizer="folded")
    product_class = dsl.Keyword()
    category_ids = dsl.Keyword()  # each category and its ancestors
    cooperative_id = dsl.Keyword()
    region = dsl.Keyword()
    # One date range per certification and scheme: a label filters and counts
    # only while "today" lies inside one of its ranges, whatever the index age.
    label_validity = dsl.Object(
        properties={
            scheme: dsl.DateRange(format="yyyy-MM-dd")
            for scheme in Certification.Scheme.values
        }
    )
    price = dsl.ScaledFloat(scaling_factor=100)  # MAD, online channel
    in_stock_online = dsl.Boolean()
    stores_in_stock = dsl.Keyword()  # pilot store partner ids with free stock
    cold_chain = dsl.Boolean()
    date_created = dsl.Date()
    suggest = _completion()
    title_ar = dsl.Text(analyzer="arabic_text", fields={"ac": _as_you_type()})
    title_ar_bare = _as_you_type()
    text_ar = dsl.Text(analyzer="arabic_text")
    title_en = dsl.Text(analyzer="english_text", fields={"ac": _as_you_type()})
    text_en = dsl.Text(analyzer="english_text")


@dataclass(frozen=True)
class CategoryFacts:
    id: int
    name: str
    ancestor_ids: tuple[int, ...] = ()
    names: dict[str, str] = field(default_factory=dict)  # translations by language


@dataclass(frozen=True)
class TranslatedFacts:
    """A product's texts in one language besides French (blank: not translated)."""

    title: str = ""
    description: str = ""
    cooperative_name: str = ""


@dataclass(frozen=True)
class LabelFacts:
    scheme: str
    name: str
    valid_from: datetime.date
    valid_until: datetime.date

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class ProductFacts:
    """What the index needs to know about one product, loaded in bulk beforehand."""

    id: int
    title: str
    slug: str
    description: str = ""
    upc: str = ""
    product_class: str = ""
    cooperative_id: int | None = None
    cooperative_name: str = ""
    cooperative_city: str = ""
    region: str = ""
    cold_chain: bool = False
    date_created: datetime.datetime | None = None
    categories: tuple[CategoryFacts, ...] = ()
    labels: tuple[LabelFacts, ...] = ()
    price: Decimal | None = None
    in_stock_online: bool = False
    stores_in_stock: tuple[int, ...] = field(default=())
    translations: dict[str, TranslatedFacts] = field(default_factory=dict)


# Words that end the naming part of a French product title.
_HEAD_ENDS = {
    "de", "d", "du", "des", "au", "aux", "à", "a", "en", "et", "l", "la", "le",
    "les", "pour", "sans", "avec", "sur", "par",
}  # fmt: skip


def title_head(title: str, limit: int = 3) -> str:
    """Return the words of a title that name what the product is, before its
    first linking word ("Thé vert au safran" → "Thé vert", "Safran de Taliouine"
    → "Safran"): a query naming them ranks those products before the ones that
    only contain it."""
    head = []
    for word in re.findall(r"[^\W_]+", title)[:limit]:
        if word.casefold() in _HEAD_ENDS:
            break
        head.append(word)
    return " ".join(head)


@cache
def _region_names() -> dict[str, str]:
    # Region labels are proper names, identical in every language.
    return {str(value): str(label) for value, label in Region.choices}


def word_suffixes(text: str, limit: int = 4) -> list[str]:
    """Return the text and its tails from each later word ("Huile d'argane bio"
    → also "d'argane bio", "bio"), so completion matches any word start."""
    words = text.split()
    return [" ".join(words[i:]) for i in range(min(len(words), limit))]


def _translated_fields(facts: ProductFacts) -> dict[str, str]:
    """Return the Arabic and English fields; French texts stand in for missing ones
    in the catch-all text, so a half-translated product is still found."""
    fields = {}
    for language in TRANSLATED_LANGUAGES:
        texts = facts.translations.get(language, TranslatedFacts())
        parts = [
            texts.title or facts.title,
            texts.cooperative_name or facts.cooperative_name,
            *(c.names.get(language) or c.name for c in facts.categories),
            (texts.description or facts.description)[:DESCRIPTION_IN_TEXT],
        ]
        fields[f"text_{language}"] = " \n".join(part for part in parts if part)
        if texts.title:
            fields[f"title_{language}"] = texts.title
    if title_ar := fields.get("title_ar"):
        fields["title_ar_bare"] = ARABIC_ARTICLE.sub("", title_ar)
    return fields


def document_from_facts(facts: ProductFacts, *, today: datetime.date) -> dict:
    """Return the document source for a product (labels valid today feed the text)."""
    valid_labels = [label for label in facts.labels if label.is_valid_on(today)]
    region_name = _region_names().get(facts.region, "")
    category_names = [category.name for category in facts.categories]
    category_ids = {str(category.id) for category in facts.categories}
    for category in facts.categories:
        category_ids.update(str(pk) for pk in category.ancestor_ids)
    label_validity: dict[str, list[dict]] = {}
    for label in facts.labels:
        label_validity.setdefault(label.scheme, []).append(
            {"gte": label.valid_from.isoformat(), "lte": label.valid_until.isoformat()}
        )
    label_words = [
        f"{SCHEME_WORDS.get(label.scheme, '')} {label.name}" for label in valid_labels
    ]
    text = " \n".join(
        part
        for part in [
            facts.title,
            facts.cooperative_name,
            facts.cooperative_city,
            region_name,
            *category_names,
            *label_words,
            # The opening of the description carries its key words; the whole
            # text would make every query slower for little gain in relevance.
            facts.description[:DESCRIPTION_IN_TEXT],
        ]
        if part
    )
    document = ProductDocument(
        meta={"id": facts.id},
        product_id=facts.id,
        title=facts.title,
        description=facts.description,
        text=text,
        title_head=title_head(facts.title),
        slug=facts.slug,
        upc=facts.upc or None,
        product_class=facts.product_class or None,
        category_ids=sorted(category_ids),
        cooperative_id=str(facts.cooperative_id) if facts.cooperative_id else None,
        region=facts.region or None,
        label_validity=label_validity,
        price=facts.price,
        in_stock_online=facts.in_stock_online,
        stores_in_stock=[str(pk) for pk in facts.stores_in_stock],
        cold_chain=facts.cold_chain,
        date_created=facts.date_created,
        suggest={"input": word_suffixes(facts.title)},
        **_translated_fields(facts),
    )
    return document.to_dict(skip_empty=True)


def index_body(*, bulk_load: bool = False) -> dict:
    """Return settings and mappings for a new product index.

    A bulk load disables refreshes; the rebuild turns them back on before the
    alias moves to the new index.
    """
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "refresh_interval": "-1" if bulk_load else "1s",
            "analysis": analysis_settings(),
        },
        "mappings": ProductDocument._doc_type.mapping.to_dict(),
    }
