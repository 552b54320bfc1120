"""Buyer area: the company's requests for quote, from draft to submission,
and each request's page (lines, quote versions, thread, history)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from shop.wholesale.access import BuyerMixin
from shop.wholesale.forms.requests import (
    LineAddForm,
    LinePacksForm,
    MessageForm,
    QuoteDeclineForm,
    QuoteReviseForm,
    RequestDetailsForm,
)
from shop.wholesale.models import QuoteStatus
from shop.wholesale.services.orders import OrderRefused, request_reorder
from shop.wholesale.services.requests import (
    RequestRefused,
    request_details_set,
    request_draft_ensure,
    request_line_set,
    request_message_post,
    request_of_company_get,
    request_start,
    request_submit,
    request_thread_get,
    requests_of_company,
)
from shop.wholesale.services.states import TransitionRefused
from shop.wholesale.uploads import attachment_kind_get

S = QuoteStatus
Refused = (RequestRefused, TransitionRefused)


def refused_messages(refusal) -> list[str]:
    return getattr(refusal, "messages", None) or [str(refusal)]


class RequestPageMixin(BuyerMixin):
    """A page or action on one of the company's requests (URL kwarg `pk`);
    another company's request is a 404."""

    def quote_request_get(self):
        found = request_of_company_get(company=self.company, pk=self.kwargs["pk"])
        if found is None:
            raise Http404
        return found

    def page(self, quote_request, status=200, **forms) -> TemplateResponse:
        """The request's page, with these bound forms instead of blank ones."""
        return TemplateResponse(
            self.request,
            "wholesale/request_detail.html",
            request_page_context(
                quote_request=quote_request,
                company=self.company,
                forms=forms,
            ),
            status=status,
        )

    def refused(self, quote_request, refusal):
        for message in refused_messages(refusal):
            messages.error(self.request, message)
        return redirect("wholesale:request", pk=quote_request.pk)


def request_page_context(*, quote_request, company, forms) -> dict:
    # Imported here: the quotes module builds on this one's mixin.
    from shop.wholesale.views.quotes import quote_answer_context

    thread = request_thread_get(request=quote_request)
    ctx = {
        "company": company,
        "quote_request": quote_request,
        **thread,
        "message_form": forms.get("message_form") or MessageForm(),
    }
    if quote_request.status == S.DRAFT:
        ctx["details_form"] = forms.get(
            "details_form"
        ) or RequestDetailsForm.for_request(quote_request)
        ctx["add_form"] = forms.get("add_form") or LineAddForm()
        bound = forms.get("line_form")
        ctx["line_rows"] = [
            (
                line,
                bound
                if bound is not None and str(bound.data.get("line")) == str(line.pk)
                else LinePacksForm(
                    initial={"line": line.pk, "packs": line.packs}, line_pk=line.pk
                ),
            )
            for line in thread["lines"]
        ]
    current = thread["current_quote"]
    if quote_request.status == S.QUOTED and current is not None:
        ctx.update(
            quote_answer_context(
                quote_request=quote_request,
                quote=current,
                decline_form=forms.get("decline_form")
                or QuoteDeclineForm(initial={"version": current.version}),
                revise_form=forms.get("revise_form")
                or QuoteReviseForm(initial={"version": current.version}),
            )
        )
    return ctx


class RequestListView(BuyerMixin, ListView):
    """Every request of the company, whoever of its buyers made it."""

    template_name = "wholesale/request_list.html"
    context_object_name = "quote_requests"
    paginate_by = 20

    def get_queryset(self):
        return requests_of_company(company=self.company)


class RequestNewView(BuyerMixin, View):
    """Start a request: delivery, incoterm, notes; lines come next."""

    def get(self, request, *args, **kwargs):
        form = RequestDetailsForm(
            initial={
                "delivery_city": self.company.city,
                "delivery_country": self.company.country_id,
            }
        )
        return self.render(form)

    def render(self, form, status=200):
        return TemplateResponse(
            self.request,
            "wholesale/request_new.html",
            {"company": self.company, "form": form},
            status=status,
        )

    def post(self, request, *args, **kwargs):
        form = RequestDetailsForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        quote_request = request_start(
            company=self.company, by=request.user, **details_of(form)
        )
        messages.success(
            request,
            _("Request %(number)s started: add the products you want quoted.")
            % {"number": quote_request.number},
        )
        return redirect("wholesale:request", pk=quote_request.pk)


def details_of(form) -> dict:
    data = form.cleaned_data
    return {
        "delivery_date": data["delivery_date"],
        "delivery_city": data["delivery_city"],
        "delivery_country": data["delivery_country"],
        "incoterm": data["incoterm"],
        "notes": data["notes"],
        "attachment": data.get("attachment") or None,
        "attachment_remove": data.get("attachment_remove", False),
    }


class RequestAddView(BuyerMixin, View):
    """Add a product to the buyer's current draft (opening one), from a
    product page or the catalogue: GET shows the line to confirm, POST adds."""

    def get(self, request, *args, **kwargs):
        form = LineAddForm.from_query(request.GET)
        if form.is_bound:
            form.is_valid()
        return self.render(form)

    def render(self, form):
        return TemplateResponse(
            self.request,
            "wholesale/request_add.html",
            {"company": self.company, "form": form},
        )

    def post(self, request, *args, **kwargs):
        form = LineAddForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        product = form.cleaned_data["product_obj"]
        draft = request_draft_ensure(company=self.company, by=request.user)
        try:
            request_line_set(
                request=draft,
                product=product,
                packs=form.cleaned_data["packs"],
                by=request.user,
            )
        except Refused as refusal:
            for message in refused_messages(refusal):
                form.add_error("packs", message)
            return self.render(form)
        messages.success(
            request,
            _("%(product)s added to request %(number)s.")
            % {"product": product.get_title(), "number": draft.number},
        )
        return redirect("wholesale:request", pk=draft.pk)


class RequestView(RequestPageMixin, View):
    """A request's page; on a draft, its details and lines are changed here."""

    def get(self, request, *args, **kwargs):
        return self.page(self.quote_request_get())

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        if quote_request.status != S.DRAFT:
            messages.error(
                request,
                _("Request %(number)s was submitted: it can no longer be changed.")
                % {"number": quote_request.number},
            )
            return redirect("wholesale:request", pk=quote_request.pk)
        if "add" in request.POST:
            return self.line_add(quote_request)
        if "line" in request.POST:
            return self.line_change(quote_request)
        return self.details_save(quote_request)

    def details_save(self, quote_request):
        form = RequestDetailsForm.for_request(
            quote_request, self.request.POST, self.request.FILES
        )
        if not form.is_valid():
            return self.page(quote_request, details_form=form)
        try:
            request_details_set(
                request=quote_request, by=self.request.user, **details_of(form)
            )
        except Refused as refusal:
            return self.refused(quote_request, refusal)
        messages.success(self.request, _("Request details saved."))
        return redirect("wholesale:request", pk=quote_request.pk)

    def line_add(self, quote_request):
        form = LineAddForm(self.request.POST)
        if not form.is_valid():
            return self.page(quote_request, add_form=form)
        product = form.cleaned_data["product_obj"]
        try:
            request_line_set(
                request=quote_request,
                product=product,
                packs=form.cleaned_data["packs"],
                by=self.request.user,
            )
        except Refused as refusal:
            for message in refused_messages(refusal):
                form.add_error("packs", message)
            return self.page(quote_request, add_form=form)
        messages.success(
            self.request, _("%(product)s added.") % {"product": product.get_title()}
        )
        return redirect("wholesale:request", pk=quote_request.pk)

    def line_change(self, quote_request):
        form = LinePacksForm(self.request.POST)
        line = None
        if form.is_valid():
            line = (
                quote_request.lines.select_related("product")
                .filter(pk=form.cleaned_data["line"])
                .first()
            )
        if line is None:
            messages.error(self.request, _("This line is no longer in the request."))
            return redirect("wholesale:request", pk=quote_request.pk)
        packs = "0" if "remove" in self.request.POST else form.cleaned_data["packs"]
        try:
            request_line_set(
                request=quote_request,
                product=line.product,
                packs=packs,
                by=self.request.user,
            )
        except Refused as refusal:
            for message in refused_messages(refusal):
                form.add_error("packs", message)
            return self.page(quote_request, line_form=form)
        if packs == "0":
            messages.success(
                self.request,
                _("%(product)s removed.") % {"product": line.product.get_title()},
            )
        else:
            messages.success(self.request, _("Quantity changed."))
        return redirect("wholesale:request", pk=quote_request.pk)


class RequestSubmitView(RequestPageMixin, View):
    """Send the draft to the office, saving the details posted with it."""

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        try:
            if "delivery_city" in request.POST and quote_request.status == S.DRAFT:
                form = RequestDetailsForm.for_request(
                    quote_request, request.POST, request.FILES
                )
                if not form.is_valid():
                    return self.page(quote_request, details_form=form)
                request_details_set(
                    request=quote_request, by=request.user, **details_of(form)
                )
            request_submit(request=quote_request, by=request.user)
        except Refused as refusal:
            return self.refused(quote_request, refusal)
        messages.success(
            request,
            _(
                "Request %(number)s sent to the office: you will be emailed "
                "when the quote is ready."
            )
            % {"number": quote_request.number},
        )
        return redirect("wholesale:request", pk=quote_request.pk)


class RequestMessageView(RequestPageMixin, View):
    """Write to the office in the request's thread."""

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
                from_office=False,
            )
        except Refused as refusal:
            for message in refused_messages(refusal):
                form.add_error("body", message)
            return self.page(quote_request, message_form=form)
        messages.success(request, _("Message sent to the office."))
        return redirect("wholesale:request", pk=quote_request.pk)


def attachment_response(quote_request) -> FileResponse:
    """The request's attachment as a download (never shown inline)."""
    if not quote_request.attachment:
        raise Http404
    kind = attachment_kind_get(name=quote_request.attachment.name)
    try:
        handle = quote_request.attachment.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=quote_request.attachment_name or quote_request.attachment.name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class RequestAttachmentView(RequestPageMixin, View):
    """Download the request's attachment (every buyer of the company may)."""

    def get(self, request, *args, **kwargs):
        return attachment_response(self.quote_request_get())


def requests_home_section(*, request, company) -> dict:
    """The buyer's home: the company's latest requests and a new one."""
    return {
        "template": "wholesale/request_home_section.html",
        "quote_requests": list(requests_of_company(company=company)[:5]),
    }


home_sections = [requests_home_section]


class RequestReorderView(RequestPageMixin, View):
    """A new draft with an ordered request's lines, to send again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        quote_request = self.quote_request_get()
        if quote_request.order is None:
            raise Http404
        try:
            draft = request_reorder(order=quote_request.order, by=request.user)
        except (OrderRefused, RequestRefused) as refusal:
            return self.refused(quote_request, refusal)
        for reason in getattr(draft, "reorder_skipped", []):
            messages.warning(request, reason)
        messages.success(
            request,
            _("A new request with the same lines: check it and submit it."),
        )
        return redirect("wholesale:request", pk=draft.pk)


urlpatterns = [
    path("requests/", RequestListView.as_view(), name="requests"),
    path("requests/new/", RequestNewView.as_view(), name="request-new"),
    path("requests/add/", RequestAddView.as_view(), name="request-add"),
    path("requests/<int:pk>/", RequestView.as_view(), name="request"),
    path(
        "requests/<int:pk>/submit/", RequestSubmitView.as_view(), name="request-submit"
    ),
    path(
        "requests/<int:pk>/message/",
        RequestMessageView.as_view(),
        name="request-message",
    ),
    path(
        "requests/<int:pk>/attachment/",
        RequestAttachmentView.as_view(),
        name="request-attachment",
    ),
    path(
        "requests/<int:pk>/reorder/",
        RequestReorderView.as_view(),
        name="request-reorder",
    ),
]
