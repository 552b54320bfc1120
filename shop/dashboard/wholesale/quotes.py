"""Wholesale quotes in the dashboard: the queue of requests, oldest first,
and pricing a request to send the buyer a quote version."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from shop.dashboard.wholesale.base import OfficeMixin
from shop.payments.services import EventKind
from shop.wholesale.forms.requests import MessageForm
from shop.wholesale.models import Company, PaymentTerms, QuoteRequest, QuoteStatus
from shop.wholesale.services.quotes import (
    payment_terms_allowed,
    quote_send,
    quote_validity_default,
    request_lines_to_price,
    requests_queue,
)
from shop.wholesale.services.requests import (
    MAX_PACKS,
    MESSAGE_MAX_LENGTH,
    RequestRefused,
    request_message_post,
    request_thread_get,
)
from shop.wholesale.services.states import TransitionRefused
from shop.wholesale.views.requests import attachment_response, refused_messages

SEND = "wholesale.send_quote"
S = QuoteStatus
# What the office still has to answer: the default view of the queue.
AWAITING_OFFICE = [S.SUBMITTED, S.REVISION_REQUESTED]
Refused = (RequestRefused, TransitionRefused)


class QueueFilterForm(forms.Form):
    OPEN = "open"
    ALL = "all"

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            (OPEN, gettext_lazy("Waiting for the office")),
            (ALL, gettext_lazy("All")),
            *[(value, label) for value, label in S.choices if value != S.DRAFT],
        ],
    )
    company = forms.ModelChoiceField(
        label=gettext_lazy("Company"),
        required=False,
        queryset=Company.objects.order_by("name"),
        empty_label=gettext_lazy("All companies"),
    )
    waiting = forms.TypedChoiceField(
        label=gettext_lazy("Waiting since"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", gettext_lazy("Any time")),
            ("2", gettext_lazy("More than 2 days ago")),
            ("7", gettext_lazy("More than a week ago")),
            ("14", gettext_lazy("More than two weeks ago")),
            ("30", gettext_lazy("More than a month ago")),
        ],
    )

    def statuses(self) -> list[str]:
        status = (self.cleaned_data.get("status") if self.is_valid() else "") or (
            self.OPEN
        )
        if status == self.OPEN:
            return AWAITING_OFFICE
        if status == self.ALL:
            return [value for value in S.values if value != S.DRAFT]
        return [status]


class QuoteListView(OfficeMixin, ListView):
    """Requests for quote, the longest waiting first; those waiting for the
    office unless filtered."""

    permission = SEND
    template_name = "oscar/dashboard/wholesale/quote_list.html"
    context_object_name = "quote_requests"
    paginate_by = 25

    def get_queryset(self):
        self.form = QueueFilterForm(self.request.GET or None)
        valid = self.form.is_valid()
        return requests_queue(
            statuses=self.form.statuses(),
            company=self.form.cleaned_data.get("company") if valid else None,
            waiting_days=self.form.cleaned_data.get("waiting") if valid else None,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "is_filtered": bool(self.request.GET),
            "now": timezone.now(),
        }


class QuoteSendForm(forms.Form):
    """Packs and unit price per line, delivery, validity, terms and a message."""

    delivery_price = forms.DecimalField(
        label=gettext_lazy("Delivery price"),
        min_value=Decimal("0.00"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0.00"),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    payment_terms = forms.ChoiceField(
        label=gettext_lazy("Payment terms"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "The company was not granted these payment terms."
            )
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the buyer"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rows, company, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = payment_terms_allowed(company=company)
        self.fields["payment_terms"].choices = [
            (value, label) for value, label in PaymentTerms.choices if value in allowed
        ]
        self.fields["payment_terms"].initial = company.payment_terms
        self.fields["valid_until"].initial = quote_validity_default()
        self.fields["valid_until"].widget.attrs["min"] = (
            timezone.localdate().isoformat()
        )
        self.rows = rows
        for row in rows:
            pk = row.request_line.pk
            self.fields[f"packs-{pk}"] = forms.IntegerField(
                label=_("Packs"),
                min_value=0,
                max_value=MAX_PACKS,
                initial=row.packs,
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "size": 6}),
            )
            self.fields[f"price-{pk}"] = forms.DecimalField(
                label=_("Unit price"),
                required=False,
                min_value=Decimal("0.01"),
                max_digits=12,
                decimal_places=2,
                initial=row.unit_price,
                widget=forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
            )

    @property
    def line_rows(self):
        """Each line to price with its packs and unit price fields."""
        return [
            (
                row,
                self[f"packs-{row.request_line.pk}"],
                self[f"price-{row.request_line.pk}"],
            )
            for row in self.rows
        ]

    def clean_valid_until(self):
        date = self.cleaned_data["valid_until"]
        if date <= timezone.localdate():
            raise forms.ValidationError(
                _("The quote must be valid until a date after today.")
            )
        return date

    def clean(self):
        data = super().clean()
        for row in self.rows:
            pk = row.request_line.pk
            if data.get(f"packs-{pk}") and data.get(f"price-{pk}") is None:
                if f"price-{pk}" not in self.errors:
                    self.add_error(f"price-{pk}", _("Enter a unit price above zero."))
        return data

    def lines(self) -> list[tuple]:
        data = self.cleaned_data
        return [
            (
                row.request_line,
                data[f"packs-{row.request_line.pk}"],
                data.get(f"price-{row.request_line.pk}"),
            )
            for row in self.rows
        ]


class QuoteRequestMixin(OfficeMixin):
    permission = SEND

    def quote_request_get(self) -> QuoteRequest:
        found = (
            QuoteRequest.objects.select_related(
                "company", "created_by", "delivery_country", "order"
            )
            .exclude(status=S.DRAFT)
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if found is None:
            raise Http404
        return found

    def page(self, quote_request, *, send_form=None, message_form=None):
        rows = request_lines_to_price(request=quote_request)
        can_send = quote_request.status in AWAITING_OFFICE
        ctx = {
            "quote_request": quote_request,
            "company": quote_request.company,
            **request_thread_get(request=quote_request),
            "rows": rows,
            "short_count": sum(1 for row in rows if row.short),
            "can_send": can_send,
            "message_form": message_form or MessageForm(),
            "order_paid": quote_request.order is not None
            and quote_request.order.payment_events.filter(
                event_type__code=EventKind.PAID
            ).exists(),
        }
        if can_send:
            ctx["send_form"] = send_form or QuoteSendForm(
                rows=rows, company=quote_request.company
            )
        return TemplateResponse(
            self.request, "oscar/dashboard/wholesale/quote_detail.html", ctx
        )


class QuoteDetailView(QuoteRequestMixin, View):
    """A request to price: its lines with stock, the versions sent, the thread."""

    def moved(self, quote_request):
        messages.error(
            self.request,
            _(
                "Request %(number)s is “%(status)s”: it is not waiting for a "
                "quote (a new version follows a buyer's request for revision)."
            )
            % {
                "number": quote_request.number,
                "status": quote_request.get_status_display(),
            },
        )
        return redirect("dashboard:wholesale-quote", pk=quote_request.pk)

    def get(self, request, *args, **kwargs):
        return self.page(self.quote_request_get())

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        if quote_request.status not in AWAITING_OFFICE:
            return self.moved(quote_request)
        rows = request_lines_to_price(request=quote_request)
        form = QuoteSendForm(request.POST, rows=rows, company=quote_request.company)
        if not form.is_valid():
            return self.page(quote_request, send_form=form)
        data = form.cleaned_data
        try:
            quote = quote_send(
                request=quote_request,
                lines=form.lines(),
                delivery_price=data["delivery_price"],
                valid_until=data["valid_until"],
                payment_terms=data["payment_terms"],
                message=data["message"],
                by=request.user,
            )
        except TransitionRefused:
            # Another staff member sent a version meanwhile.
            quote_request.refresh_from_db()
            return self.moved(quote_request)
        except RequestRefused as refusal:
            for message in refused_messages(refusal):
                form.add_error(None, message)
            return self.page(quote_request, send_form=form)
        messages.success(
            request,
            _("Version %(version)s of the quote sent to %(company)s.")
            % {"version": quote.version, "company": quote_request.company.name},
        )
        return redirect("dashboard:wholesale-quote", pk=quote_request.pk)


class QuoteMessageView(QuoteRequestMixin, View):
    """Write to the buyer in the request's thread (they are emailed)."""

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        form = MessageForm(request.POST)
        if not form.is_valid():
            return self.page(quote_request, message_form=form)
        try:
            request_message_post(
                request=quote_request,
                author=request.user,
                body=form.cleaned_data["body"],
                from_office=True,
            )
        except Refused as refusal:
            for message in refused_messages(refusal):
                form.add_error("body", message)
            return self.page(quote_request, message_form=form)
        messages.success(request, _("Message sent to the buyer."))
        return redirect("dashboard:wholesale-quote", pk=quote_request.pk)


class QuoteAttachmentView(QuoteRequestMixin, View):
    """Download the buyer's attachment."""

    def get(self, request, *args, **kwargs):
        return attachment_response(self.quote_request_get())


urlpatterns = [
    path("quotes/", QuoteListView.as_view(), name="wholesale-quotes"),
    path("quotes/<int:pk>/", QuoteDetailView.as_view(), name="wholesale-quote"),
    path(
        "quotes/<int:pk>/message/",
        QuoteMessageView.as_view(),
        name="wholesale-quote-message",
    ),
    path(
        "quotes/<int:pk>/attachment/",
        QuoteAttachmentView.as_view(),
        name="wholesale-quote-attachment",
    ),
]
