"""Oscar's own messages that shoppers read, translated in our catalogues.

Oscar's catalogue has no Arabic for some of them and reads badly in French
for others ("Passerelle de paiement" for the sign-in step). Our catalogues
come first (LOCALE_PATHS), so translating the same message ids here wins;
`makemessages` keeps them because they are marked below.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

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
    # Oscar's basket, checkout and order templates whose message Oscar's own
    # catalogues lack in Arabic (or French). The ids keep the templates'
    # whitespace: that is how {% blocktrans %} extracts them.
    gettext_noop("Enter the following information you used for this order"),
    gettext_noop(
        "This page needs implementing within your project.  You may "
        "want to use one of Oscar's payment gateway libraries:"
    ),
    gettext_noop("Not available anymore"),
    gettext_noop(
        "\n                                Allocation of %(amount)s "
        "from type %(type)s (reference: %(reference)s)\n              "
        "              "
    ),
    gettext_noop("Shipping Notes"),
    gettext_noop("\n        Order %(number)s: confirmation\n    "),
    pgettext_lazy("Buy again", "Re-ordering..."),
    gettext_noop(
        "\n                                This includes a discount "
        "of <strong>%(amount)s</strong> as\n                          "
        "      your basket qualifies for the "
        "<strong>%(name)s</strong> offer.\n                           "
        " "
    ),
    gettext_noop(
        "\n                                Allocation of %(amount)s "
        "from type %(type)s\n                            "
    ),
    pgettext_lazy("Buy again", "Re-order"),
    gettext_noop(
        "\n        Your basket total is now <strong>%(total)s</strong>\n        "
    ),
    gettext_noop("Surcharges"),
    gettext_noop("Contact Number"),
    gettext_noop(
        '\n                <div class="warning">%(message)s to '
        'qualify for the <a href="%(url)s">%(offer_name)s</a> '
        "special offer</div>\n            "
    ),
    pgettext_lazy("Buy again", "Re-order all items"),
    gettext_noop("An address from your address book?"),
]
