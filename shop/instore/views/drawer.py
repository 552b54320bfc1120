"""The cash drawer (open, cash in and out, close) and end-of-day reports.

Actions are POSTs that redirect back to the drawer (a reload never repeats
them); input a form refuses renders the page again with the reason, status 400.
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from oscar.templatetags.currency_filters import currency

from shop.csv_export import csv_writer
from shop.instore import reports
from shop.instore.access import CLOSE_DRAWER
from shop.instore.models import DrawerSession
from shop.instore.services import drawer as services
from shop.instore.services.drawer import DrawerRefused
from shop.instore.views.base import CounterMixin, Section


def _amount(label, *, min_value: str):
    # Localised: French staff type "50,00", a keypad may send "50.00".
    return forms.DecimalField(
        label=label,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(min_value),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class OpenForm(forms.Form):
    opening_float = _amount(gettext_lazy("Opening float"), min_value="0.00")


class CashForm(forms.Form):
    amount = _amount(gettext_lazy("Amount"), min_value="0.01")
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class CloseForm(forms.Form):
    counted_cash = _amount(gettext_lazy("Cash counted in the drawer"), min_value="0.00")
    note = forms.CharField(
        label=gettext_lazy("Note (explain a difference)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DayForm(forms.Form):
    # A date picker sends and shows ISO dates, whatever the page's language.
    day = forms.DateField(
        label=gettext_lazy("Day"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose a day up to today."))
        return day


def _focus(form: forms.Form) -> forms.Form:
    """Put the cursor in the first field refused, else the first field:
    staff type the amount straight away (keyboard first)."""
    name = next((n for n in form.fields if n in form.errors), next(iter(form.fields)))
    form.fields[name].widget.attrs["autofocus"] = True
    return form


def _money(amount: Decimal) -> str:
    return currency(amount, settings.OSCAR_DEFAULT_CURRENCY)


class DrawerView(CounterMixin, TemplateView):
    """The open session with its movements and expected cash, and past sessions."""

    template_name = "instore/drawer.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["overview"] = overview = reports.drawer_overview_get(store=self.store)
        ctx["can_close"] = self.request.user.has_perm(CLOSE_DRAWER)
        ctx.setdefault("open_form", OpenForm())
        ctx.setdefault("cash_in_form", CashForm(prefix="in"))
        ctx.setdefault("cash_out_form", CashForm(prefix="out"))
        refused = [
            form
            for form in (ctx["open_form"], ctx["cash_in_form"], ctx["cash_out_form"])
            if form.errors
        ]
        if refused:
            _focus(refused[0])
        elif overview.current is None:
            _focus(ctx["open_form"])
        return ctx

    def back(self):
        return redirect("instore:drawer", store=self.store.code)

    def refused(self, **forms_as_typed):
        return self.render_to_response(
            self.get_context_data(**forms_as_typed), status=400
        )


class DrawerOpenView(DrawerView):
    def get(self, request, *args, **kwargs):
        return self.back()

    def post(self, request, *args, **kwargs):
        form = OpenForm(request.POST)
        if not form.is_valid():
            return self.refused(open_form=form)
        try:
            services.drawer_session_open(
                store=self.store,
                opening_float=form.cleaned_data["opening_float"],
                by=request.user,
            )
        except DrawerRefused as refusal:
            messages.error(request, str(refusal))
            return self.back()
        messages.success(
            request,
            _("Drawer opened with a float of %(amount)s.")
            % {"amount": _money(form.cleaned_data["opening_float"])},
        )
        return self.back()


class DrawerCashView(DrawerView):
    """Cash in (`direction="in"`) or out of the open drawer, with its reason."""

    direction = "in"

    def get(self, request, *args, **kwargs):
        return self.back()

    def post(self, request, *args, **kwargs):
        form = CashForm(request.POST, prefix=self.direction)
        name = f"cash_{self.direction}_form"
        if not form.is_valid():
            return self.refused(**{name: form})
        session = services.drawer_session_current(store=self.store)
        if session is None:
            messages.error(request, _("The drawer is closed: open it first."))
            return self.back()
        record = (
            services.drawer_cash_in
            if self.direction == "in"
            else services.drawer_cash_out
        )
        try:
            movement = record(session=session, by=request.user, **form.cleaned_data)
        except DrawerRefused as refusal:
            form.add_error(None, str(refusal))
            return self.refused(**{name: form})
        messages.success(
            request,
            _("%(kind)s of %(amount)s recorded: %(reason)s.")
            % {
                "kind": movement.get_kind_display(),
                "amount": _money(movement.amount),
                "reason": movement.reason,
            },
        )
        return self.back()


class StoreSessionMixin:
    """A drawer session of the URL's store (another store's is not found)."""

    def session_get(self) -> DrawerSession:
        return get_object_or_404(
            DrawerSession.objects.select_related("store", "closed_by"),
            pk=self.kwargs["session"],
            store=self.store,
        )


class DrawerCloseView(StoreSessionMixin, CounterMixin, TemplateView):
    """Count the drawer and close it: managers and office staff only."""

    template_name = "instore/drawer_close.html"
    permission = CLOSE_DRAWER

    def get(self, request, *args, **kwargs):
        self.session = self.session_get()
        if self.session.status != DrawerSession.Status.OPEN:
            messages.info(request, _("This drawer session is already closed."))
            return self._report()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["session"] = self.session
        ctx["expected_cash"] = services.drawer_cash_expected(session=self.session)
        ctx["form"] = _focus(ctx.get("form") or CloseForm())
        return ctx

    def post(self, request, *args, **kwargs):
        self.session = self.session_get()
        form = CloseForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            closed = services.drawer_session_close(
                session=self.session,
                counted_cash=form.cleaned_data["counted_cash"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DrawerRefused as refusal:
            # Closing twice (a double tap, two managers): the first count stays.
            messages.error(request, str(refusal))
            return self._report()
        messages.success(
            request,
            _(
                "Drawer closed. Expected %(expected)s, counted %(counted)s, "
                "variance %(variance)s."
            )
            % {
                "expected": _money(closed.expected_cash),
                "counted": _money(closed.counted_cash),
                "variance": _money(closed.variance),
            },
        )
        return self._report()

    def _report(self):
        return redirect(
            "instore:drawer-report", store=self.store.code, session=self.session.pk
        )


class SessionReportView(StoreSessionMixin, CounterMixin, TemplateView):
    """A drawer session's report: what was sold and refunded, and its cash."""

    template_name = "instore/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = reports.session_report_get(session=self.session_get())
        return ctx


class DayReportView(CounterMixin, TemplateView):
    """The store's day: pick a day (today by default) or one of its sessions."""

    template_name = "instore/report.html"

    def get(self, request, *args, **kwargs):
        data = request.GET if "day" in request.GET else None
        form = DayForm(data, initial={"day": timezone.localdate()})
        if data is not None and not form.is_valid():
            return self.render_to_response(
                self.get_context_data(day_form=form), status=400
            )
        day = form.cleaned_data["day"] if data is not None else timezone.localdate()
        report = reports.day_report_get(store=self.store, day=day)
        return self.render_to_response(
            self.get_context_data(
                day_form=form,
                report=report,
                previous_day=day - datetime.timedelta(days=1),
                next_day=(
                    day + datetime.timedelta(days=1)
                    if day < timezone.localdate()
                    else None
                ),
            )
        )


class SessionReportCsvView(StoreSessionMixin, CounterMixin, View):
    def get(self, request, *args, **kwargs):
        session = self.session_get()
        report = reports.session_report_get(session=session)
        return _csv_response(report, f"{self.store.code}-drawer-{session.pk}.csv")


class DayReportCsvView(CounterMixin, View):
    def get(self, request, *args, **kwargs):
        try:
            day = datetime.date.fromisoformat(kwargs["day"])
        except ValueError:
            raise Http404 from None
        report = reports.day_report_get(store=self.store, day=day)
        return _csv_response(report, f"{self.store.code}-{day.isoformat()}.csv")


# CSV: blocks of rows (title, header, rows, blank line) a spreadsheet shows
# as they are; amounts in plain decimals (1234.50) for sums and imports.


def _text(value) -> str:
    """A cell of typed text, defused: a spreadsheet runs cells starting with
    "=", "+", "-" or "@" as formulas (a reason typed as "=HYPERLINK(…)")."""
    value = str(value or "")
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _num(amount) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _csv_rows(report: reports.Report) -> list[list[str]]:
    if report.session is not None:
        period = _("Drawer session %(number)s, %(start)s – %(end)s") % {
            "number": report.session.pk,
            "start": _when(report.session.opened_at),
            "end": _when(report.session.closed_at) or _("still open"),
        }
    else:
        period = report.day.isoformat()
    rows = [[_("Report"), _text(report.store.name), period], []]
    rows += [
        [_("Summary"), _("Count"), _("Amount")],
        [_("Orders"), str(report.orders_count), _num(report.orders_total)],
        [_("Returns"), str(report.returns_count), _num(report.returns_total)],
        [_("Net sales"), "", _num(report.net_total)],
        [_("Discounts"), str(len(report.discounts)), _num(report.discounts_total)],
        [_("Items sold"), str(report.items_count), ""],
        [_("Cash in"), "", _num(report.cash_in_total)],
        [_("Cash out"), "", _num(report.cash_out_total)],
        [_("Cash expected"), "", _num(report.cash_expected)],
        [_("Cash counted"), "", _num(report.cash_counted)],
        [_("Variance"), "", _num(report.variance)],
        [],
        [_("Payment method"), _("Count"), _("Amount")],
        *([t.label, str(t.count), _num(t.amount)] for t in report.payments),
        [],
        [_("Refund method"), _("Count"), _("Amount")],
        *([t.label, str(t.count), _num(t.amount)] for t in report.returns_by_method),
        [],
        [_("Product"), _("Quantity"), _("Revenue")],
        *([_text(i.title), str(i.quantity), _num(i.revenue)] for i in report.items),
        [],
        [_("Receipt"), _("Order"), _("Time"), _("Total"), _("Cash"), _("Card")],
        *(
            [s.receipt_number, s.order_number, _when(s.placed_at), _num(s.total)]
            + [_num(s.cash), _num(s.card)]
            for s in report.sales
        ),
        [],
        [_("Discount on"), _("Receipt"), "%", _("Reason"), _("By"), _("Amount")],
        *(
            [_text(d.title), d.receipt_number, f"{d.percent:.2f}", _text(d.reason)]
            + [_text(d.granted_by), _num(d.amount)]
            for d in report.discounts
        ),
        [],
        [_("Return"), _("Order"), _("Time"), _("Refund method"), _("Amount")],
        *(
            [r.receipt_number, r.order_number, _when(r.created)]
            + [r.refund_method_label, _num(r.amount)]
            for r in report.returns
        ),
        [],
        [_("Cash in and out"), _("Time"), _("Reason"), _("By"), _("Amount")],
        *(
            [m.kind_label, _when(m.recorded_at), _text(m.reason)]
            + [_text(m.recorded_by), _num(m.signed_amount)]
            for m in report.cash_movements
        ),
        [],
        [_("Drawer session"), _("Opened"), _("Closed"), _("Opening float")]
        + [_("Cash expected"), _("Cash counted"), _("Variance")],
        *(
            [str(s.pk), _when(s.opened_at), _when(s.closed_at)]
            + [_num(s.opening_float), _num(s.expected_cash)]
            + [_num(s.counted_cash), _num(s.variance)]
            for s in report.sessions
        ),
    ]
    return rows


def _csv_response(report: reports.Report, filename: str) -> HttpResponse:
    # A byte order mark: spreadsheet programs then read Arabic and accents as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv_writer(response).writerows(_csv_rows(report))
    return response


urlpatterns = [
    path("drawer/", DrawerView.as_view(), name="drawer"),
    path("drawer/open/", DrawerOpenView.as_view(), name="drawer-open"),
    path(
        "drawer/cash-in/", DrawerCashView.as_view(direction="in"), name="drawer-cash-in"
    ),
    path(
        "drawer/cash-out/",
        DrawerCashView.as_view(direction="out"),
        name="drawer-cash-out",
    ),
    path("drawer/<int:session>/close/", DrawerCloseView.as_view(), name="drawer-close"),
    path(
        "drawer/<int:session>/report/",
        SessionReportView.as_view(),
        name="drawer-report",
    ),
    path(
        "drawer/<int:session>/report.csv",
        SessionReportCsvView.as_view(),
        name="drawer-report-csv",
    ),
    path("reports/", DayReportView.as_view(), name="reports"),
    re_path(
        r"^reports/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})\.csv$",
        DayReportCsvView.as_view(),
        name="reports-csv",
    ),
]

sections = [
    Section("instore:drawer", gettext_lazy("Cash drawer")),
    Section("instore:reports", gettext_lazy("Reports")),
]
