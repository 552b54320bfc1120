"""Buyer area: answering a quote (accept, decline, ask for a revision) and
the quote and proforma invoice PDFs."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from shop.wholesale.documents import proforma_pdf, quote_pdf
from shop.wholesale.forms.requests import (
    QuoteAnswerForm,
    QuoteDeclineForm,
    QuoteReviseForm,
)
from shop.wholesale.services.orders import (
    OrderRefused,
    quote_accept,
    quote_shortages_get,
)
from shop.wholesale.services.quotes import (
    quote_current_check,
    quote_decline,
    quote_revision_request,
)
from shop.wholesale.services.requests import quote_of_request_get
from shop.wholesale.views.requests import Refused, RequestPageMixin


def quote_answer_context(*, quote_request, quote, decline_form, revise_form) -> dict:
    """What the buyer needs to answer the current quote: whether it can still
    be accepted, which lines are short of stock, and the answer forms."""
    expired = quote.valid_until < timezone.localdate()
    return {
        "quote_expired": expired,
        "shortages": [] if expired else quote_shortages_get(quote=quote),
        "accept_form": QuoteAnswerForm(initial={"version": quote.version}),
        "decline_form": decline_form,
        "revise_form": revise_form,
    }


class QuoteAcceptView(RequestPageMixin, View):
    """Accept the current quote: its order is placed at the quoted prices."""

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        form = QuoteAnswerForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        if version is None:
            messages.error(request, _("Reload the page and accept the quote again."))
            return redirect("wholesale:request", pk=quote_request.pk)
        try:
            order = quote_accept(
                request=quote_request, by=request.user, version=version
            )
        except (OrderRefused, *Refused) as refusal:
            return self.refused(quote_request, refusal)
        messages.success(
            request,
            _(
                "Quote accepted: order %(number)s is placed. Its proforma invoice "
                "is below and on its way by email."
            )
            % {"number": order.number},
        )
        return redirect("wholesale:request", pk=quote_request.pk)


class QuoteDeclineView(RequestPageMixin, View):
    """Decline the current quote, saying why."""

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        form = QuoteDeclineForm(request.POST)
        if not form.is_valid():
            return self.page(quote_request, decline_form=form)
        try:
            quote_current_check(
                request=quote_request, version=form.cleaned_data["version"]
            )
            quote_decline(
                request=quote_request,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refused as refusal:
            return self.refused(quote_request, refusal)
        messages.success(request, _("Quote declined: the office has your reason."))
        return redirect("wholesale:request", pk=quote_request.pk)


class QuoteReviseView(RequestPageMixin, View):
    """Ask the office for a new version of the quote."""

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        form = QuoteReviseForm(request.POST)
        if not form.is_valid():
            return self.page(quote_request, revise_form=form)
        try:
            quote_current_check(
                request=quote_request, version=form.cleaned_data["version"]
            )
            quote_revision_request(
                request=quote_request,
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except Refused as refusal:
            return self.refused(quote_request, refusal)
        messages.success(
            request,
            _("Revision asked for: the office will send a new version."),
        )
        return redirect("wholesale:request", pk=quote_request.pk)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class QuotePdfView(RequestPageMixin, View):
    """One sent version of the quote as a PDF, in the page's language."""

    def get(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        quote = quote_of_request_get(request=quote_request, version=kwargs["version"])
        if quote is None:
            raise Http404
        content = quote_pdf(quote=quote, language=translation.get_language())
        return pdf_response(content, f"{quote_request.number}-v{quote.version}.pdf")


class ProformaPdfView(RequestPageMixin, View):
    """The proforma invoice of the request's order, in the page's language."""

    def get(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        if quote_request.order is None:
            raise Http404
        order = quote_request.order
        content = proforma_pdf(order=order, language=translation.get_language())
        return pdf_response(content, f"proforma-{order.number}.pdf")


urlpatterns = [
    path("requests/<int:pk>/accept/", QuoteAcceptView.as_view(), name="quote-accept"),
    path(
        "requests/<int:pk>/decline/", QuoteDeclineView.as_view(), name="quote-decline"
    ),
    path("requests/<int:pk>/revise/", QuoteReviseView.as_view(), name="quote-revise"),
    path(
        "requests/<int:pk>/quotes/<int:version>/pdf/",
        QuotePdfView.as_view(),
        name="quote-pdf",
    ),
    path("requests/<int:pk>/proforma/", ProformaPdfView.as_view(), name="proforma-pdf"),
]
