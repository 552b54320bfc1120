"""Wagtail admin wiring: catalogue choosers for editors."""

from wagtail import hooks

from cms.choosers import cooperative_chooser_viewset, product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_catalogue_choosers():
    return [product_chooser_viewset, cooperative_chooser_viewset]
