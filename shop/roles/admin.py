"""Office staff change users in the Django admin too (Oscar's dashboard needs
`auth.change_user`); who is an administrator and what permissions or groups
a user holds stay for superusers (roles are given from the partner dashboard
and by shop.roles)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()

# For superusers only.
RIGHTS_FIELDS = ("is_superuser", "groups", "user_permissions")

admin.site.unregister(User)


@admin.register(User)
class RoleGuardedUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *RIGHTS_FIELDS)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
