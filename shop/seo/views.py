"""robots.txt and sitemap.xml, rendered once per catalogue version and host."""

from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from shop.cache import catalogue_cached_or_previous
from shop.seo.sitemaps import SECTIONS

# Where crawlers have nothing to find: someone's own pages, staff tools and
# search results (each query a page of its own).
ROBOTS_DISALLOWED = [
    "basket:summary",
    "checkout:index",
    "customer:summary",
    "dashboard:index",
    "search:search",
    "instore:landing",
]
ROBOTS_ROOT_DISALLOWED = ["/django-admin/", "/cms/", "/i18n/", "/payments/"]
MAX_AGE = 60 * 60


def _cached_xml(request, name: str, *parts, render) -> HttpResponse:
    host = f"{request.scheme}://{request.get_host()}"
    content = catalogue_cached_or_previous(
        name, host, *parts, compute=render, sales_context=None, language=""
    )
    response = HttpResponse(content, content_type="application/xml")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def sitemap_index(request):
    """List every section's sitemap pages."""

    def render():
        locations = []
        for section, sitemap_class in SECTIONS.items():
            location = request.build_absolute_uri(
                reverse("sitemap-section", kwargs={"section": section})
            )
            pages = sitemap_class(request).paginator.num_pages
            locations.append(location)
            locations += [f"{location}?p={number}" for number in range(2, pages + 1)]
        return render_to_string(
            "sitemap_index.xml", {"sitemaps": [{"location": url} for url in locations]}
        )

    return _cached_xml(request, "sitemap-index", render=render)


@require_GET
def sitemap_section(request, section: str):
    """List one page of a section's URLs with their language alternates."""
    if section not in SECTIONS:
        raise Http404("No such sitemap section.")
    page = request.GET.get("p", "1")
    if not (page.isascii() and page.isdigit()):
        raise Http404("No such sitemap page.")

    def render():
        sitemap = SECTIONS[section](request)
        try:
            urls = sitemap.get_urls(
                page=int(page), site=RequestSite(request), protocol=request.scheme
            )
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404("No such sitemap page.") from error
        return render_to_string("sitemap.xml", {"urlset": urls})

    return _cached_xml(request, "sitemap-section", section, page, render=render)


@require_GET
def robots_txt(request):
    """Tell crawlers what to skip and where the sitemap is."""
    disallowed = list(ROBOTS_ROOT_DISALLOWED)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed += [reverse(name) for name in ROBOTS_DISALLOWED]
    content = render_to_string(
        "seo/robots.txt",
        {
            "disallowed": disallowed,
            "sitemap": request.build_absolute_uri(reverse("sitemap")),
        },
    )
    return HttpResponse(content, content_type="text/plain; charset=utf-8")
