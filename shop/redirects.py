"""Where a `next` parameter may send a visitor: only back to this site."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str | None, default) -> str:
    """Return `candidate` if it points at this site, else `default` resolved.

    `default` may be a URL, a URL name or a model with get_absolute_url.
    Over HTTPS, a plain-HTTP target is refused too. A candidate without a
    slash is refused: redirect() would take it for a URL name (a 500 for any
    other word), and no page of ours links with a relative `next`.
    """
    if (
        candidate
        and "/" in candidate
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return resolve_url(default)
