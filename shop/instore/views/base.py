"""What every counter page shares: signed-in staff of the URL's store, acting
in that store's sales context."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse

from shop.instore.access import (
    USE_COUNTER,
    counter_permission_check,
    counter_store_get,
    counter_stores_get,
)
from shop.sales.context import in_store


@dataclass(frozen=True)
class Section:
    """An entry of the counter's menu (each views module lists its own)."""

    url_name: str
    label: str
    permission: str = USE_COUNTER


def counter_nav(*, request, store) -> list[dict]:
    from shop.instore.urls import SECTIONS

    items = []
    for section in SECTIONS:
        if not request.user.has_perm(section.permission):
            continue
        url = reverse(section.url_name, kwargs={"store": store.code})
        items.append(
            {
                "url": url,
                "label": section.label,
                "current": request.path.startswith(url),
            }
        )
    return items


class CounterMixin(LoginRequiredMixin):
    """A page of one store's counter (URL kwarg `store`: the partner code).

    `permission` is what the page needs besides acting for the store (the
    role × URL test reads it); every counter page needs `instore.use_counter`
    or office staff's `instore.act_for_any_store`.
    """

    permission = USE_COUNTER

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.store = counter_store_get(user=request.user, code=kwargs["store"])
        if self.permission != USE_COUNTER:
            counter_permission_check(user=request.user, permission=self.permission)
        request.sales_context = in_store(self.store)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["store"] = self.store
        ctx["counter_stores"] = counter_stores_get(user=self.request.user)
        ctx["counter_nav"] = counter_nav(request=self.request, store=self.store)
        return ctx
