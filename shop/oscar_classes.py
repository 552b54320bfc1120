"""Oscar's class loader, plus modules of ours for apps kept as Oscar's.

Oscar looks for an override in the app's own package, which only a forked app
has; our customer app swaps views but keeps Oscar's package (shop/customer/
apps.py), so its overriding modules are named here.
"""

from importlib import import_module

from oscar.core.loading import default_class_loader

OVERRIDES = {"customer.history": "shop.customer.history"}


def class_loader(module_label, classnames, module_prefix):
    ours = OVERRIDES.get(module_label) if module_prefix == "oscar.apps" else None
    if ours is None:
        return default_class_loader(module_label, classnames, module_prefix)
    return [getattr(import_module(ours), name) for name in classnames]
