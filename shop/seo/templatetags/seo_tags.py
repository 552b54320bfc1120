"""`{% seo_head %}`: the head's title, description, links and schema.org data."""

from django import template
from django.template.loader import get_template
from django.template.loader_tags import BlockNode

from shop.seo import selectors

register = template.Library()


class SeoHeadNode(template.Node):
    # Declared so that templates extending the layout still override the title
    # and description blocks written inside the tag.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        blocks = {
            node.name: node for node in self.nodelist.get_nodes_by_type(BlockNode)
        }
        texts = {
            name: selectors.plain_text(blocks[name].render(context))
            for name in ("title", "description")
            if name in blocks
        }
        head = selectors.page_head_build(
            request=context.get("request"), context=context, **texts
        )
        return get_template("seo/head.html").render(
            {"head": head, "shop_name": context.get("shop_name", "")}
        )


@register.tag
def seo_head(parser, token):
    """Write the page's head tags; the title and description blocks go inside.

    {% seo_head %}{% block title %}…{% endblock %}
    {% block description %}…{% endblock %}{% endseo_head %}
    """
    nodelist = parser.parse(("endseo_head",))
    parser.delete_first_token()
    return SeoHeadNode(nodelist)
