"""Template tags for shared pages: parts personal to a visitor, and fragments
cached with the products they show (shop/page_cache.py, shop/cache.py)."""

from django import template
from django.db.models import Model
from django.utils.safestring import mark_safe
from oscar.core.loading import get_model

from shop.cache import catalogue_cached, products_shown
from shop.page_cache import personal_marked
from shop.sales.selectors import sales_context_get

register = template.Library()

# Like Django's {% cache 60 %} fragments: a bulk update sending no signal
# shows within a minute, as on whole pages.
FRAGMENT_SECONDS = 60


@register.simple_tag(takes_context=True)
def personal(context, template_name, **arguments):
    """Render a template that depends on the visitor, marked so that a page
    served from the cache gets it rendered again for each visitor.

    Arguments must be model instances or plain values: only their ids travel
    with the cached page (the product of a product page, say).
    """
    spec = ",".join(
        f"{name}={value.pk if isinstance(value, Model) else value}"
        for name, value in arguments.items()
    )
    part = context.template.engine.get_template(template_name)
    with context.push(**arguments):
        # The part is rendered with autoescaping like any template; only the
        # marks around it are added here.
        return mark_safe(personal_marked(template_name, spec, part.render(context)))  # noqa: S308


class CatalogueFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        request = context.get("request")
        product_model = get_model("catalogue", "Product")
        products = [value for value in vary_on if isinstance(value, product_model)]

        def compute():
            products_shown(*(product.pk for product in products))
            products_shown(*(product.parent_id for product in products))
            return self.nodelist.render(context)

        return catalogue_cached(
            f"fragment:{name}",
            *(value.pk if isinstance(value, Model) else value for value in vary_on),
            compute=compute,
            sales_context=sales_context_get(request=request),
            timeout=FRAGMENT_SECONDS,
        )


@register.tag
def catalogue_fragment(parser, token):
    """{% catalogue_fragment "name" *vary_on %}…{% endcatalogue_fragment %}

    Cached per language and pricing key, and thrown away when a product it
    shows changes: products among `vary_on`, and products loaded or priced
    while it renders.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name")
    nodelist = parser.parse(("endcatalogue_fragment",))
    parser.delete_first_token()
    return CatalogueFragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
    )


@register.simple_tag(takes_context=True)
def recently_viewed_cards(context) -> list:
    """The cards of the visitor's recently viewed products, latest first: from
    `products` (Oscar's tag, on a rendered page) or `product_ids` (the history
    cookie, on a stored page). Cards come from the cache like a listing's, so
    a page served to a shopper with a history runs no query for them."""
    from search.selectors import browsable_cards_get

    ids = context.get("product_ids")
    if ids is None:
        ids = [product.pk for product in context.get("products") or ()]
    return browsable_cards_get(
        product_ids=ids,
        sales_context=sales_context_get(request=context.get("request")),
    )
