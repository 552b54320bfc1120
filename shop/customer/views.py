"""Oscar's customer views that changed state on GET, made POST-only, customer
pages that answered 500 to a bad id, and registration that does not tell
whether an email has an account (shop/customer/services.py).

A GET from an e-mail or a bookmark (log out, cancel an alert) shows what a
POST would do, with its button; a GET no page of ours sends (setting a default
address, adding to a wish list) is refused with 405.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import generic
from oscar.apps.communication.notifications import views as notification_views
from oscar.apps.customer import views as customer_views
from oscar.apps.customer.wishlists import views as wishlist_views
from oscar.core.loading import get_model

from shop.customer import services
from shop.customer.forms import RegistrationConfirmForm, RegistrationForm
from shop.redirects import safe_next_url

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductAlert = get_model("customer", "ProductAlert")


class LogoutView(generic.TemplateView):
    """GET asks "Log out?"; POST logs out and goes home."""

    template_name = "oscar/customer/logout_confirm.html"

    def post(self, request, *args, **kwargs):
        auth_logout(request)
        response = redirect(settings.OSCAR_HOMEPAGE)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response


class ProductAlertCancelView(generic.TemplateView):
    """GET (the alert e-mail's link) asks to confirm; POST cancels the alert and
    goes to the `next` page if it is on this site, else to the product."""

    template_name = "oscar/customer/alerts/cancel_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if "key" in kwargs:
            self.alert = get_object_or_404(ProductAlert, key=kwargs["key"])
        elif "pk" in kwargs and request.user.is_authenticated:
            self.alert = get_object_or_404(
                ProductAlert, user=request.user, pk=kwargs["pk"]
            )
        else:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        next_url = safe_next_url(
            self.request, self.request.GET.get("next"), self.alert.product
        )
        return super().get_context_data(alert=self.alert, next=next_url, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.alert.can_be_cancelled:
            self.alert.cancel()
            messages.success(request, _("Your stock alert has been cancelled"))
        else:
            messages.error(request, _("Your stock alert cannot be cancelled"))
        return redirect(
            safe_next_url(request, request.POST.get("next"), self.alert.product)
        )


class AddressChangeStatusView(customer_views.AddressChangeStatusView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WishListAddProductView(wishlist_views.WishListAddProduct):
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        # Oscar's dispatch creates a wish list before the method is checked.
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class WishListCreateView(wishlist_views.WishListCreateView):
    def dispatch(self, request, *args, **kwargs):
        # For a product that is gone Oscar redirects to "wishlists-create",
        # a name without its namespace (a 500): the plain form instead.
        if (
            "product_pk" in kwargs
            and not Product.objects.filter(pk=kwargs["product_pk"]).exists()
        ):
            messages.error(request, _("The requested product no longer exists"))
            return redirect("customer:wishlists-create")
        return super().dispatch(request, *args, **kwargs)


class WishListRemoveProductView(wishlist_views.WishListRemoveProduct):
    def get_object(self, queryset=None):
        # Oscar looks the line up by `product_id`: an id beyond the database's
        # integers raised (a 500) instead of finding no product.
        if "product_pk" in self.kwargs:
            get_object_or_404(Product, pk=self.kwargs["product_pk"])
        return super().get_object(queryset)


class OrderLineView(customer_views.OrderLineView):
    """One line of the customer's own order, with its buy-again button."""

    template_name = "oscar/customer/order/line_detail.html"

    def get_object(self, queryset=None):
        order = get_object_or_404(
            Order, user=self.request.user, number=self.kwargs["order_number"]
        )
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])


class NotificationUpdateView(notification_views.UpdateView):
    def get_error_url(self, request):
        # Oscar's default, this POST-only URL itself, answered 405.
        return safe_next_url(
            request, request.headers.get("Referer"), "customer:notifications-inbox"
        )

    def get_selected_ids(self, request):
        # A posted id that is no number selects nothing (Oscar's query raised).
        name = f"selected_{self.get_checkbox_object_name()}"
        # isascii(): "²" passes isdigit() but not int().
        if not all(pk.isascii() and pk.isdigit() for pk in request.POST.getlist(name)):
            return []
        return super().get_selected_ids(request)


def _registration_start(request, form):
    services.registration_request(
        email=form.cleaned_data["email"],
        password=form.cleaned_data["password1"],
        next_url=form.cleaned_data["redirect_url"],
    )
    request.session["registration_email"] = form.cleaned_data["email"]
    return redirect("customer:register-sent")


class AccountRegistrationView(customer_views.AccountRegistrationView):
    form_class = RegistrationForm

    def form_valid(self, form):
        return _registration_start(self.request, form)


class AccountAuthView(customer_views.AccountAuthView):
    """The sign-in page's registration form, as on the registration page."""

    registration_form_class = RegistrationForm

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if form.is_valid():
            return _registration_start(self.request, form)
        return self.render_to_response(self.get_context_data(registration_form=form))


class RegistrationSentView(generic.TemplateView):
    """ "Check your inbox", whether the address had an account or not."""

    template_name = "oscar/customer/registration_sent.html"

    def get_context_data(self, **kwargs):
        email = self.request.session.get("registration_email", "")
        return super().get_context_data(email=email, **kwargs)


class RegistrationConfirmView(generic.FormView):
    """The emailed link: the password chosen again opens the account."""

    template_name = "oscar/customer/registration_confirm.html"
    form_class = RegistrationConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = services.registration_pending_get(
            uidb64=kwargs["uidb64"], token=kwargs["token"]
        )
        if self.pending is None:
            return self.render_to_response({"expired": True})
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.pending}

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.pending.email, **kwargs)

    def form_valid(self, form):
        services.registration_confirm(user=self.pending, request=self.request)
        auth_login(
            self.request,
            self.pending,
            backend="shop.security.auth_backends.EmailBackend",
        )
        messages.success(self.request, _("Your account is open. Welcome!"))
        return redirect(
            safe_next_url(
                self.request, self.request.GET.get("next"), settings.LOGIN_REDIRECT_URL
            )
        )
