"""Permissions-Policy: pages and the frames they open get no camera, microphone,
location or sensors; only this site and Stripe.js may ask for a payment.

Django has no setting for it. Built per answer, like the CSP, because Stripe.js's
origin comes from settings that tests and the demo change at run time.
"""

from shop.security.csp import stripe_js_origin

# Nothing the shop does needs them: a script that slipped in must not either.
DISABLED_FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "usb",
)


def permissions_policy() -> str:
    """Return the Permissions-Policy header's value."""
    disabled = [f"{feature}=()" for feature in DISABLED_FEATURES]
    return ", ".join([*disabled, f'payment=(self "{stripe_js_origin()}")'])


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy on every answer, pages served from the cache included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", permissions_policy())
        return response
