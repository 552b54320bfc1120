"""Production settings, checked the way an operator starts the site: a fresh process."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "boutique.terroir.ma",
    "STRIPE_SECRET_KEY": "sk_live_51Terroir",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51Terroir",
    "STRIPE_WEBHOOK_SECRET": "whsec_terroir_endpoint",
}


def manage(*args, **env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "STRIPE_"))
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="shop.settings")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    """DJANGO_DEBUG=false without DJANGO_SECRET_KEY stops with a clear reason."""
    result = manage("check", **PRODUCTION_ENV)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false" in result.stderr


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("STRIPE_SECRET_KEY", None),
        ("STRIPE_PUBLISHABLE_KEY", None),
        ("STRIPE_WEBHOOK_SECRET", None),
        ("STRIPE_SECRET_KEY", "sk_test_local"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_local"),
        ("STRIPE_WEBHOOK_SECRET", "secret"),
    ],
)
def test_production_mode_refuses_to_start_without_real_stripe_keys(missing, value):
    """Without a real key or webhook secret, production stops and names it."""
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    if value is None:
        del env[missing]
    else:
        env[missing] = value

    result = manage("check", **env)

    assert result.returncode != 0
    assert "Real Stripe keys are required when DJANGO_DEBUG is false" in result.stderr
    assert f"set {missing} " in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    """`check --deploy` finds nothing to warn about with production variables."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_default_local_cache_holds_more_than_a_few_hundred_entries():
    """Pages and autocomplete answers of a busy hour do not evict each other."""
    script = (
        "from django.core.cache import cache\n"
        "for i in range(2000): cache.set(f'page-{i}', i)\n"
        "print(cache.get('page-0'))"
    )
    result = manage("shell", "-c", script, CACHE_URL="locmemcache://settings-test")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0"
