"""Oscar's own messages that shoppers read, translated in our catalogues.

Oscar's catalogue has no Arabic for some of them and reads badly in French
for others ("Passerelle de paiement" for the sign-in step). Our catalogues
come first (LOCALE_PATHS), so translating the same message ids here wins;
`makemessages` keeps them because they are marked below.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

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
    # The catalogue (product page, reviews), wish list, product alert and
    # password reset templates whose message Oscar's catalogues lack in Arabic;
    # the plural ones are never evaluated, only extracted with their plural.
    gettext_noop("Variants:"),
    gettext_noop(
        "\n                Reviewed by you on %(review_date)s\n                "
    ),
    gettext_noop(
        "\n                    Reviewed by "
        "<strong>%(name)s</strong> on %(review_date)s\n             "
        "   "
    ),
    ngettext_lazy(
        "\n            <strong>%(num_up_votes)s</strong> of "
        "%(num_votes)s customer found this useful\n            ",
        "\n            <strong>%(num_up_votes)s</strong> of "
        "%(num_votes)s customers found this useful\n            ",
        "num_votes",
    ),
    gettext_noop("This review has no votes."),
    ngettext_lazy(
        "\n                    %(num_reviews)s customer review\n                ",
        "\n                    %(num_reviews)s customer reviews\n                ",
        "num_reviews",
    ),
    gettext_noop("\n%(title)s is back in stock\n"),
    gettext_noop("Remove product"),
    gettext_noop(
        "\n                Are you sure you want to delete "
        "%(product_name)s from wish list %(wishlist_name)s?\n       "
        "     "
    ),
    gettext_noop("View product"),
    gettext_noop(
        "\n                                                         "
        "   Move to '%(name)s' wish list\n                          "
        "                              "
    ),
    gettext_noop("Update quantities"),
    gettext_noop("What should your new wish list be called?"),
    gettext_noop(
        "\n                    After your wishlist is created, "
        "<strong>%(title)s</strong> will be added.\n                "
    ),
    gettext_noop("Share wishlist"),
    gettext_noop(
        "If you want to share your wishlist with others, you can "
        "add their email addresses below. The visibility must be "
        "set to shared in order for this to work."
    ),
    gettext_noop("Number of products"),
    gettext_noop("Wish list settings"),
    gettext_noop("Copy sharing link"),
    gettext_noop("You don't have any wish lists yet."),
    gettext_noop(
        "\n        If you don't receive an email, please make sure "
        "you've entered the address you registered with, and "
        "check\n        your spam folder.\n    "
    ),
    gettext_noop("This wish list is empty."),
    # The product alert emails and the pagination of the catalogue and lists.
    gettext_noop(
        "\n            We are happy to inform you that our product "
        "'%(title)s' is back in stock:\n            %(url)s\n        "
    ),
    gettext_noop(
        "\n                Beware that the amount of items in stock "
        "is limited. Be quick or someone might get there first.\n   "
        "         "
    ),
    gettext_noop(
        "\n            With this email we have disabled your alert "
        "automatically and you will not\n            receive any "
        "further email regarding this product.\n        "
    ),
    gettext_noop(
        "\nWe are happy to inform you that our product '%(title)s' "
        "is back in stock:\n%(url)s\n"
    ),
    gettext_noop(
        "\n        Hello,\n        <p>\n            Somebody "
        "(hopefully you) has requested an email alert when "
        "'%(title)s' is back in stock.\n            Please click "
        "the following link to confirm: %(confirm_url)s\n        "
        "</p>\n        <p>\n            You can cancel this alert at "
        "any time by clicking the following link: %(cancel_url)s\n  "
        "      </p>\n\n        <p>\n            Thanks for your "
        "interest,\n            The %(site)s Team\n        </p>\n    "
    ),
    gettext_noop(
        "\nHello,\n\nSomebody (hopefully you) has requested an email "
        "alert when\n'%(title)s' is back in stock.  Please click "
        "the following link\nto confirm: %(confirm_url)s\n\nYou can "
        "cancel this alert at any time by clicking the following "
        "link:\n%(cancel_url)s\n\nThanks for your interest,\nThe "
        "%(site)s Team\n"
    ),
    gettext_noop("%(title)s is back in stock"),
    gettext_noop(
        "\n                        Page %(page_num)s of "
        "%(total_pages)s\n                    "
    ),
]
