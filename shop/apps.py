from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        from shop import lookups, receivers
        from shop.security import permission_cache

        lookups.register()
        receivers.connect()
        permission_cache.connect()
