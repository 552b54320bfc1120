"""Wholesale in the dashboard (`/<lang>/shop/dashboard/wholesale/…`).

Each views module lists its own pages (`urlpatterns`); names are prefixed
`wholesale-` in the dashboard's namespace.
"""

from shop.dashboard.wholesale import applications, companies, orders, prices, quotes

MODULES = [applications, companies, quotes, prices, orders]

urlpatterns = [pattern for module in MODULES for pattern in module.urlpatterns]
