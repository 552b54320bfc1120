"""`{{ product.description|sanitized_html }}`: staff rich text, safe to print."""

from django import template
from django.utils.safestring import mark_safe

from catalog.sanitising import html_sanitise

register = template.Library()


@register.filter
def sanitized_html(value) -> str:
    """Print staff HTML with only the rich-text subset kept (in place of |safe)."""
    return mark_safe(html_sanitise(str(value or "")))  # noqa: S308 (cleaned by nh3)
