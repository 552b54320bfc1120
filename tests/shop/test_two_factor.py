"""Office staff give a code from an authenticator app after their password
before the dashboard and the admins (required in production); the counter and
the shop never ask for one."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CustomerFactory
from tests.shop.test_settings import PRODUCTION_ENV

pytestmark = pytest.mark.django_db

DASHBOARD = "/fr/shop/dashboard/"
VERIFY = "/fr/two-factor/"
ENROL = "/fr/two-factor/enrol/"
required = override_settings(STAFF_OTP_REQUIRED=True)
optional = override_settings(STAFF_OTP_REQUIRED=False)


def code_now(device) -> str:
    """What the staff member's phone shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def wrong_code(device) -> str:
    return f"{(int(code_now(device)) + 1) % 1_000_000:06d}"


def sign_in(client, user, password):
    return client.post(
        reverse("customer:login"),
        {"login-username": user.email, "login-password": password, "login_submit": "1"},
        follow=True,
    )


@pytest.fixture
def phone(office):
    """The office staff member's confirmed authenticator app."""
    return TOTPDevice.objects.create(user=office, name="Phone", confirmed=True)


@required
def test_office_staff_without_an_app_are_sent_to_set_one_up(client, office):
    """Signing in, office staff without an authenticator app land on the set-up
    page (QR code and typed key), not on the dashboard."""
    response = sign_in(client, office, "terroir-office")

    assert (
        response.redirect_chain[-1][0]
        == f"{ENROL}?next={DASHBOARD.replace('/', '%2F')}"
    )
    page = response.content.decode()
    assert "Configurer la connexion en deux étapes" in page
    assert '<svg width="' in page
    assert 'class="twofactor-qr"' in page
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed
    secret = response.context["secret"]
    assert secret in page
    assert len(secret.replace(" ", "")) == 32
    # Still out of the dashboard.
    assert client.get(DASHBOARD)["Location"].startswith(ENROL)


@required
def test_setting_up_the_app_with_its_first_code_opens_the_dashboard(client, office):
    client.force_login(office)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=office)

    response = client.post(
        ENROL, {"code": code_now(device), "next": DASHBOARD}, follow=True
    )

    assert response.redirect_chain[-1][0] == DASHBOARD
    assert response.status_code == 200
    assert "La connexion en deux étapes est active" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DASHBOARD).status_code == 200


@required
def test_a_wrong_first_code_leaves_the_app_unconfirmed(client, office):
    client.force_login(office)
    first = client.get(ENROL)
    device = TOTPDevice.objects.get(user=office)

    response = client.post(ENROL, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "Ce code n’est pas le bon" in response.content.decode()
    # The same key: the QR code already scanned stays valid.
    assert response.context["secret"] == first.context["secret"]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(DASHBOARD)["Location"].startswith(ENROL)


@required
def test_office_staff_with_an_app_are_asked_for_its_code(client, office, phone):
    response = sign_in(client, office, "terroir-office")

    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert "Connexion en deux étapes" in response.content.decode()
    assert (
        client.get(DASHBOARD)["Location"]
        == f"{VERIFY}?next=%2Ffr%2Fshop%2Fdashboard%2F"
    )


@required
def test_a_wrong_code_is_refused_with_a_message(client, office, phone):
    client.force_login(office)

    response = client.post(VERIFY, {"code": wrong_code(phone), "next": DASHBOARD})

    assert response.status_code == 200
    assert "Ce code n’est pas le bon" in response.content.decode()
    assert 'name="code"' in response.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


@required
def test_a_code_that_is_not_six_digits_is_refused(client, office, phone):
    client.force_login(office)

    response = client.post(VERIFY, {"code": "12a456"})

    assert "Saisissez les 6 chiffres" in response.content.decode()
    phone.refresh_from_db()
    assert phone.throttling_failure_count == 0


@required
def test_the_right_code_opens_the_page_asked_for(client, office, phone):
    client.force_login(office)
    asked = "/fr/shop/dashboard/orders/"

    response = client.post(VERIFY, {"code": code_now(phone), "next": asked})

    assert response["Location"] == asked
    assert client.get(asked).status_code == 200
    assert client.get(DASHBOARD).status_code == 200


@required
def test_after_the_code_a_next_to_another_site_lands_on_the_dashboard(
    client, office, phone
):
    client.force_login(office)

    response = client.post(
        VERIFY, {"code": code_now(phone), "next": "https://evil.example/"}
    )

    assert response["Location"] == DASHBOARD


@required
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_after_a_wrong_code_even_the_right_one_waits(client, office, phone):
    """django-otp's throttling: each wrong code doubles the wait before the next try."""
    client.force_login(office)
    client.post(VERIFY, {"code": wrong_code(phone)})

    response = client.post(VERIFY, {"code": code_now(phone)})

    assert "Trop de codes erronés : attendez 60 secondes" in response.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


@required
def test_a_code_once_used_does_not_open_another_session(client, office, phone):
    code = code_now(phone)
    client.force_login(office)
    client.post(VERIFY, {"code": code})
    other = Client()
    other.force_login(office)

    response = other.post(VERIFY, {"code": code})

    assert "Ce code n’est pas le bon" in response.content.decode()
    assert other.get(DASHBOARD)["Location"].startswith(VERIFY)


@required
def test_someone_with_only_the_password_cannot_add_a_second_app(client, office, phone):
    client.force_login(office)

    response = client.get(ENROL)

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=office).count() == 1


@required
@pytest.mark.parametrize("path", ["/cms/", "/cms/pages/", "/django-admin/"])
def test_the_admins_ask_for_the_code_too(client, office, phone, path):
    client.force_login(office)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


@required
def test_a_superuser_is_asked_too(client):
    admin = CustomerFactory(is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    client.force_login(admin)

    assert client.get("/cms/")["Location"].startswith(VERIFY)


@required
def test_signing_out_of_the_wagtail_admin_needs_no_code(client, office, phone):
    client.force_login(office)

    response = client.post("/cms/logout/")

    assert response.status_code == 302
    assert not response["Location"].startswith(VERIFY)
    assert "_auth_user_id" not in client.session


@required
def test_dashboard_scripts_get_a_403_json_instead_of_a_redirect(client, office, phone):
    client.force_login(office)

    response = client.get(
        "/fr/shop/dashboard/catalogue/product-lookup/",
        HTTP_ACCEPT="application/json, text/javascript, */*; q=0.01",
    )

    assert response.status_code == 403
    assert response.json()["verify_url"].startswith(VERIFY)
    assert "authentification" in response.json()["detail"]


@required
def test_office_staff_at_the_counter_are_not_asked(client, office, store_a):
    client.force_login(office)

    response = client.get(reverse("instore:counter", kwargs={"store": store_a.code}))

    assert response.status_code == 200


@required
def test_store_staff_at_the_counter_are_not_asked(client, staff_a, store_a):
    response = sign_in(client, staff_a, "terroir-client")

    assert response.redirect_chain[-1][0] == f"/fr/store/{store_a.code}/"
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff_a).exists()


@required
def test_customers_are_not_asked(client):
    customer = CustomerFactory()

    response = sign_in(client, customer, "terroir-client")

    assert response.redirect_chain[-1][0] == "/fr/"
    # The two-factor pages send them back too.
    assert client.get(VERIFY)["Location"] == reverse("after-login")
    assert not TOTPDevice.objects.exists()


@optional
def test_in_the_demo_office_staff_without_an_app_sign_in_with_the_password(
    client, office
):
    response = sign_in(client, office, "terroir-office")

    assert response.redirect_chain[-1][0] == DASHBOARD
    assert response.status_code == 200
    assert client.get("/cms/").status_code == 200


@optional
def test_in_the_demo_staff_who_set_up_an_app_still_give_its_code(client, office, phone):
    response = sign_in(client, office, "terroir-office")

    assert response.redirect_chain[-1][0].startswith(VERIFY)


@required
def test_resetting_a_lost_phone_asks_to_set_up_again(client, office, phone):
    """`manage.py otp_reset EMAIL`: the verified session ends its access too."""
    client.force_login(office)
    client.post(VERIFY, {"code": code_now(phone)})
    assert client.get(DASHBOARD).status_code == 200

    call_command("otp_reset", office.email.upper())

    assert not TOTPDevice.objects.filter(user=office, confirmed=True).exists()
    assert client.get(DASHBOARD)["Location"].startswith(ENROL)


def test_resetting_an_unknown_email_says_so(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("otp_reset", "nobody@terroir.ma")


def test_production_requires_the_second_factor():
    """With DJANGO_DEBUG=false, office staff cannot skip setting up an app."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "STRIPE_"))
    }
    environ.update(PRODUCTION_ENV, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    # The settings module alone: a fresh process, without starting Django.
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import shop.settings as s; print(s.STAFF_OTP_REQUIRED)",
        ],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
