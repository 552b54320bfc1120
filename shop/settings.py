"""Settings for the Terroir storefront, driven by environment variables.

Every variable is optional locally; production (DJANGO_DEBUG=false) requires
DJANGO_SECRET_KEY. See README.md, "Configuration".
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, resolve, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403
from oscar.defaults import OSCAR_DASHBOARD_NAVIGATION

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="insecure-local-development-key-do-not-use-in-production",
    )
else:
    # Refuse to start in production without a real secret.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false "
            "(production mode); generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, which it patches to edit each language of a field.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # The task queue's table, read by `manage.py db_worker`.
    "django_tasks_db",
    # Form widgets' own templates, found through TEMPLATES (FORM_RENDERER).
    "django.forms",
    # Oscar, with our forks in place of the stock apps
    "oscar.config.Shop",
    "shop.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "shop.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "shop.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "shop.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "catalog.dashboard.apps.CooperativesDashboardConfig",
    "shop.dashboard.offers.apps.OffersDashboardConfig",
    "shop.dashboard.partners.apps.PartnersDashboardConfig",
    "shop.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",  # Oscar's default thumbnailer for product images
    # Sign-in failures counted per account and address (shop/security/login_lockout.py).
    "axes",
    # Wagtail; its search app is labelled "wagtailsearch", no clash with Oscar
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    # Editors translate a page with "Translate" (copy_for_translation) in the admin.
    "wagtail.contrib.simple_translation",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    # Content-Security-Policy (its system checks; shop/security/csp.py).
    "csp",
    # Office staff's second factor: an authenticator app's codes (shop/twofactor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Our apps
    "shop",
    "shop.sales",
    "shop.instore",
    "shop.wholesale",
    "shop.payments",
    "shop.seo",
    "cms",
    "shop.audit",
    # Last: its post_migrate receiver gives the role groups the permissions
    # every other app has just created.
    "shop.roles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so the pages it serves get them too.
    "shop.security.csp.ContentSecurityPolicyMiddleware",
    "shop.security.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before the page cache, so pages it serves are protected too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shop.page_cache.PrivatePagesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shop.twofactor.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    # After everything that tells who the visitor is and what they have: it
    # serves shared pages with the visitor's own parts put back.
    "shop.page_cache.SharedPageCacheMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "shop.security.throttling.RateLimitMiddleware",
    # Known faults of Wagtail's and Django's admins on hand-made input: 400.
    "shop.security.admin_input.AdminBadInputMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
                "shop.cache.catalogue_version_context",
                "shop.sales.selectors.sales_context_processor",
            ],
        },
    }
]
# Widgets render through TEMPLATES, so templates/ overrides Oscar's widget
# templates too (its photo widget's inline handlers, refused by the CSP).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
# Reuse connections between requests: opening one per request (a PostgreSQL
# backend process, or SQLite's pragmas) halved add-to-basket throughput in
# `make bench`. Health checks drop a connection the server has closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let concurrent requests wait instead of failing
    # with "database is locked"; our engine waits for the write lock in short
    # steps (shop/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "shop.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://terroir")}
# django-environ cannot pass KEY_PREFIX through the URL; it separates apps
# (or benchmark runs) sharing one Redis database.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="terroir")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # The default 300 entries are fewer than a browsing session's pages and
    # autocomplete answers: entries would push each other out.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    from shop.redis_pause import redis_cache_options

    CACHES["default"]["OPTIONS"] = redis_cache_options(
        CACHES["default"].get("OPTIONS", {}), location=CACHES["default"]["LOCATION"]
    )
# Redis down or hanging reads as an empty cache (pages render, slower, and it
# is logged) instead of failing every request; it is used again once it answers.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions read from the cache (written through to the database): a shopper's
# cached page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Cached catalogue data and anonymous pages (shop/cache.py) live this long at most.
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=300)
# Whole pages for visitors without personal cookies (shop/cache.py); off while
# developing so template edits show at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
# Product views are buffered per process and written this often (shop/analytics).
ANALYTICS_FLUSH_SECONDS = env.int("ANALYTICS_FLUSH_SECONDS", default=5)

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "shop.security.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes, shop/security/login_lockout.py): failures within
# the cool-off, per account from one address and per address.
AXES_HANDLER = "shop.security.login_lockout.LoginAttemptHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# Tries during a lockout do not prolong it: the shopper who keeps trying their
# right password gets in when the cool-off ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The handler forgets an account's failures when it signs in (not axes' reset,
# which clears the address's counter too).
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "shop.security.login_lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "shop.security.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "shop.security.login_lockout.lockout_response"
# No row per successful sign-in: a growing log of shoppers' addresses nobody reads.
AXES_DISABLE_ACCESS_LOG = True
# No banner in the output of every manage.py command.
AXES_VERBOSE = False
# Reverse proxies of ours in front of gunicorn, each appending to
# X-Forwarded-For; 0 (the default) reads the address of the connection only.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# A cache that cannot count lets forms through rather than refusing every one
# while Redis is down; sign-in lockout counts in the database.
RATELIMIT_FAIL_OPEN = True
# Submissions of a form allowed per address, and per account, email or order
# (shop/security/throttling.py); "10/h" is 10 an hour, "20/10m" 20 in 10 minutes.
RATE_LIMITS = {
    "password-reset": ("10/h", "3/h"),
    "registration": ("10/h", "3/h"),
    "stock-alert": ("20/h", "5/h"),
    "review": ("10/h", "5/h"),
    "voucher": ("20/10m", "10/10m"),
    "order-status": ("20/h", "5/h"),
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "customer:login"
# A role's own start page, in the language the visitor signed in with.
LOGIN_REDIRECT_URL = reverse_lazy("after-login")

# Internationalisation: French by default, Arabic (right-to-left) and English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Catalogue texts (catalog/translation.py) in each language; a text not yet
# translated reads in French.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
# A record created with a plain text (Oscar's code, factories) gets it in French
# too, whatever the active language, so the fallback is never empty.
MODELTRANSLATION_AUTO_POPULATE = "default"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Product photos get their WebP sizes when uploaded; off, the first page
# showing a photo makes them (tests: the demo load writes 1,300 files no page shows).
PRODUCT_IMAGE_RENDITIONS_ON_UPLOAD = env.bool(
    "PRODUCT_IMAGE_RENDITIONS_ON_UPLOAD", default=True
)
# Production serves uploads from the web server in front of gunicorn.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SITE_ID = 1

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="boutique@terroir.ma")

# Search engine: the local engine started by `make run` / the tests sets this.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="terroir")
# Seconds a page waits for the engine before answering from the database.
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)

# Stripe: keys only from the environment; STRIPE_API_BASE points at localstripe offline.
_STRIPE_LOCAL_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_local",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
    "STRIPE_WEBHOOK_SECRET": "whsec_local",
}
_stripe = {
    name: env.str(name, default=placeholder if DEBUG else "")
    for name, placeholder in _STRIPE_LOCAL_KEYS.items()
}
if not DEBUG:
    # A placeholder in production takes no payment and accepts webhooks signed
    # with a secret anyone can read here.
    _stripe_prefixes = {
        "STRIPE_SECRET_KEY": ("sk_", "rk_"),
        "STRIPE_PUBLISHABLE_KEY": ("pk_",),
        "STRIPE_WEBHOOK_SECRET": ("whsec_",),
    }
    _bad_stripe = [
        name
        for name, value in _stripe.items()
        if value == _STRIPE_LOCAL_KEYS[name]
        or not value.startswith(_stripe_prefixes[name])
    ]
    if _bad_stripe:
        raise ImproperlyConfigured(
            "Real Stripe keys are required when DJANGO_DEBUG is false; "
            f"set {', '.join(_bad_stripe)} (from the Stripe dashboard: "
            "sk_… or rk_…, pk_… and the webhook endpoint's whsec_… secret)."
        )
STRIPE_SECRET_KEY = _stripe["STRIPE_SECRET_KEY"]
STRIPE_PUBLISHABLE_KEY = _stripe["STRIPE_PUBLISHABLE_KEY"]
STRIPE_WEBHOOK_SECRET = _stripe["STRIPE_WEBHOOK_SECRET"]
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# A Stripe call gives up after this many seconds and is retried this many times
# (writes carry idempotency keys): a hanging Stripe then costs a shopper ~21 s
# and a clear message, within gunicorn's 30 s worker timeout.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)

# Content-Security-Policy, enforced (django-csp; shop/security/csp.py adds
# Stripe.js's origin and the Wagtail admin's looser script policy). Scripts
# come from this site or carry the request's nonce: staff HTML cannot run.
# Styles allow 'unsafe-inline': templates, Oscar's dashboard widgets and
# Stripe.js write style attributes (a nonce in style-src would forbid them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        # data: for the SVG icons in CSS and the dashboard's photo previews.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Checkout: cash on delivery is capped; its optional fee is shown before confirming.
COD_MAX_AMOUNT = Decimal(env.str("COD_MAX_AMOUNT", default="3000.00"))
COD_FEE = Decimal(env.str("COD_FEE", default="15.00"))
PHONENUMBER_DEFAULT_REGION = "MA"
# Printed on wholesale proforma invoices: where buyers send their transfer.
WHOLESALE_BANK_DETAILS = env.str("WHOLESALE_BANK_DETAILS", default="")
# Line discounts at a store's counter, in percent: store staff up to the first,
# store managers and office staff up to the second.
INSTORE_STAFF_DISCOUNT_CAP = Decimal(
    env.str("INSTORE_STAFF_DISCOUNT_CAP", default="10")
)
INSTORE_MANAGER_DISCOUNT_CAP = Decimal(
    env.str("INSTORE_MANAGER_DISCOUNT_CAP", default="50")
)
# Office staff (the dashboard, the Wagtail and Django admins) enter a code from
# an authenticator app after their password (shop/twofactor); in the demo only
# those who set one up, so the documented logins work without a phone.
STAFF_OTP_REQUIRED = not DEBUG
OTP_TOTP_ISSUER = "Terroir du Maroc"
# The Django admin lists devices without their secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Emails and search-index updates wait in the database for `manage.py
# db_worker`, not in the request of the shopper who caused them. The immediate
# backend runs them in the request (the tests do).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}

HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}
}

# Oscar
# The address app is forked for its forms only: its tables and migrations stay
# Oscar's.
MIGRATION_MODULES = {
    "address": "oscar.apps.address.migrations",
    "offer": "oscar.apps.offer.migrations",
}

OSCAR_SHOP_NAME = "Terroir du Maroc"
OSCAR_DYNAMIC_CLASS_LOADER = "shop.oscar_classes.class_loader"
OSCAR_SHOP_TAGLINE = _("Products of Moroccan cooperatives")
OSCAR_DEFAULT_CURRENCY = "MAD"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
# Anyone could publish at once, under any email: reviews come from signed-in
# shoppers and show after office staff approve them in the dashboard.
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MODERATE_REVIEWS = True
# Home in the shopper's language (breadcrumbs, the shop root, after logout): "/" would
# send an Arabic shopper to whichever language the browser prefers.
OSCAR_HOMEPAGE = reverse_lazy("wagtail_serve", args=[""])
OSCAR_PRODUCTS_PER_PAGE = 20
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line4", "country")
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Ready for collection", "Shipped", "Cancelled"),
    # Wholesale orders from an accepted quote, until the transfer arrives (or,
    # on terms, until they are prepared and shipped before it).
    "Awaiting payment": ("Being processed", "Shipped", "Cancelled"),
    "Being processed": ("Ready for collection", "Shipped", "Cancelled"),
    "Ready for collection": ("Complete", "Cancelled"),
    "Shipped": ("Complete",),
    "Complete": (),
    "Cancelled": (),
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = {"Cancelled": "Cancelled", "Complete": "Complete"}
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Cooperatives"),
        "icon": "fas fa-seedling",
        "children": [
            {"label": _("Cooperatives"), "url_name": "dashboard:cooperative-list"},
            {
                "label": _("Expiring certifications"),
                "url_name": "dashboard:certification-expiring-list",
            },
        ],
    },
]


def _wholesale_menu_access(user, url_name, url_args=None, url_kwargs=None):
    """Show a wholesale entry to staff allowed its page, once the page is routed.

    The wholesale pages are no Oscar dashboard app, so Oscar's default check
    cannot find their permissions: it reads the view's OfficeMixin
    `permission`.
    """
    if not user.is_staff:
        return False
    if url_name is None:  # the heading
        return True
    try:
        match = resolve(reverse(url_name, args=url_args, kwargs=url_kwargs))
    except NoReverseMatch:
        return False
    permission = getattr(getattr(match.func, "view_class", None), "permission", "")
    return bool(permission) and user.has_perm(permission)


OSCAR_DASHBOARD_NAVIGATION.append(
    {
        "label": _("Wholesale"),
        "icon": "fas fa-truck-loading",
        "access_fn": _wholesale_menu_access,
        "children": [
            {
                "label": label,
                "url_name": f"dashboard:wholesale-{name}",
                "access_fn": _wholesale_menu_access,
            }
            for name, label in (
                ("applications", _("Applications")),
                ("companies", _("Companies")),
                ("quotes", _("Quotes")),
            )
        ],
    }
)

# Wagtail
WAGTAIL_SITE_NAME = "Terroir du Maroc"
WAGTAILADMIN_BASE_URL = env.str(
    "WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per engine request drowns the useful output.
        "elastic_transport": {"level": "WARNING"},
        # PDF fonts are subset for every document, a dozen lines each time.
        "fontTools": {"level": "WARNING"},
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
