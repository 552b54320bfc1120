"""Content-Security-Policy on every answer, pages served from the page cache included.

The policy is CONTENT_SECURITY_POLICY in settings (django-csp): scripts run
only from this site, from Stripe.js's origin and inline when they carry the
request's nonce (`<script nonce="{{ request.csp_nonce }}">`), so HTML slipped
into a staff text cannot run in shoppers' browsers. This middleware adds what
settings can change at run time: the origin Stripe.js is loaded from
(localstripe in tests and the demo, js.stripe.com in production), and a looser
script policy for the Wagtail admin, whose own templates write inline scripts
without a nonce (date pickers, inline panels).

It goes before the page cache (shop/page_cache.py) so that cached pages get the
header too; the cache puts the current request's nonce in the pages it serves.
"""

from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

from shop.checkout.views import stripe_js_context
from shop.url_paths import path_of

STRIPE_JS_DIRECTIVES = ("script-src", "frame-src", "connect-src")
# What Stripe.js loaded from js.stripe.com opens and calls besides its own
# origin (https://docs.stripe.com/security/guide#content-security-policy).
STRIPE_HOSTED_SOURCES = {
    "script-src": ["https://*.js.stripe.com"],
    "frame-src": ["https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}
# Wagtail's editors: inline scripts without a nonce, and the avatars Wagtail
# fetches from Gravatar; the other directives stay the site's.
WAGTAIL_ADMIN_SOURCES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", "www.gravatar.com"],
    # The page editor previews the page in a frame of its own.
    "frame-ancestors": [SELF],
}


def stripe_js_origin() -> str:
    """Return the origin the checkout loads Stripe.js from."""
    url = urlsplit(stripe_js_context()["stripe_js_url"])
    return f"{url.scheme}://{url.netloc}"


def stripe_sources() -> dict[str, list[str]]:
    """Return the sources Stripe.js needs, per directive."""
    origin = stripe_js_origin()
    sources = {directive: [origin] for directive in STRIPE_JS_DIRECTIVES}
    if origin == "https://js.stripe.com":
        for directive, hosts in STRIPE_HOSTED_SOURCES.items():
            sources[directive] += hosts
    return sources


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Stripe.js's origin and the CMS admin's policy."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if request.path_info.startswith(path_of("wagtailadmin_home")):
            parts.replace = {**WAGTAIL_ADMIN_SOURCES, **(parts.replace or {})}
        else:
            update = dict(parts.update or {})
            for directive, sources in stripe_sources().items():
                update[directive] = [*sources, *update.get(directive, [])]
            parts.update = update
        return parts
