"""Office staff manage users (Oscar's dashboard needs `auth.change_user`), which
in Wagtail's user admin would also let them make anyone an administrator or
take over an administrator's account: only superusers may."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks


def _refused(request):
    messages.error(request, _("Only an administrator may change an administrator."))
    return redirect("wagtailusers_users:index")


def _grants_administrator(request) -> bool:
    return request.method == "POST" and bool(request.POST.get("is_superuser"))


@hooks.register("before_create_user")
def administrators_created_by_administrators(request):
    if not request.user.is_superuser and _grants_administrator(request):
        return _refused(request)
    return None


@hooks.register("before_edit_user")
def administrators_edited_by_administrators(request, user):
    if request.user.is_superuser:
        return None
    if user.is_superuser or _grants_administrator(request):
        return _refused(request)
    return None
