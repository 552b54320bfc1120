"""Paths of named URLs, reversed once per language and URL configuration.

Middleware asks for the same few paths on every request (is this the back
office? the CMS admin?): reverse() cost a tenth of serving a cached page.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def path_of(name: str) -> str:
    """reverse(name), from a per-process memo (raises NoReverseMatch alike)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(name, get_language(), get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=512)
def _reversed(name: str, language: str | None, prefix: str, urlconf: str) -> str:
    # The active language and script prefix are the ones in the key.
    return reverse(name, urlconf=urlconf)
