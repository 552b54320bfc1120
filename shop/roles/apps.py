from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "shop.roles"
    label = "roles"
    verbose_name = _("Staff roles")

    def ready(self):
        from shop.roles.services import roles_sync_after_migrate

        # After every migrate (a new app's permissions included), each role's
        # group holds exactly its permissions again.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="roles-sync")
