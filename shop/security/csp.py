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

from dataclasses import asdict
from urllib.parse import urlsplit

from csp.constants import HEADER, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

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


# Stands for the request's nonce in a policy built once (base64 has no "@").
NONCE_MARK = "@@csp-nonce@@"
_policies: dict[tuple, str] = {}


def _policies_forget(**kwargs) -> None:
    # A test overriding the policy or Stripe's settings gets the new one.
    _policies.clear()


setting_changed.connect(_policies_forget, dispatch_uid="csp-policies")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Stripe.js's origin and the CMS admin's policy.

    The header is built once per kind of page (CMS admin or not, with a nonce
    or not) and the request's nonce put in: building it cost a sixth of
    serving a page from the page cache. A response carrying django-csp's own
    overrides, or a report-only policy, gets the library's answer.
    """

    def process_response(self, request, response):
        overridden = any(
            getattr(response, name, None) not in (None, False)
            for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        )
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        excluded = settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
        if overridden or report_only or excluded or HEADER in response:
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them.
        nonce = getattr(request, "_csp_nonce", None)
        admin = request.path_info.startswith(path_of("wagtailadmin_home"))
        key = (admin, bool(nonce))
        policy = _policies.get(key)
        if policy is None:
            parts = self.get_policy_parts(request, response)
            parts.nonce = NONCE_MARK if nonce else None
            policy = _policies[key] = build_policy(**asdict(parts))
        response[HEADER] = policy.replace(NONCE_MARK, nonce) if nonce else policy
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

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
