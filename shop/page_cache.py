"""Whole pages shared between shoppers, with each shopper's own parts put back.

A page is rendered once per address, language and pricing key (the sales
context: retail, a wholesale company's prices…) as a visitor without any
cookie would see it, and kept PAGE_CACHE_SECONDS (0 turns the cache off, the
default with DEBUG on). The parts that belong to one visitor are marked in the
templates with `{% personal "template.html" %}`: the account links and basket in
the header, messages, wish lists, recently viewed products. Serving the page to
a visitor with a session, a basket or messages renders those few templates
again for them and swaps them in; a visitor without cookies gets the page as
stored. CSRF tokens are cut out before storing and the visitor's own is put
back, and so is the nonce of the Content-Security-Policy when there is one.

Visitors without cookies may get any page from the cache; visitors with
cookies only the catalogue and CMS pages (SHARED_VIEWS), whose content does
not depend on who asks beyond the marked parts. Staff always get pages
rendered for them (edit links, the CMS bar). A page whose rendering touched
the session, queued a message, set a personal cookie or answered anything but
200 is rendered again for the visitor, never kept.

A page is kept with the structure version and the versions of the products it
shows (shop/cache.py): a sale or a price change of one product throws away the
pages that show it, and no other.
"""

import copy
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.template.loader import get_template, render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from oscar.core.loading import get_class, get_model

from shop.cache import (
    _versions_shown,
    catalogue_version_kept,
    first_computation_awaited,
    products_shown_collected,
    refresh_claimed,
    refresh_released,
    stored_current,
    version_bump,
)
from shop.sales.selectors import sales_context_get

CSRF_PLACEHOLDER = "@@csrf-token@@"
NONCE_PLACEHOLDER = "@@csp-nonce@@"
# hit (a stored copy), miss (rendered and kept) or bypass (rendered for this
# visitor only).
PAGE_CACHE_HEADER = "X-Page-Cache"
# A stale page may still be served this long after it expired, and only while
# another request renders it again.
STALE_GRACE_SECONDS = 30
# Masked CSRF tokens are 64 letters and digits (django.middleware.csrf).
_CSRF_CANDIDATE = re.compile(r"[A-Za-z0-9]{64}")
_PERSONAL = re.compile(r"<!--personal:(?P<spec>[^>]*?)-->.*?<!--/personal-->", re.S)
# Views whose pages are the same for every visitor of a pricing key but for
# the parts marked personal: served from the cache to signed-in shoppers and
# shoppers with a basket too.
SHARED_VIEWS = frozenset(
    {
        "catalogue:index",
        "catalogue:category",
        "catalogue:detail",
        "search:search",
        "wagtail_serve",
    }
)
# Pages of someone's account, basket or checkout.
PRIVATE_NAMESPACES = frozenset({"customer", "basket", "checkout"})


def request_is_shareable(request) -> bool:
    """Tell whether a request may get a page exactly as stored for everyone.

    Only without any cookie that can personalise the page (session, basket,
    messages, history): the CSRF and language cookies are fine.
    """
    return set(request.COOKIES) <= _neutral_cookies()


def _neutral_cookies() -> set[str]:
    # Cookies that personalise nothing a shared page shows.
    return {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def _response_is_shareable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    # Oscar's recently-viewed cookie is put back for each visitor (_served).
    allowed = {settings.CSRF_COOKIE_NAME, settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME}
    return set(response.cookies) <= allowed


class PrivatePagesMiddleware:
    """Keep a visitor's own account, basket and checkout pages out of shared caches.

    Only for requests carrying personal cookies: the same pages for a
    cookie-less visitor (the sign-in form, an empty basket) are impersonal and
    stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        personal = not request_is_shareable(request) or response.cookies.keys() - {
            settings.CSRF_COOKIE_NAME
        }
        if match and personal and PRIVATE_NAMESPACES & set(match.namespaces):
            patch_cache_control(response, private=True)
        return response


class SharedPageCacheMiddleware:
    """Serve shared pages from the cache, each visitor's own parts put back.

    When a page has expired or what it shows changed, the first request renders
    it again; requests arriving meanwhile get the previous copy (for the few
    milliseconds of a render) rather than all rendering it at once, which on a
    busy page would stall every worker together.

    Goes after the CSRF, authentication, messages and basket middleware: it
    needs the visitor's CSRF cookie, who they are (their pricing key) and what
    they have to fill the personal parts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET":
            response = self.get_response(request)
            visitor_changed(request)
            return response
        with catalogue_version_kept():
            return self._get(request)

    def _get(self, request):
        timeout = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not timeout:
            return self.get_response(request)
        anonymous = request_is_shareable(request)
        if not anonymous and not _shared_for_everyone(request):
            return _marked(self.get_response(request), "bypass")
        key = _page_key(request)
        stored, version, current = stored_current(key)
        if stored is not None:
            fresh = stored["fresh_until"] > time.time()
            if fresh and stored["version"] == version and current:
                return _marked(_served(request, stored, anonymous, hit=True), "hit")
        # Stale or missing: one request renders the page while the others get
        # the previous copy, or wait for this one, instead of all rendering it.
        claimed = refresh_claimed(key)
        if not claimed:
            stored = stored or first_computation_awaited(key)
            if stored is not None:
                return _marked(_served(request, stored, anonymous, hit=True), "hit")
        try:
            target = request if anonymous else _as_anonymous(request)
            started = time.time_ns()
            with products_shown_collected() as shown:
                response = self.get_response(target)
            versions = _versions_shown(shown, started_ns=started)
            if not (_rendered_for_everyone(target, response) and versions is not None):
                if target is request:
                    return _marked(response, "bypass")
                return _marked(self.get_response(request), "bypass")
            frozen = _freeze(request, target, response)
            frozen.update(
                version=version, versions=versions, fresh_until=time.time() + timeout
            )
            cache.set(key, frozen, timeout + STALE_GRACE_SECONDS)
        finally:
            if claimed:
                refresh_released(key)
        if anonymous:
            # Shared only with visitors without personal cookies: a proxy
            # must not hand this copy to one who has them.
            patch_vary_headers(response, ("Cookie",))
            return _marked(response, "miss")
        return _marked(_served(request, frozen, anonymous, hit=False), "miss")


def _shared_for_everyone(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_staff:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in SHARED_VIEWS


def _as_anonymous(request):
    """Return a copy of the request as a visitor without cookies sees the page,
    in the same language and pricing key (so at the same prices)."""
    sales_context = sales_context_get(request=request)
    neutral = _neutral_cookies()
    anonymous = copy.copy(request)
    anonymous.COOKIES = {
        name: value for name, value in request.COOKIES.items() if name in neutral
    }
    anonymous.session = import_module(settings.SESSION_ENGINE).SessionStore()
    anonymous.user = AnonymousUser()
    anonymous._messages = default_storage(anonymous)
    anonymous.sales_context = sales_context
    basket = get_model("basket", "Basket")()
    basket.strategy = request.strategy
    anonymous.basket = basket
    anonymous.basket_hash = None
    anonymous.cookies_to_delete = []
    return anonymous


def _rendered_for_everyone(target, response) -> bool:
    session = getattr(target, "session", None)
    messages = getattr(target, "_messages", None)
    return (
        _response_is_shareable(response)
        and not (session is not None and session.modified)
        and not getattr(messages, "_queued_messages", None)
    )


def _marked(response, outcome: str):
    # Lets a load test (or an operator with curl) measure the hit rate.
    response[PAGE_CACHE_HEADER] = outcome
    return response


def _page_key(request) -> str:
    path = f"{request.get_host()}{request.get_full_path()}"
    return ":".join(
        [
            "page",
            timezone.localdate().isoformat(),
            get_language() or "",
            sales_context_get(request=request).pricing_key,
            hashlib.blake2b(path.encode(), digest_size=16).hexdigest(),
        ]
    )


def _freeze(request, target, response) -> dict:
    charset = response.charset
    content = _without_tokens(request, response.content.decode(charset))
    return {
        "content": content,
        "personal": bool(_PERSONAL.search(content)),
        "for_everyone": any(f"<!--personal:{name}" in content for name in EVERYONE),
        "charset": charset,
        "headers": {
            name: value
            for name, value in response.headers.items()
            if name.lower() in ("content-type", "content-language", "vary")
        },
        "viewed_product": getattr(target, "page_cache_viewed_product", None),
    }


def _without_tokens(request, content: str) -> str:
    """Replace the visitor's CSRF tokens and CSP nonce by placeholders."""
    nonce = _nonce_used(request)
    if nonce:
        content = content.replace(f'nonce="{nonce}"', f'nonce="{NONCE_PLACEHOLDER}"')
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    return _CSRF_CANDIDATE.sub(
        lambda match: (
            CSRF_PLACEHOLDER
            if _unmask_cipher_token(match.group()) == secret
            else match.group()
        ),
        content,
    )


def _nonce_used(request) -> str | None:
    # django-csp makes the nonce on first use: a page that used none has none
    # (its lazy nonce is falsy until then).
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else None


def _served(request, stored: dict, anonymous: bool, *, hit: bool) -> HttpResponse:
    content = stored["content"]
    if stored.get("for_everyone") or (not anonymous and stored["personal"]):
        content = _with_personal_parts(request, content, stored, anonymous)
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))
    response = HttpResponse(content.encode(stored["charset"]))
    for name, value in stored["headers"].items():
        response[name] = value
    if anonymous:
        patch_vary_headers(response, ("Cookie",))
    else:
        patch_cache_control(response, private=True)
    product_id = stored["viewed_product"]
    if product_id:
        _product_viewed_again(request, response, product_id, hit=hit)
    return response


@dataclass(frozen=True)
class Part:
    """How to render a personal part for a visitor.

    `shows` tells whether the visitor has anything of their own to show (else
    the copy rendered for everyone stays); `context` adds what Oscar computed
    in the view; `varies_on` names what the part's cached copy is kept for:
    "visitor" (their session and basket, until they next post a form), a cookie
    whose value decides it all, or None (never kept: messages show once).
    """

    shows: Callable = lambda request: True
    context: Callable | None = None
    varies_on: str | None = "visitor"
    # Follows the request, not the visitor (the page they came from): put
    # back for visitors without cookies too, from the request alone.
    for_everyone: bool = False


def _has_messages(request) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return settings.SESSION_COOKIE_NAME in request.COOKIES and bool(
        session and session.get("_messages")
    )


def _recently_viewed(request, stored: dict) -> dict:
    # Ids only: the part's cards come from the cache, not from the database.
    manager = get_class("customer.history", "CustomerHistoryManager")
    current = stored["viewed_product"]
    ids = [pk for pk in reversed(manager.extract(request)) if pk != current]
    return {"product_ids": ids}


def _has_history(request) -> bool:
    return settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME in request.COOKIES


def _signed_in(request) -> bool:
    return request.user.is_authenticated


PARTS = {
    "oscar/partials/alert_messages.html": Part(shows=_has_messages, varies_on=None),
    "oscar/customer/history/recently_viewed_list.html": Part(
        shows=_has_history,
        context=_recently_viewed,
        varies_on="cookie:OSCAR_RECENTLY_VIEWED_COOKIE_NAME",
    ),
    "oscar/catalogue/partials/wishlist_buttons.html": Part(shows=_signed_in),
    "oscar/catalogue/partials/back_button.html": Part(
        varies_on=None, for_everyone=True
    ),
}
EVERYONE = [name for name, part in PARTS.items() if part.for_everyone]
DEFAULT_PART = Part()
VISITOR_VERSION_KEY = "visitor:{}"


def _visitor(request) -> str:
    """Name the visitor by the cookies that hold their session and basket."""
    raw = "|".join(
        request.COOKIES.get(name, "")
        for name in (settings.SESSION_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN)
    )
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def visitor_changed(request) -> None:
    """Forget the visitor's cached personal parts (they posted a form: their
    basket, account or wish lists may have changed)."""
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) and not request_is_shareable(request):
        version_bump(
            VISITOR_VERSION_KEY.format(_visitor(request)),
            timeout=STALE_GRACE_SECONDS + getattr(settings, "PAGE_CACHE_SECONDS", 0),
        )


def _part_key(
    request, spec: str, part: Part, stored: dict, visitor_version
) -> str | None:
    if part.varies_on is None:
        return None
    if part.varies_on == "visitor":
        owner = f"{_visitor(request)}:{visitor_version}"
    else:
        cookie = getattr(settings, part.varies_on.removeprefix("cookie:"))
        owner = f"{request.COOKIES.get(cookie, '')}:{stored['viewed_product']}"
    raw = f"{spec}|{owner}"
    return ":".join(
        [
            "part",
            get_language() or "",
            sales_context_get(request=request).pricing_key,
            hashlib.blake2b(raw.encode(), digest_size=16).hexdigest(),
        ]
    )


def _with_personal_parts(request, content: str, stored: dict, anonymous: bool) -> str:
    """Put the visitor's own parts in place of everyone's, rendering only those
    the cache does not hold for them (one cache round trip for all). Visitors
    without cookies get only the parts that follow the request itself."""
    matches = [
        (match, PARTS.get(match["spec"].partition("|")[0], DEFAULT_PART))
        for match in _PERSONAL.finditer(content)
    ]
    matches = [
        (match, part)
        for match, part in matches
        if (part.for_everyone or not anonymous) and part.shows(request)
    ]
    if not matches:
        return content
    visitor_version = (
        cache.get(VISITOR_VERSION_KEY.format(_visitor(request)), 0)
        if any(part.varies_on == "visitor" for _, part in matches)
        else None
    )
    keys = [
        _part_key(request, match["spec"], part, stored, visitor_version)
        for match, part in matches
    ]
    known = cache.get_many([key for key in keys if key])
    rendered, pieces, position = {}, [], 0
    for (match, part), key in zip(matches, keys, strict=True):
        html = known.get(key) if key else None
        if html is None:
            html = _personal_part(request, match["spec"], part, stored)
            if key:
                rendered[key] = html
        pieces += [content[position : match.start()], html]
        position = match.end()
    if rendered:
        cache.set_many(rendered, getattr(settings, "PAGE_CACHE_SECONDS", 0))
    return "".join([*pieces, content[position:]])


def _personal_part(request, spec: str, part: Part, stored: dict) -> str:
    template, _, arguments = spec.partition("|")
    context = {"request": request}
    for pair in filter(None, arguments.split(",")):
        name, _, value = pair.partition("=")
        context[name] = _argument(name, value)
    if part.context is not None:
        context.update(part.context(request, stored))
    if part.for_everyone:
        # From the request alone: no context processor has anything for it.
        html = get_template(template).render(context)
    else:
        html = render_to_string(template, context, request)
    return personal_marked(template, arguments, html)


def _argument(name: str, value: str):
    # Only ids travel in the page: a product part gets a Product with that id,
    # enough for its URLs and for queries filtering on it.
    if name == "product":
        return _product_stand_in(int(value))
    return value


def _product_stand_in(product_id: int):
    """A Product holding only its id, its other fields deferred (read from the
    database if ever asked). Product(pk=…) set every translated field's
    default, switching language for each: 175 µs against 8, on every hit of a
    product page."""
    return get_model("catalogue", "Product").from_db(None, ["id"], [product_id])


def personal_marked(template: str, arguments: str, html: str) -> str:
    spec = f"{template}|{arguments}" if arguments else template
    return f"<!--personal:{spec}-->{html}<!--/personal-->"


def _product_viewed_again(request, response, product_id: int, *, hit: bool) -> None:
    """Do what viewing a product page does for this visitor: their recently
    viewed list and, when the view did not run for them, the view count."""
    from oscar.apps.catalogue.signals import product_viewed

    product = _product_stand_in(product_id)
    get_class("customer.history", "CustomerHistoryManager").update(
        product, request, response
    )
    if hit:
        product_viewed.send(
            sender=SharedPageCacheMiddleware,
            product=product,
            user=request.user,
            request=request,
            response=response,
        )


def product_view_noted(sender, product, request, **kwargs):
    """Receiver of product_viewed: remember which product a page shows, so that
    serving it from the cache counts the view and updates the history."""
    request.page_cache_viewed_product = product.pk
