"""Nobody but an address's owner learns whether it has an account: registering
ends on the same page for a new and a known address (the mailbox gets a link
that opens the account, or a note that one exists), signing in costs the same
password hashing, and password reset answers alike."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from tests.factories import CustomerFactory, ProductFactory

User = get_user_model()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PASSWORD = "argane-2026-miel"


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    def post(email, password=PASSWORD, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("customer:register"),
                {"email": email, "password1": password, "password2": password, **extra},
            )

    return post


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^/\s]+(/\S+)", message.body)


def sent_page(client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_new_address_gets_the_link_that_opens_the_account(client, register):
    response = register("nouveau@example.ma")

    assert response["Location"] == reverse("customer:register-sent")
    page = sent_page(client, response)
    assert "Check your inbox" in page
    assert "We have sent a message to nouveau@example.ma." in page
    (message,) = mail.outbox
    assert message.to == ["nouveau@example.ma"]
    assert message.subject == "Open your Terroir du Maroc account"
    assert not User.objects.get(email="nouveau@example.ma").is_active
    assert "_auth_user_id" not in client.session

    link = link_in(message)
    form = client.get(link).content.decode()
    assert "To open the account of nouveau@example.ma" in form
    wrong = client.post(link, {"password": "une-autre-2026"})
    assert "This is not the password you chose when registering." in (
        wrong.content.decode()
    )
    assert not User.objects.get(email="nouveau@example.ma").is_active

    opened = client.post(link, {"password": PASSWORD}, follow=True)

    assert User.objects.get(email="nouveau@example.ma").is_active
    assert opened.context["user"].email == "nouveau@example.ma"
    assert [str(m) for m in opened.context["messages"]] == [
        "Your account is open. Welcome!"
    ]


def test_a_known_address_reads_the_same_page_and_its_owner_is_told(client, register):
    owner = CustomerFactory(email="salma@example.ma")
    new = sent_page(client, register("nouveau@example.ma"))
    mail.outbox.clear()

    response = register("Salma@example.ma", password="tentative-2026-x")

    assert response["Location"] == reverse("customer:register-sent")
    known = sent_page(client, response)
    assert known.replace("Salma@example.ma", "nouveau@example.ma") == new
    (message,) = mail.outbox
    assert message.to == ["salma@example.ma"]
    assert message.subject == "You already have a Terroir du Maroc account"
    assert "No new account was opened." in message.body
    assert links_in(message) == [reverse("customer:login"), reverse("password-reset")]
    assert User.objects.filter(email__iexact="salma@example.ma").count() == 1
    owner.refresh_from_db()
    assert owner.check_password("terroir-client")


def test_the_form_never_says_an_address_is_taken(client):
    """With a mistake elsewhere in the form, the errors are the same too."""
    CustomerFactory(email="salma@example.ma")

    def errors(email):
        response = client.post(
            reverse("customer:register"),
            {"email": email, "password1": PASSWORD, "password2": "different-2026"},
        )
        return response.context["form"].errors

    assert errors("salma@example.ma") == errors("nouveau@example.ma")
    assert "email" not in errors("salma@example.ma")


def test_the_sign_in_pages_registration_form_works_the_same(
    client, django_capture_on_commit_callbacks
):
    CustomerFactory(email="salma@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customer:login"),
            {
                "registration-email": "salma@example.ma",
                "registration-password1": PASSWORD,
                "registration-password2": PASSWORD,
                "registration_submit": "1",
            },
        )

    assert response["Location"] == reverse("customer:register-sent")
    assert mail.outbox[0].subject == "You already have a Terroir du Maroc account"


def test_registering_again_replaces_the_link_and_the_password(client, register):
    """The first email may be lost; only the newest link, with the newest
    password, opens the account."""
    register("nouveau@example.ma")
    register("nouveau@example.ma", password="seconde-2026-x")
    first, second = (link_in(message) for message in mail.outbox)

    assert "This link no longer works" in client.get(first).content.decode()
    assert client.post(second, {"password": PASSWORD}).status_code == 200
    assert client.post(second, {"password": "seconde-2026-x"}).status_code == 302
    assert User.objects.filter(email="nouveau@example.ma").count() == 1


def test_a_link_opens_the_account_once(client, register):
    register("nouveau@example.ma")
    link = link_in(mail.outbox[0])
    client.post(link, {"password": PASSWORD})
    client.post(reverse("customer:logout"))

    assert "This link no longer works" in client.get(link).content.decode()
    assert (
        "This link no longer works"
        in client.post(link, {"password": PASSWORD}).content.decode()
    )


def test_an_opened_account_registered_again_is_not_reset(client, register):
    register("nouveau@example.ma")
    client.post(link_in(mail.outbox[0]), {"password": PASSWORD})
    client.post(reverse("customer:logout"))
    mail.outbox.clear()

    register("nouveau@example.ma", password="pirate-2026-xyz")

    assert mail.outbox[0].subject == "You already have a Terroir du Maroc account"
    assert User.objects.get(email="nouveau@example.ma").check_password(PASSWORD)


@pytest.fixture
def hashings(monkeypatch):
    """How many times a password is hashed (checking one hashes it too)."""
    calls = []
    encode = MD5PasswordHasher.encode

    def counted(self, password, salt):
        calls.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    return calls


def test_signing_in_hashes_the_password_alike_for_known_and_unknown_emails(
    client, hashings
):
    shopper = CustomerFactory()

    def sign_in(email):
        hashings.clear()
        client.post(
            reverse("customer:login"),
            {"login-username": email, "login-password": "wrong", "login_submit": "1"},
        )
        return len(hashings)

    assert sign_in(shopper.email) > 0
    assert sign_in("nobody@example.ma") == sign_in(shopper.email)


def test_registering_hashes_the_password_alike_for_known_and_new_emails(
    register, hashings
):
    CustomerFactory(email="salma@example.ma")
    hashings.clear()

    register("nouveau@example.ma")
    new = len(hashings)
    hashings.clear()
    register("salma@example.ma")

    assert new > 0
    assert len(hashings) == new


def test_password_reset_answers_alike_for_known_and_unknown_emails(client):
    CustomerFactory(email="salma@example.ma")

    def reset(email):
        response = client.post(reverse("password-reset"), {"email": email})
        return response.status_code, response["Location"]

    assert reset("salma@example.ma") == reset("nobody@example.ma")
    assert [message.to for message in mail.outbox] == [["salma@example.ma"]]


def test_checking_out_as_a_guest_with_a_known_email_says_nothing_of_it(shopper, client):
    CustomerFactory(email="salma@example.ma")
    shopper.add(ProductFactory())

    for option in ["anonymous", "new"]:
        response = client.post(
            reverse("checkout:index"),
            {"username": "salma@example.ma", "options": option},
        )
        assert response.status_code == 302


def test_signing_in_at_checkout_is_counted_by_the_lockout(shopper, client):
    customer = CustomerFactory()
    shopper.add(ProductFactory())

    for _ in range(5):
        response = client.post(
            reverse("checkout:index"),
            {"username": customer.email, "password": "wrong", "options": "existing"},
        )
    right = client.post(
        reverse("checkout:index"),
        {
            "username": customer.email,
            "password": "terroir-client",
            "options": "existing",
        },
    )

    assert response.status_code == 429
    assert right.status_code == 429
    assert "Too many failed sign-in attempts" in right.content.decode()
