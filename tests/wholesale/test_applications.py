"""Applying for a wholesale account, and the office approving or rejecting it."""

import pytest
from django.urls import reverse
from django.utils import translation

from shop.shipping.services import shipping_countries_ensure
from shop.wholesale.forms.accounts import ApplicationForm
from shop.wholesale.models import Application, Company, Membership
from shop.wholesale.services.accounts import (
    AccountRefused,
    application_approve,
    application_reject,
    application_submit,
)
from tests.concurrency import at_once
from tests.factories import CompanyFactory, MembershipFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

MOROCCAN = {
    "name": "Épicerie Al Baraka",
    "kind": "retail_chain",
    "country": "MA",
    "ice": "001 234 567 000 089",
    "vat_number": "",
    "trade_register": "RC Casablanca 123456",
    "address_line1": "12 rue Tarik Ibn Ziad",
    "address_line2": "",
    "city": "Casablanca",
    "postcode": "20000",
    "contact_name": "Salma Bennani",
    "phone": "06 12 34 56 78",
    "email": "achats@albaraka.ma",
    "expected_volumes": "200 bouteilles d'huile d'argan par mois",
}
FRENCH_IMPORTER = {
    **MOROCCAN,
    "name": "Saveurs du Sud SARL",
    "kind": "importer",
    "country": "FR",
    "ice": "",
    "vat_number": "FR40123456789",
    "trade_register": "",
    "address_line1": "3 quai Saint-Antoine",
    "city": "Lyon",
    "postcode": "69002",
    "phone": "+33 4 78 00 00 00",
    "email": "achats@saveursdusud.fr",
}


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def details(data: dict) -> dict:
    """The details as the application form cleans them."""
    form = ApplicationForm(data)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def apply(*, applicant, data=MOROCCAN, language="fr") -> Application:
    return application_submit(
        applicant=applicant, details=details(data), language=language
    )


# The way in


def test_professionnels_leads_to_the_wholesale_home(client):
    """/fr/professionnels/ (the address on paper) is the wholesale home; the
    header and the footer of every shop page link to it."""
    response = client.get("/fr/professionnels/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/wholesale/"
    home = client.get("/fr/wholesale/")
    assert home.status_code == 200
    assert "/fr/wholesale/apply/" in home.content.decode()
    page = client.get("/fr/shop/catalogue/").content.decode()
    assert page.count('href="/fr/wholesale/"') == 2
    assert ">Professionnels<" in page


def test_the_home_shows_each_visitor_their_way_in(
    client, customer, buyer, chain, english
):
    """A buyer is sent to their area, an applicant reads that their
    application is awaiting review, anyone else is invited to apply."""
    client.force_login(buyer)
    page = client.get(reverse("wholesale:home")).content.decode()
    assert f"You buy for {chain.name}." in page
    assert reverse("wholesale:dashboard") in page

    apply(applicant=customer)
    client.force_login(customer)
    page = client.get(reverse("wholesale:home")).content.decode()
    assert "Épicerie Al Baraka" in page
    assert "is awaiting review" in page
    assert "Apply for a wholesale account" not in page


def test_an_anonymous_visitor_signs_in_before_applying(client, english):
    response = client.get(reverse("wholesale:apply"))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('customer:login')}?next={reverse('wholesale:apply')}"
    )


# Applying


def test_a_moroccan_business_applies(client, customer, mailoutbox, committed, english):
    """The application keeps the ICE without its spaces, the phone in E.164
    and the language of the page; the applicant is told it was received, and
    a second application waits for the first to be answered."""
    client.force_login(customer)
    form = client.get(reverse("wholesale:apply"))
    assert form.context["form"].initial["email"] == customer.email

    response = None

    def post():
        nonlocal response
        response = client.post(reverse("wholesale:apply"), MOROCCAN, follow=True)

    committed(post)
    assert texts(response) == [
        "Thank you: the application for Épicerie Al Baraka has been sent. We "
        "answer by email."
    ]
    application = Application.objects.get()
    assert application.applicant == customer
    assert application.status == Application.Status.PENDING
    assert application.ice == "001234567000089"
    assert application.phone == "+212612345678"
    assert application.language == "en"
    assert application.kind == "retail_chain"
    page = response.content.decode()
    assert "is awaiting review" in page
    assert 'name="ice"' not in page
    (email,) = mailoutbox
    assert email.to == [customer.email]
    assert email.subject == (
        "Your wholesale application for Épicerie Al Baraka has been received"
    )
    assert "/en/wholesale/" in email.body

    again = client.post(reverse("wholesale:apply"), MOROCCAN)
    assert again.status_code == 200
    assert "is awaiting review: you can apply again once it has been answered" in (
        " ".join(again.context["form"].non_field_errors())
    )
    assert Application.objects.count() == 1


def test_an_importer_abroad_applies_with_its_vat_number(client, customer):
    """No ICE nor trade register outside Morocco; the French page's language
    is kept for the emails to come."""
    client.force_login(customer)
    with translation.override("fr"):
        response = client.post(reverse("wholesale:apply"), FRENCH_IMPORTER)
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.country_id, application.vat_number, application.ice) == (
        "FR",
        "FR40123456789",
        "",
    )
    assert application.phone == "+33478000000"
    assert application.language == "fr"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"ice": "12345"},
            "ice",
            "An ICE (identifiant commun de l'entreprise) has exactly 15 digits.",
        ),
        (
            {"ice": "00123456700008A"},
            "ice",
            "An ICE (identifiant commun de l'entreprise) has exactly 15 digits.",
        ),
        ({"ice": ""}, "ice", "A Moroccan company gives its ICE (15 digits)."),
        (
            {"trade_register": ""},
            "trade_register",
            "A Moroccan company gives its trade register number and city, e.g. "
            "“RC Casablanca 123456”.",
        ),
        (
            {"country": "FR", "ice": "", "vat_number": ""},
            "vat_number",
            "A company outside Morocco gives its VAT or company registration number.",
        ),
        (
            {"phone": "12"},
            "phone",
            "Enter a valid phone number, with its country code if it is not "
            "Moroccan (e.g. +33 4 78 00 00 00).",
        ),
        ({"email": "achats@"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "pirate"}, "kind", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_back_with_its_error(
    client, customer, changes, field, error, english
):
    """Nothing is recorded; the form comes back with what the visitor typed."""
    client.force_login(customer)
    response = client.post(reverse("wholesale:apply"), {**MOROCCAN, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert error in form.errors[field][0]
    assert form["city"].value() == "Casablanca"
    assert error.split("“")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Application.objects.exists()


def test_a_buyer_has_nothing_to_apply_for(client, buyer, chain, english):
    client.force_login(buyer)
    response = client.get(reverse("wholesale:apply"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("wholesale:dashboard")
    assert texts(response) == [f"You already buy for {chain.name}."]


def test_markup_typed_in_an_application_is_shown_as_text(client, customer, office):
    """A company name with a script tag reaches the office as text."""
    application = apply(
        applicant=customer, data={**MOROCCAN, "name": "<script>alert(1)</script>"}
    )
    client.force_login(office)
    for name, kwargs in (
        ("dashboard:wholesale-applications", {}),
        ("dashboard:wholesale-application", {"pk": application.pk}),
    ):
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Reviewing


def test_the_office_reviews_the_oldest_applications_first(client, office, english):
    """Pending ones by default; every status on request."""
    from tests.factories import CustomerFactory

    first = apply(applicant=CustomerFactory(), data={**MOROCCAN, "name": "Premier"})
    second = apply(applicant=CustomerFactory(), data={**MOROCCAN, "name": "Second"})
    done = apply(applicant=CustomerFactory(), data={**MOROCCAN, "name": "Refusé"})
    application_reject(application=done, reason="ICE inconnu", by=office)
    client.force_login(office)
    url = reverse("dashboard:wholesale-applications")
    assert list(client.get(url).context["applications"]) == [first, second]
    assert list(client.get(url, {"status": "all"}).context["applications"]) == [
        first,
        second,
        done,
    ]
    assert list(client.get(url, {"status": "rejected"}).context["applications"]) == [
        done
    ]
    assert "2 applications, oldest first" in client.get(url).content.decode()


def test_approving_opens_the_company_with_its_applicant_as_admin(
    client, office, customer, mailoutbox, committed, english
):
    """A Moroccan company is quoted in dirhams; the applicant, emailed in the
    language they applied in, can open their wholesale area at once."""
    application = apply(applicant=customer, language="en")
    client.force_login(office)
    response = None

    def post():
        nonlocal response
        response = client.post(
            reverse("dashboard:wholesale-application-approve", args=[application.pk]),
            follow=True,
        )

    committed(post)
    company = Company.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "dashboard:wholesale-company", args=[company.pk]
    )
    assert texts(response) == [
        "Épicerie Al Baraka is approved: its account is open and its applicant "
        "has been emailed. Set its payment terms and credit limit here."
    ]
    assert (company.name, company.ice, company.country_id, company.city) == (
        "Épicerie Al Baraka",
        "001234567000089",
        "MA",
        "Casablanca",
    )
    assert (company.currency, company.language, company.payment_terms) == (
        "MAD",
        "en",
        "prepaid",
    )
    assert company.credit_limit == 0
    membership = Membership.objects.get(user=customer)
    assert (membership.company, membership.is_admin) == (company, True)
    (address,) = company.addresses.all()
    assert (address.label, address.line1, address.city) == (
        "Head office",
        "12 rue Tarik Ibn Ziad",
        "Casablanca",
    )
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert (application.reviewed_by, application.company) == (office, company)

    email = mailoutbox[-1]
    assert email.to == [customer.email]
    assert email.subject == "The wholesale account of Épicerie Al Baraka is open"
    assert "http://example.com/en/wholesale/dashboard/" in email.body
    assert email.extra_headers["Content-Language"] == "en"

    client.force_login(customer)
    home = client.get(reverse("wholesale:dashboard"))
    assert home.status_code == 200
    assert "Épicerie Al Baraka" in home.content.decode()


def test_an_importer_in_the_eu_is_quoted_in_euros(
    customer, office, mailoutbox, committed
):
    """… and emailed in French, on French links, as it applied in French."""
    application = apply(applicant=customer, data=FRENCH_IMPORTER, language="fr")
    committed(lambda: application_approve(application=application, by=office))
    company = Company.objects.get()
    assert (company.currency, company.language, company.vat_number) == (
        "EUR",
        "fr",
        "FR40123456789",
    )
    email = mailoutbox[-1]
    assert email.extra_headers["Content-Language"] == "fr"
    assert "/fr/wholesale/dashboard/" in email.body


def test_an_application_is_reviewed_once(client, office, customer, english):
    """Approving twice or rejecting an approved application says so and
    changes nothing."""
    application = apply(applicant=customer)
    client.force_login(office)
    approve = reverse("dashboard:wholesale-application-approve", args=[application.pk])
    reject = reverse("dashboard:wholesale-application-reject", args=[application.pk])
    client.post(approve, follow=True)
    again = client.post(approve, follow=True)
    (message,) = texts(again)
    assert message.startswith("This application was already approved on ")
    assert message.endswith(": nothing changed.")
    refused = client.post(reject, {"reason": "Trop tard"}, follow=True)
    assert texts(refused) == [message]
    assert Company.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.rejection_reason == ""
    assert "Approve and open the account" not in again.content.decode()


def test_rejecting_needs_a_reason_that_the_applicant_receives(
    client, office, customer, mailoutbox, committed, english
):
    application = apply(applicant=customer, language="en")
    client.force_login(office)
    reject = reverse("dashboard:wholesale-application-reject", args=[application.pk])
    empty = client.post(reject, {"reason": "  "})
    assert empty.status_code == 200
    assert "Give the reason for the refusal: the applicant receives it." in (
        empty.content.decode()
    )
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING

    response = None

    def post():
        nonlocal response
        response = client.post(
            reject, {"reason": "L'ICE ne correspond à aucune société."}, follow=True
        )

    committed(post)
    assert texts(response) == [
        "The application of Épicerie Al Baraka is rejected; its applicant has "
        "been told why."
    ]
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert not Company.objects.exists()
    email = mailoutbox[-1]
    assert email.subject == "Your wholesale application for Épicerie Al Baraka"
    assert "L'ICE ne correspond à aucune société." in email.body
    assert "/en/wholesale/apply/" in email.body

    # The applicant reads why, and may apply again.
    client.force_login(customer)
    page = client.get(reverse("wholesale:apply")).content.decode()
    assert "was not accepted on" in page
    assert "L&#x27;ICE ne correspond à aucune société." in page
    assert 'name="ice"' in page
    assert apply(applicant=customer).status == Application.Status.PENDING


def test_the_reason_is_required_by_the_service_too(customer, office, english):
    application = apply(applicant=customer)
    with pytest.raises(AccountRefused, match="Give the reason"):
        application_reject(application=application, reason="", by=office)


def test_an_applicant_who_joined_another_company_is_not_approved(
    client, office, customer, english
):
    """Invited meanwhile by a colleague: one account buys for one company."""
    application = apply(applicant=customer)
    other = CompanyFactory(name="Hôtel Atlas")
    MembershipFactory(company=other, user=customer)
    client.force_login(office)
    response = client.post(
        reverse("dashboard:wholesale-application-approve", args=[application.pk]),
        follow=True,
    )
    (message,) = texts(response)
    assert "already buys for Hôtel Atlas" in message
    assert Company.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


# Who may review


@pytest.fixture
def pending(customer):
    return apply(applicant=customer)


def review_urls(application) -> list[tuple[str, str]]:
    return [
        ("get", reverse("dashboard:wholesale-applications")),
        ("get", reverse("dashboard:wholesale-application", args=[application.pk])),
        (
            "post",
            reverse("dashboard:wholesale-application-approve", args=[application.pk]),
        ),
        (
            "post",
            reverse("dashboard:wholesale-application-reject", args=[application.pk]),
        ),
    ]


@pytest.mark.parametrize("role", ["customer", "buyer", "staff_a", "narrow_staff"])
def test_only_office_staff_review_applications(client, request, pending, role, english):
    """Customers, buyers, store staff and staff without the review permission
    are refused every review page; nothing changes."""
    if role == "narrow_staff":
        user = OfficeStaffFactory(permissions=["wholesale.view_company"])
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    for method, url in review_urls(pending):
        response = getattr(client, method)(url, {"reason": "non"})
        assert response.status_code == 403, url
    pending.refresh_from_db()
    assert pending.status == Application.Status.PENDING


def test_anonymous_visitors_are_sent_to_the_dashboard_login(client, pending):
    for method, url in review_urls(pending):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("dashboard:login"))


def test_the_dashboard_menu_lists_the_wholesale_pages_for_the_office(
    client, office, english
):
    client.force_login(office)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Wholesale" in page
    assert reverse("dashboard:wholesale-applications") in page
    assert reverse("dashboard:wholesale-companies") in page


# At the same moment


@pytest.fixture
def countries(db):
    """A transactional test before this one may have flushed them."""
    shipping_countries_ensure()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_application(customer, countries, english):
    """A double click on "Send": one application, the other told it waits."""
    cleaned = details(MOROCCAN)

    def submit():
        return application_submit(applicant=customer, details=cleaned, language="en")

    results = at_once([submit, submit], refused=AccountRefused)
    refusals = [r for r in results if isinstance(r, AccountRefused)]
    assert len(refusals) == 1
    assert "is awaiting review" in str(refusals[0])
    assert Application.objects.filter(applicant=customer).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_once_open_one_company(
    customer, office, countries, english
):
    application = apply(applicant=customer)
    colleague = OfficeStaffFactory()

    def approve(by):
        return lambda: application_approve(application=application, by=by)

    results = at_once([approve(office), approve(colleague)], refused=AccountRefused)
    refusals = [r for r in results if isinstance(r, AccountRefused)]
    assert len(refusals) == 1
    assert "already approved" in str(refusals[0])
    assert Company.objects.count() == 1
    assert Membership.objects.filter(user=customer).count() == 1
