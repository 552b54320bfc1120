"""Counter URLs: `/<lang>/store/` and `/<lang>/store/<store code>/…`.

Each views module lists its pages (`urlpatterns`, mounted under the store) and
its entries of the counter's menu (`sections`).
"""

from django.urls import include, path

from shop.instore.views import collect, counter, drawer, landing, returns

MODULES = [counter, collect, returns, drawer]

app_name = "instore"

SECTIONS = [section for module in MODULES for section in module.sections]

urlpatterns = [
    path("", landing.counter_landing, name="landing"),
    path(
        "<slug:store>/",
        include([pattern for module in MODULES for pattern in module.urlpatterns]),
    ),
]
