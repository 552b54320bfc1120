"""Company accounts: the buyer's home, colleagues invited by the company's
admin, buyers removed, delivery addresses, and the office's company page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.shipping.services import shipping_countries_ensure
from shop.wholesale.models import CompanyAddress, Invitation, Membership
from shop.wholesale.services.accounts import (
    AccountRefused,
    invitation_accept,
    invitation_send,
    membership_remove,
)
from tests.concurrency import at_once
from tests.factories import CompanyFactory, CustomerFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def membership_of(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def invited(chain, buyer):
    """An invitation from the chain's admin to a colleague without an account."""
    return invitation_send(company=chain, email="Karim.Tazi@Marjane.ma", by=buyer)


# The buyer's pages and who opens them


BUYER_PAGES = ["wholesale:dashboard", "wholesale:account"]
ADMIN_PAGES = ["wholesale:account-address-create"]


@pytest.mark.parametrize("name", BUYER_PAGES + ADMIN_PAGES)
def test_the_company_admin_opens_every_account_page(client, buyer, name):
    client.force_login(buyer)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", BUYER_PAGES)
def test_a_colleague_reads_the_company_pages(client, colleague, name):
    client.force_login(colleague)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ["retail_customer", "staff_a", "office"])
@pytest.mark.parametrize("name", BUYER_PAGES + ADMIN_PAGES)
def test_people_without_a_company_are_refused(client, request, role, name):
    """Retail customers, store staff and office staff buy for no company."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", BUYER_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_sign_in_first(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customer:login"))


def test_a_deactivated_company_loses_its_area(client, buyer, chain):
    chain.is_active = False
    chain.save()
    client.force_login(buyer)
    assert client.get(reverse("wholesale:dashboard")).status_code == 403


def test_the_buyers_home_names_the_company(client, buyer, chain, english):
    chain.payment_terms = "net_30"
    chain.save()
    client.force_login(buyer)
    page = client.get(reverse("wholesale:dashboard")).content.decode()
    assert chain.name in page
    assert "Bank transfer within 30 days" in page
    assert "Company admin" in page
    assert reverse("wholesale:account") in page


def test_every_buyer_sees_the_members_only_the_admin_manages(
    client, buyer, colleague, chain, english
):
    client.force_login(colleague)
    page = client.get(reverse("wholesale:account")).content.decode()
    assert buyer.email in page
    assert colleague.email in page
    assert 'id="invite-form"' not in page
    assert reverse("wholesale:account-address-create") not in page
    colleague_membership = membership_of(colleague)
    for name, kwargs, data in (
        ("wholesale:account-invite", {}, {"email": "x@marjane.ma"}),
        (
            "wholesale:account-buyer-remove",
            {"pk": membership_of(buyer).pk},
            {},
        ),
        (
            "wholesale:account-buyer-admin",
            {"pk": colleague_membership.pk},
            {"is_admin": "1"},
        ),
        ("wholesale:account-address-create", {}, {"label": "Dépôt"}),
    ):
        response = client.post(reverse(name, kwargs=kwargs), data)
        assert response.status_code == 403, name
    assert not Invitation.objects.exists()
    assert chain.memberships.count() == 2
    colleague_membership.refresh_from_db()
    assert not colleague_membership.is_admin

    client.force_login(buyer)
    page = client.get(reverse("wholesale:account")).content.decode()
    assert 'id="invite-form"' in page
    assert (
        reverse("wholesale:account-buyer-remove", args=[colleague_membership.pk])
        in page
    )


# Inviting colleagues


def test_the_admin_invites_a_colleague_in_the_companys_language(
    client, buyer, chain, mailoutbox, committed, english
):
    """The email, in the company's language (Arabic here), carries a link of
    that language valid 14 days; the address is kept in lower case."""
    chain.language = "ar"
    chain.save()
    client.force_login(buyer)
    response = None

    def post():
        nonlocal response
        response = client.post(
            reverse("wholesale:account-invite"),
            {"email": "Karim.Tazi@Marjane.ma"},
            follow=True,
        )

    committed(post)
    assert texts(response) == ["An invitation has been sent to karim.tazi@marjane.ma."]
    invitation = Invitation.objects.get()
    assert (invitation.company, invitation.email, invitation.invited_by) == (
        chain,
        "karim.tazi@marjane.ma",
        buyer,
    )
    assert len(invitation.token) >= 40
    (email,) = mailoutbox
    assert email.to == ["karim.tazi@marjane.ma"]
    assert email.extra_headers["Content-Language"] == "ar"
    assert f"http://example.com/ar/wholesale/invitation/{invitation.token}/" in (
        email.body
    )
    assert "karim.tazi@marjane.ma" in response.content.decode()


def test_inviting_again_replaces_the_first_invitation(chain, buyer, invited):
    again = invitation_send(company=chain, email="karim.tazi@marjane.ma", by=buyer)
    assert list(Invitation.objects.all()) == [again]
    assert again.token != invited.token


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("colleague", "is already one of your buyers."),
        ("importer_buyer", "already buys for another company"),
        ("nobody", "Enter a valid email address."),
    ],
)
def test_who_cannot_be_invited(client, request, buyer, who, error, english):
    email = "not-an-email" if who == "nobody" else request.getfixturevalue(who).email
    client.force_login(buyer)
    response = client.post(reverse("wholesale:account-invite"), {"email": email})
    assert response.status_code == 200
    assert error in response.context["invite_form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_the_admin_withdraws_an_invitation(client, buyer, invited, english):
    client.force_login(buyer)
    response = client.post(
        reverse("wholesale:account-invitation-cancel", args=[invited.pk]),
        follow=True,
    )
    assert texts(response) == [
        "The invitation to karim.tazi@marjane.ma has been withdrawn."
    ]
    assert not Invitation.objects.exists()
    gone = client.get(reverse("wholesale:invitation", args=[invited.token]))
    assert gone.status_code == 404


def test_a_colleague_registers_with_the_invited_address_and_joins(
    client, invited, chain, english, django_capture_on_commit_callbacks
):
    """From the email's link: not signed in, they read who invites them and
    register with that address (the registration email's link keeps them on
    the invitation), then join the company as a buyer."""
    url = reverse("wholesale:invitation", args=[invited.token])
    page = client.get(url).content.decode()
    assert "invites karim.tazi@marjane.ma to buy for Marjane Terroir" in page
    register = f"{reverse('customer:register')}?email=karim.tazi%40marjane.ma"
    assert register in page
    assert f"next={url}" in page

    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(
            reverse("customer:register"),
            {
                "email": "karim.tazi@marjane.ma",
                "password1": "terroir-grossiste-2026",
                "password2": "terroir-grossiste-2026",
                "redirect_url": url,
            },
        )
    assert registered["Location"] == reverse("customer:register-sent")
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    opened = client.post(link, {"password": "terroir-grossiste-2026"})
    assert opened["Location"] == url
    page = client.get(url).content.decode()
    assert "Join Marjane Terroir" in page

    joined = client.post(url, follow=True)
    assert joined.redirect_chain[-1][0] == reverse("wholesale:dashboard")
    assert texts(joined) == ["Welcome: you now buy for Marjane Terroir."]
    membership = Membership.objects.get(user__email="karim.tazi@marjane.ma")
    assert (membership.company, membership.is_admin) == (chain, False)
    invited.refresh_from_db()
    assert invited.accepted_by == membership.user
    assert invited.accepted_at is not None

    # A second click, or the link opened again, lands in the area.
    assert client.post(url).status_code == 302
    assert client.get(url)["Location"] == reverse("wholesale:dashboard")
    assert Membership.objects.filter(company=chain).count() == 2


def test_an_invitation_is_for_its_address_only(client, invited, english):
    """Signed in with another address: told which one to use; nobody joins."""
    other = CustomerFactory(email="quelquun@example.ma")
    client.force_login(other)
    url = reverse("wholesale:invitation", args=[invited.token])
    page = client.get(url).content.decode()
    assert (
        "This invitation is for karim.tazi@marjane.ma, and you are signed in as "
        "quelquun@example.ma" in page
    )
    refused = client.post(url, follow=True)
    (message,) = texts(refused)
    assert message.startswith("This invitation is for karim.tazi@marjane.ma")
    assert not Membership.objects.filter(user=other).exists()


def test_a_buyer_of_another_company_cannot_join(importer, chain, buyer, english):
    """Invited before they joined another company: still one company only."""
    someone = CustomerFactory(email="double@example.ma")
    invitation = invitation_send(company=chain, email="double@example.ma", by=buyer)
    MembershipFactory(company=importer, user=someone)
    with pytest.raises(AccountRefused, match="You already buy for"):
        invitation_accept(invitation=invitation, user=someone)
    assert membership_of(someone).company == importer


def test_sending_to_a_buyer_of_another_company_is_refused(
    importer_buyer, chain, buyer, english
):
    with pytest.raises(AccountRefused, match="already buys for another company"):
        invitation_send(company=chain, email=importer_buyer.email, by=buyer)


def test_an_invitation_expires_after_fourteen_days(client, invited, english):
    Invitation.objects.filter(pk=invited.pk).update(
        created=timezone.now() - datetime.timedelta(days=14, minutes=1)
    )
    person = CustomerFactory(email="karim.tazi@marjane.ma")
    client.force_login(person)
    url = reverse("wholesale:invitation", args=[invited.token])
    page = client.get(url).content.decode()
    assert "This invitation expired on" in page
    refused = client.post(url, follow=True)
    (message,) = texts(refused)
    assert message.startswith("This invitation expired on")
    assert message.endswith("ask Salma Bennani for a new one.")
    assert not Membership.objects.filter(user=person).exists()


def test_an_invitation_works_once(invited, chain, buyer, english):
    """Used by one person, it lets nobody else in, nor them back once removed."""
    first = CustomerFactory(email="karim.tazi@marjane.ma")
    membership = invitation_accept(invitation=invited, user=first)
    assert invitation_accept(invitation=invited, user=first) == membership
    membership_remove(membership=membership, by=buyer)
    with pytest.raises(AccountRefused, match="already been used"):
        invitation_accept(invitation=invited, user=first)
    assert not Membership.objects.filter(user=first).exists()


def test_an_unknown_invitation_is_not_found(client):
    assert client.get(reverse("wholesale:invitation", args=["nope"])).status_code == (
        404
    )


# Removing buyers and admins


def test_the_admin_removes_a_colleague(client, buyer, colleague, chain, english):
    """The colleague's account stays, without the company's area."""
    client.force_login(buyer)
    response = client.post(
        reverse("wholesale:account-buyer-remove", args=[membership_of(colleague).pk]),
        follow=True,
    )
    assert texts(response) == [
        f"{colleague.get_full_name()} no longer buys for Marjane Terroir."
    ]
    assert not Membership.objects.filter(user=colleague).exists()
    client.force_login(colleague)
    assert client.get(reverse("wholesale:dashboard")).status_code == 403


def test_the_admin_cannot_remove_themselves_nor_the_last_admin(
    client, buyer, colleague, english
):
    client.force_login(buyer)
    mine = membership_of(buyer)
    response = client.post(
        reverse("wholesale:account-buyer-remove", args=[mine.pk]), follow=True
    )
    assert texts(response) == [
        "You cannot remove yourself: another admin of the company can."
    ]
    response = client.post(
        reverse("wholesale:account-buyer-admin", args=[mine.pk]),
        {"is_admin": "0"},
        follow=True,
    )
    assert texts(response) == [
        f"{buyer.get_full_name()} is the company's only admin: make another buyer "
        "admin first."
    ]
    mine.refresh_from_db()
    assert mine.is_admin

    # With a second admin, the first may step down.
    theirs = membership_of(colleague)
    client.post(
        reverse("wholesale:account-buyer-admin", args=[theirs.pk]), {"is_admin": "1"}
    )
    theirs.refresh_from_db()
    assert theirs.is_admin
    client.post(
        reverse("wholesale:account-buyer-admin", args=[mine.pk]), {"is_admin": "0"}
    )
    mine.refresh_from_db()
    assert not mine.is_admin


def test_another_companys_buyer_is_not_found(client, buyer, importer_buyer):
    client.force_login(buyer)
    other = membership_of(importer_buyer)
    for name in ("wholesale:account-buyer-remove", "wholesale:account-buyer-admin"):
        assert client.post(reverse(name, args=[other.pk])).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# Delivery addresses


ADDRESS = {
    "label": "Entrepôt Aïn Sebaâ",
    "line1": "Zone industrielle, lot 14",
    "line2": "",
    "city": "Casablanca",
    "postcode": "20250",
    "country": "MA",
    "phone": "0522 34 56 78",
}


def test_the_admin_manages_the_delivery_addresses(client, buyer, chain, english):
    client.force_login(buyer)
    created = client.post(
        reverse("wholesale:account-address-create"), ADDRESS, follow=True
    )
    assert texts(created) == ["The address “Entrepôt Aïn Sebaâ” has been saved."]
    address = CompanyAddress.objects.get(company=chain)
    assert address.phone == "+212522345678"
    assert "Zone industrielle, lot 14" in created.content.decode()

    client.post(
        reverse("wholesale:account-address-update", args=[address.pk]),
        {**ADDRESS, "line1": "Zone industrielle, lot 15"},
    )
    address.refresh_from_db()
    assert address.line1 == "Zone industrielle, lot 15"

    bad = client.post(
        reverse("wholesale:account-address-update", args=[address.pk]),
        {**ADDRESS, "city": "", "phone": "99"},
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["city"] == ["This field is required."]
    assert "Enter a valid phone number" in bad.context["form"].errors["phone"][0]

    deleted = client.post(
        reverse("wholesale:account-address-delete", args=[address.pk]), follow=True
    )
    assert texts(deleted) == ["The address “Entrepôt Aïn Sebaâ” has been deleted."]
    assert not CompanyAddress.objects.exists()


def test_a_colleague_reads_the_addresses_without_managing_them(
    client, colleague, chain
):
    address = CompanyAddress.objects.create(
        company=chain, label="Siège", line1="1 rue", city="Rabat", country_id="MA"
    )
    client.force_login(colleague)
    assert "Siège" in client.get(reverse("wholesale:account")).content.decode()
    for name in ("account-address-update", "account-address-delete"):
        response = client.post(reverse(f"wholesale:{name}", args=[address.pk]), ADDRESS)
        assert response.status_code == 403
    address.refresh_from_db()
    assert address.line1 == "1 rue"


def test_another_companys_address_is_not_found(client, buyer, importer):
    address = CompanyAddress.objects.create(
        company=importer, label="Lyon", line1="3 quai", city="Lyon", country_id="FR"
    )
    client.force_login(buyer)
    assert (
        client.get(
            reverse("wholesale:account-address-update", args=[address.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("wholesale:account-address-delete", args=[address.pk])
        ).status_code
        == 404
    )
    assert CompanyAddress.objects.filter(pk=address.pk).exists()


# The office's company pages


def test_the_office_sets_a_companys_terms_and_credit(
    client, office, chain, buyer, english
):
    """Net 30 and a credit limit; its buyers and addresses are listed."""
    CompanyAddress.objects.create(
        company=chain, label="Siège", line1="1 rue", city="Casablanca", country_id="MA"
    )
    client.force_login(office)
    url = reverse("dashboard:wholesale-company", args=[chain.pk])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert buyer.email in content
    assert "Siège" in content
    form = page.context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in ((f.name, f.value()) for f in form)
    }
    data.update(payment_terms="net_30", credit_limit="50000.00", is_active="on")
    response = client.post(url, data, follow=True)
    assert texts(response) == ["Marjane Terroir has been saved."]
    chain.refresh_from_db()
    assert (chain.payment_terms, chain.credit_limit) == ("net_30", Decimal("50000.00"))

    negative = client.post(url, {**data, "credit_limit": "-1"})
    assert negative.status_code == 200
    assert negative.context["form"].errors["credit_limit"]
    no_ice = client.post(url, {**data, "ice": ""})
    assert no_ice.context["form"].errors["ice"] == [
        "A Moroccan company gives its ICE (15 digits)."
    ]
    chain.refresh_from_db()
    assert chain.credit_limit == Decimal("50000.00")


def test_the_office_finds_companies(client, office, chain, importer):
    client.force_login(office)
    url = reverse("dashboard:wholesale-companies")
    assert list(client.get(url).context["companies"]) == [chain, importer]
    assert list(client.get(url, {"q": "lyon"}).context["companies"]) == [importer]
    importer.is_active = False
    importer.save()
    assert list(client.get(url, {"active": "no"}).context["companies"]) == [importer]


@pytest.mark.parametrize("role", ["retail_customer", "buyer", "staff_a"])
def test_only_office_staff_open_the_company_pages(client, request, chain, role):
    client.force_login(request.getfixturevalue(role))
    for url in (
        reverse("dashboard:wholesale-companies"),
        reverse("dashboard:wholesale-company", args=[chain.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("dashboard:wholesale-company", args=[chain.pk]),
        {"credit_limit": "999999"},
    )
    assert response.status_code == 403
    chain.refresh_from_db()
    assert chain.credit_limit == 0


def test_a_company_opened_elsewhere_has_no_application(client, office):
    """Companies made by hand (demo data) have no application to link to."""
    company = CompanyFactory()
    client.force_login(office)
    url = reverse("dashboard:wholesale-company", args=[company.pk])
    assert client.get(url).context["application"] is None


@pytest.fixture
def countries(db):
    """A transactional test before this one may have flushed them."""
    shipping_countries_ensure()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_invitations_accepted_at_once_make_one_membership(
    countries, chain, buyer, importer, importer_buyer, english
):
    """Invited by two companies and accepting both at the same moment: the
    person buys for one of them, the other acceptance is refused."""
    person = CustomerFactory(email="courtier@example.ma")
    invitations = [
        invitation_send(company=chain, email=person.email, by=buyer),
        invitation_send(company=importer, email=person.email, by=importer_buyer),
    ]

    def accept(invitation):
        return lambda: invitation_accept(invitation=invitation, user=person)

    results = at_once([accept(i) for i in invitations], refused=AccountRefused)
    refusals = [r for r in results if isinstance(r, AccountRefused)]
    assert len(refusals) == 1
    assert "You already buy for" in str(refusals[0])
    assert Membership.objects.filter(user=person).count() == 1
