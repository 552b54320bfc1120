"""Sign-in lockout (django-axes): five wrong passwords for an account from one
address, or thirty from one address whatever the accounts, pause signing in
there for the cool-off; the right password does not get through meanwhile."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from shop.security.client_address import NO_ADDRESS, client_address
from shop.security.login_lockout import login_username
from tests.factories import CustomerFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts: signing in is paused for 15 minutes."
WRONG = "Please enter a correct username and password."
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def shop_login(client, email, password, address=ATTACKER):
    return client.post(
        reverse("customer:login"),
        {"login-username": email, "login-password": password, "login_submit": "1"},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def minutes_pass(minutes):
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


def fail(client, email, times, address=ATTACKER):
    for _ in range(times):
        response = shop_login(client, email, "not-the-password", address)
    return response


def test_the_fifth_wrong_password_locks_the_account_and_says_so(client, english):
    shopper = CustomerFactory()

    fourth = fail(client, shopper.email, 4)
    assert fourth.status_code == 200
    assert WRONG in fourth.content.decode()

    fifth = fail(client, shopper.email, 1)
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert LOCKED in page
    assert WRONG not in page
    assert 'name="login-username"' in page  # the form is shown again

    right = shop_login(client, shopper.email, "terroir-client")
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not signed_in(client)


def test_another_spelling_of_the_email_counts_for_the_same_account(client, english):
    shopper = CustomerFactory(email="salma@example.ma")

    for spelling in ["salma@example.ma", "Salma@Example.ma", " SALMA@example.ma"]:
        fail(client, spelling, 1)
    fail(client, "salma@EXAMPLE.MA", 1)
    response = fail(client, "sAlma@example.ma", 1)

    assert response.status_code == 429
    assert shop_login(client, shopper.email, "terroir-client").status_code == 429


def test_the_lockout_holds_for_one_address_only(client):
    """Whoever guessed is locked out; the shopper at home still signs in."""
    shopper = CustomerFactory()
    fail(client, shopper.email, 5)

    home = Client()
    response = shop_login(home, shopper.email, "terroir-client", address=ELSEWHERE)

    assert response.status_code == 302
    assert signed_in(home)


def test_signing_in_is_possible_again_after_the_cool_off(client):
    shopper = CustomerFactory()
    fail(client, shopper.email, 5)
    assert shop_login(client, shopper.email, "terroir-client").status_code == 429

    minutes_pass(16)

    assert shop_login(client, shopper.email, "terroir-client").status_code == 302
    assert signed_in(client)


def test_tries_during_the_lockout_do_not_prolong_it(client):
    """The shopper who keeps trying their right password gets in 15 minutes
    after the fifth failure."""
    shopper = CustomerFactory()
    fail(client, shopper.email, 5)
    minutes_pass(10)
    assert shop_login(client, shopper.email, "terroir-client").status_code == 429
    assert fail(client, shopper.email, 2).status_code == 429

    minutes_pass(6)

    assert shop_login(client, shopper.email, "terroir-client").status_code == 302


def test_signing_in_forgets_the_accounts_failures(client):
    shopper = CustomerFactory()
    fail(client, shopper.email, 4)
    assert shop_login(client, shopper.email, "terroir-client").status_code == 302
    client.post(reverse("customer:logout"))

    assert fail(client, shopper.email, 4).status_code == 200
    assert shop_login(client, shopper.email, "terroir-client").status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(client, settings, english):
    """Thirty failures from one address, over any accounts, lock that address."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    shopper = CustomerFactory()

    for n in range(11):
        assert fail(client, f"guess{n}@example.ma", 1).status_code == 200
    twelfth = fail(client, "guess11@example.ma", 1)

    assert twelfth.status_code == 429
    assert LOCKED in twelfth.content.decode()
    assert shop_login(client, shopper.email, "terroir-client").status_code == 429
    home = Client()
    assert (
        shop_login(home, shopper.email, "terroir-client", ELSEWHERE).status_code == 302
    )


def test_signing_in_to_ones_own_account_keeps_the_address_counted(client, settings):
    """An attacker with an account of their own cannot clear the address's
    count by signing in to it between guesses at other accounts."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    attacker = CustomerFactory()
    for n in range(11):
        fail(client, f"guess{n}@example.ma", 1)

    assert shop_login(client, attacker.email, "terroir-client").status_code == 302
    client.post(reverse("customer:logout"))

    assert fail(client, "guess11@example.ma", 1).status_code == 429


STAFF_LOGINS = {
    "dashboard": ("dashboard:login", "username", "password"),
    "django admin": ("admin:login", "username", "password"),
    "wagtail admin": ("wagtailadmin_login", "username", "password"),
}


@pytest.mark.parametrize("login", STAFF_LOGINS.values(), ids=STAFF_LOGINS.keys())
def test_staff_sign_in_pages_lock_out_too(client, login, english):
    url_name, username_field, password_field = login
    staff = OfficeStaffFactory(is_superuser=True)
    url = reverse(url_name)

    for _ in range(5):
        response = client.post(
            url,
            {username_field: staff.email, password_field: "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    right = client.post(
        url,
        {username_field: staff.email, password_field: "terroir-office"},
        REMOTE_ADDR=ATTACKER,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not signed_in(client)


def test_a_forwarded_for_header_is_ignored_unless_a_proxy_is_trusted(client, settings):
    """Without DJANGO_TRUSTED_PROXY_COUNT anyone could claim a new address
    with each guess; with it, the proxy's entry tells visitors apart."""
    shopper = CustomerFactory()
    for n in range(5):
        client.post(
            reverse("customer:login"),
            {
                "login-username": shopper.email,
                "login-password": "wrong",
                "login_submit": "1",
            },
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert shop_login(client, shopper.email, "terroir-client").status_code == 429

    settings.TRUSTED_PROXY_COUNT = 1
    behind_proxy = client.post(
        reverse("customer:login"),
        {
            "login-username": shopper.email,
            "login-password": "terroir-client",
            "login_submit": "1",
        },
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {ELSEWHERE}",
    )
    assert behind_proxy.status_code == 302


@pytest.mark.parametrize(
    ("meta", "proxies", "address"),
    [
        ({"REMOTE_ADDR": "203.0.113.7"}, 0, "203.0.113.7"),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6"},
            0,
            "10.0.0.2",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"},
            1,
            "203.0.113.7",
        ),
        (
            {
                "REMOTE_ADDR": "10.0.0.2",
                "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.0.0.1",
            },
            2,
            "203.0.113.7",
        ),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, 0, "2001:db8:1:2::"),
        ({"REMOTE_ADDR": ""}, 0, NO_ADDRESS),
    ],
)
def test_the_client_address(settings, meta, proxies, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **meta)

    assert client_address(request) == address


def test_an_overlong_or_nul_email_is_counted_within_the_column():
    """Axes stores the name in a 255-character column; PostgreSQL refuses NUL."""
    name = login_username(None, {"username": "A\0" + "b" * 300 + "@example.ma"})

    assert len(name) == 255
    assert "\0" not in name
    assert name.startswith("abbb")
