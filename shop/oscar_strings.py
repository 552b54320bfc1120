"""Oscar's own messages that shoppers read, translated in our catalogues.

Oscar's catalogue has no Arabic for some of them and reads badly in French
for others ("Passerelle de paiement" for the sign-in step). Our catalogues
come first (LOCALE_PATHS), so translating the same message ids here wins;
`makemessages` keeps them because they are marked below.
"""

from django.utils.translation import gettext_noop

OSCAR_MESSAGES = [
    # oscar.apps.partner.availability.StockRequired
    gettext_noop("In stock (%d available)"),
    # oscar/checkout/gateway.html: the sign-in or guest step.
    gettext_noop("Checkout gateway"),
    # The order pages' titles: Oscar's French says "Commande #…".
    gettext_noop("Order #%(number)s"),
    # oscar/checkout/shipping_methods.html: the column of delivery names.
    gettext_noop("Method"),
    # phonenumber_field.validators: its catalogue is not loaded (not an app).
    gettext_noop("The phone number entered is not valid."),
]
