from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from shop import views
from shop.payments import views as payment_views
from shop.seo import views as seo_views

# A database connection lost mid-request asks the shopper to try again (503).
handler500 = "shop.errors.server_error"

urlpatterns = [
    # First: before any page could look the path up (shop/views.py).
    re_path(r"^[^\x00]*\x00", views.nul_in_path),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", seo_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", seo_views.sitemap_index, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        seo_views.sitemap_section,
        name="sitemap-section",
    ),
    path(
        "payments/stripe/webhook/",
        payment_views.stripe_webhook,
        name="stripe-webhook",
    ),
]

if settings.SERVE_MEDIA:
    from django.views.static import serve

    # Django's static() helper serves nothing when DEBUG is off; a
    # production-like run without a web server in front (make lighthouse)
    # still needs the product photos.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += i18n_patterns(
    path("shop/dashboard/payments/", include("shop.payments.urls")),
    path("store/", include("shop.instore.urls")),
    path("wholesale/", include("shop.wholesale.urls")),
    # The address professionals are given on paper and in the press.
    path(
        "professionnels/",
        RedirectView.as_view(pattern_name="wholesale:home", permanent=False),
    ),
    path("signed-in/", views.after_login, name="after-login"),
    # Office staff's second factor, outside the dashboard it guards.
    path("two-factor/", include("shop.twofactor.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    # Wagtail's catch-all must stay last.
    path("", include(wagtail_urls)),
)
