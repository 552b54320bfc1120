"""Test settings: the project's settings with fast, isolated services."""

import os

from shop.settings import *  # noqa: F403
from shop.settings import AUTHENTICATION_BACKENDS, DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Axes stays on; only the test client's login(), which passes no request, skips it.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.AxesBackendForTestClient",
    *AUTHENTICATION_BACKENDS[1:],
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole-page caching stays off; tests of shop/cache.py turn it on themselves.
PAGE_CACHE_SECONDS = 0
MEDIA_ROOT = VAR_DIR / "test-media"
# Each browser test loads the demo: making all 184 photos' sizes took two
# thirds of that load; the pages make the few they show.
PRODUCT_IMAGE_RENDITIONS_ON_UPLOAD = False
ELASTICSEARCH_INDEX_PREFIX = f"test{os.getpid()}"
# Tests sign staff in with force_login and open the dashboard; the two-factor
# tests (tests/shop/test_two_factor.py) require the code themselves.
STAFF_OTP_REQUIRED = False

if DATABASES["default"]["ENGINE"] == "shop.sqlite":
    # A file (not :memory:) so --reuse-db keeps repeated local runs fast.
    # TEST_DB_NAME lets parallel runs on one machine keep separate files.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DB_NAME", str(VAR_DIR / "test.sqlite3"))
    }

# Product-view counters are flushed by whichever request finishes after the
# interval: in tests that could be one without database access. Tests that
# check the flush set their own interval.
ANALYTICS_FLUSH_SECONDS = 10**9
