"""The buyer area: `/<lang>/wholesale/…` (namespace `wholesale`).

Each views module lists its own pages (`urlpatterns`).
"""

from shop.wholesale.views import account, apply, catalogue, quotes, requests

MODULES = [apply, account, catalogue, requests, quotes]

app_name = "wholesale"

urlpatterns = [pattern for module in MODULES for pattern in module.urlpatterns]
