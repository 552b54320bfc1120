"""Which address a request comes from, for counting attempts per client.

The sign-in lockout (django-axes) and the rate limits (shop/security/throttling.py)
both count per address, and both read it here.
"""

import ipaddress

from django.conf import settings

# One visitor on IPv6 is given a whole /64 network: counting single addresses
# would let them change address with every attempt.
IPV6_PREFIX = 64
# Requests without a usable address (a Unix socket without the proxy setting)
# share one count rather than escaping it; an address still, since axes stores
# it in an IP address column.
NO_ADDRESS = "0.0.0.0"  # noqa: S104 (a value, not a listening address)


def client_address(request) -> str:
    """Return the address to count a request's attempts against.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many reverse proxies of
    ours stand in front: each appends the address it was reached from to
    X-Forwarded-For, so the entry that many places from the right is the
    visitor's. Entries further left were written by the visitor and prove
    nothing; without the setting the header is ignored, since anyone can send it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return NO_ADDRESS
    if parsed.version == 6:
        return str(
            ipaddress.ip_network(
                f"{parsed}/{IPV6_PREFIX}", strict=False
            ).network_address
        )
    return str(parsed)
