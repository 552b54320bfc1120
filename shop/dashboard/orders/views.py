"""Overrides oscar.apps.dashboard.orders.views: cancelling is one service, and
staff see where an order comes from.

Oscar's status change only writes the status: "Cancelled" left the stock
allocated and the card payment held or captured. Here "Cancelled" (from the
order page or the list) goes through shop.payments.services.order_cancel,
which releases the stock and cancels or refunds the card payment; its refusal
is what staff read. Lines are not cancelled one by one (no partial release or
refund behind it): the line dropdown no longer offers it.

The list filters by channel and store, and the order page shows the origin
(shop.sales.models.OrderOrigin).

Every change staff make here (statuses, events, notes, the delivery address)
is recorded in the audit trail (shop.audit) in the transaction that makes it;
office staff read it in the page's History tab.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.apps.dashboard.orders import views
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from shop.audit.models import Action, Source
from shop.audit.selectors import audit_entries_for_order, audit_trail_visible
from shop.audit.services import Actor, audit_order_status, audit_record
from shop.csv_export import csv_cell
from shop.dashboard.orders.forms import OrderSearchForm
from shop.payments.services import CANCELLED, PaymentActionRefused, order_cancel
from shop.sales.models import OrderOrigin
from shop.sales.services import (
    ConfirmationRefused,
    confirmation_refusal,
    confirmation_resend,
)

OrderNote = get_model("order", "OrderNote")


def _actor(request) -> Actor:
    return Actor(request.user, Source.DASHBOARD)


def _may_change(user) -> bool:
    # Cancelling, sending the confirmation again: the same rights as the
    # payment actions (shop.payments.dashboard).
    return user.is_staff and user.has_perm("order.change_order")


def _cancel(request, order) -> None:
    """Cancel an order through the payments service and tell staff the outcome."""
    if not _may_change(request.user):
        raise PermissionDenied
    old_status = order.status
    try:
        order_cancel(order=order, actor=_actor(request))
    except PaymentActionRefused as refusal:
        messages.error(
            request,
            _("Order %(number)s: %(reason)s")
            % {"number": order.number, "reason": refusal},
        )
        return
    except PaymentError as error:
        messages.error(
            request,
            _("Order %(number)s: Stripe refused the request: %(error)s")
            % {"number": order.number, "error": error},
        )
        return
    messages.success(
        request,
        _("Order %(number)s cancelled, stock released.") % {"number": order.number},
    )
    order.notes.create(
        user=request.user,
        note_type=OrderNote.SYSTEM,
        message=_("Order status changed from '%(old_status)s' to '%(new_status)s'")
        % {"old_status": old_status, "new_status": CANCELLED},
    )


def _statuses_offered(statuses, user) -> list[str]:
    return [s for s in statuses if s != CANCELLED or _may_change(user)]


class OrderListView(views.OrderListView):
    form_class = OrderSearchForm
    CSV_COLUMNS = {
        **views.OrderListView.CSV_COLUMNS,
        "channel": gettext_lazy("Channel"),
        "store": gettext_lazy("Store"),
    }

    def get_queryset(self):
        self.base_queryset = self.base_queryset.select_related(
            "origin", "origin__store"
        )
        queryset = super().get_queryset()
        if not self.form.is_valid():
            return queryset
        data = self.form.cleaned_data
        if data["channel"]:
            queryset = queryset.filter(origin__channel=data["channel"])
        if data["store"]:
            queryset = queryset.filter(origin__store=data["store"])
        return queryset

    def get_search_filter_descriptions(self):
        descriptions = super().get_search_filter_descriptions()
        data = getattr(self.form, "cleaned_data", None) or {}
        if data.get("channel"):
            descriptions.append(
                _("Channel is %(channel)s")
                % {
                    "channel": dict(self.form.fields["channel"].choices)[
                        data["channel"]
                    ]
                }
            )
        if data.get("store"):
            descriptions.append(_("Store is %(store)s") % {"store": data["store"].name})
        return descriptions

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order_statuses"] = _statuses_offered(
            ctx["order_statuses"], self.request.user
        )
        return ctx

    def get_row_values(self, order):
        row = super().get_row_values(order)
        origin = _origin_of(order)
        if origin is not None:
            row["channel"] = origin.get_channel_display()
            row["store"] = origin.store.name if origin.store else ""
        # Oscar writes the rows of the CSV download from these values.
        return {column: csv_cell(value) for column, value in row.items()}

    def change_order_status(self, request, order):
        new_status = request.POST.get("new_status", "").strip()
        if new_status == CANCELLED and new_status in order.available_statuses():
            _cancel(request, order)
            return
        if "new_status" not in request.POST:
            messages.error(request, _("Choose the new status."))
            return
        with transaction.atomic():
            status = order.status
            super().change_order_status(request, order)
            audit_order_status(order=order, before=status, actor=_actor(request))


def _origin_of(order) -> OrderOrigin | None:
    try:
        return order.origin
    except OrderOrigin.DoesNotExist:
        return None


def _event_audit(request, action, event, values: dict, line_quantities) -> None:
    audit_record(
        action=action,
        actor=_actor(request),
        obj=event,
        order=event.order,
        label=event.event_type.name,
        after={
            "event": event.event_type.name,
            **values,
            "lines": {line.title: quantity for line, quantity in line_quantities},
        },
    )


class OrderDetailView(views.OrderDetailView):
    order_actions = (*views.OrderDetailView.order_actions, "confirmation_send_again")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["origin"] = origin = (
            OrderOrigin.objects.select_related("store", "placed_by", "agent")
            .filter(order=self.object)
            .first()
        )
        ctx["confirmation_resendable"] = (
            _may_change(self.request.user)
            and confirmation_refusal(order=self.object, origin=origin) is None
        )
        ctx["line_statuses"] = [s for s in ctx["line_statuses"] if s != CANCELLED]
        if audit_trail_visible(user=self.request.user):
            ctx["audit_entries"] = audit_entries_for_order(order=self.object)
        return ctx

    def get_order_status_form(self):
        form = super().get_order_status_form()
        field = form.fields["new_status"]
        offered = _statuses_offered(
            [value for value, _label in field.choices], self.request.user
        )
        field.choices = [
            (value, label) for value, label in field.choices if value in offered
        ]
        return form

    def change_order_status(self, request, order):
        if request.POST.get("new_status") == CANCELLED:
            if CANCELLED not in order.available_statuses():
                return self.reload_page(
                    error=_("This order can no longer be cancelled.")
                )
            _cancel(request, order)
            return self.reload_page()
        with transaction.atomic():
            status = order.status
            response = super().change_order_status(request, order)
            audit_order_status(order=order, before=status, actor=_actor(request))
        return response

    def handle_line_action(self, request, order, action):
        for line_id in request.POST.getlist("selected_line"):
            quantity = request.POST.get(f"selected_line_qty_{line_id}", "")
            # isascii(): "²" passes isdigit() but not int().
            if not (quantity.isascii() and quantity.isdigit()):
                return self.reload_page(
                    error=_("Enter the quantity of each selected line.")
                )
        return super().handle_line_action(request, order, action)

    def change_line_statuses(self, request, order, lines, quantities):
        new_status = request.POST.get("new_status", "").strip()
        if new_status == CANCELLED:
            return self.reload_page(
                error=_(
                    "Lines are not cancelled one by one: cancel the whole order "
                    "(its stock is released and its payment given back), or "
                    "refund part of a card payment."
                )
            )
        if not new_status:
            return self.reload_page(error=_("Choose the new status."))
        statuses = {line.pk: line.status for line in lines}
        with transaction.atomic():
            response = super().change_line_statuses(request, order, lines, quantities)
            for line in lines:
                if line.status != statuses[line.pk]:
                    audit_record(
                        action=Action.LINE_STATUS,
                        actor=_actor(request),
                        obj=line,
                        order=order,
                        label=line.title,
                        before={"status": statuses[line.pk]},
                        after={"status": line.status},
                    )
        return response

    def create_shipping_event(self, request, order, lines, quantities):
        if not request.POST.get("shipping_event_type"):
            return self.reload_page(error=_("Choose the shipping event type."))
        events = order.shipping_events
        with transaction.atomic():
            last = events.aggregate(last=Max("pk"))["last"] or 0
            response = super().create_shipping_event(request, order, lines, quantities)
            for event in events.filter(pk__gt=last).select_related("event_type"):
                _event_audit(
                    request,
                    Action.SHIPPING_EVENT,
                    event,
                    {"reference": event.notes},
                    zip(lines, quantities, strict=True),
                )
        return response

    def _create_payment_event(
        self, request, order, amount, lines=None, quantities=None
    ):
        # Oscar's free-form payment event, for the whole order or some lines.
        events = order.payment_events
        with transaction.atomic():
            last = events.aggregate(last=Max("pk"))["last"] or 0
            response = super()._create_payment_event(
                request, order, amount, lines, quantities
            )
            for event in events.filter(pk__gt=last).select_related("event_type"):
                _event_audit(
                    request,
                    Action.PAYMENT_EVENT,
                    event,
                    {"amount": event.amount},
                    zip(lines or (), quantities or (), strict=True),
                )
        return response

    def confirmation_send_again(self, request, order):
        """Queue the order's confirmation email again, for a customer who did
        not get it (the note says when the mail server refused it)."""
        if not _may_change(request.user):
            raise PermissionDenied
        with transaction.atomic():
            try:
                email = confirmation_resend(order=order)
            except ConfirmationRefused as refusal:
                return self.reload_page(error=str(refusal))
            audit_record(
                action=Action.CONFIRMATION_RESENT,
                actor=_actor(request),
                obj=order,
                order=order,
                label=str(order.number),
                after={"email": email},
            )
        messages.success(
            request,
            _(
                "Order %(number)s: the confirmation email will be sent again "
                "to %(email)s."
            )
            % {"number": order.number, "email": email},
        )
        return self.reload_page()

    def save_note(self, request, order):
        form = self.get_order_note_form()
        editing = form.instance.pk is not None
        # Read before validation writes the posted text onto the note.
        before = {"message": form.instance.message} if editing else {}
        if not form.is_valid():
            ctx = self.get_context_data(note_form=form, active_tab="notes")
            return self.render_to_response(ctx)
        with transaction.atomic():
            note = form.save()
            audit_record(
                action=Action.NOTE_EDITED if editing else Action.NOTE_ADDED,
                actor=_actor(request),
                obj=note,
                order=order,
                label=f"#{note.pk}",
                before=before,
                after={"message": note.message},
            )
        messages.success(request, _("Note saved"))
        return self.reload_page(fragment="notes")

    def delete_note(self, request, order):
        # Only the notes the page offers to delete: a staff member's own, for
        # five minutes (Oscar deleted any, the record of a status change too).
        note_id = request.POST.get("note_id", "")
        note = (
            order.notes.filter(pk=note_id).first()
            if note_id.isascii() and note_id.isdigit()
            else None
        )
        if note is None or not note.is_editable():
            messages.error(request, _("Note cannot be deleted"))
            return self.reload_page()
        with transaction.atomic():
            audit_record(
                action=Action.NOTE_DELETED,
                actor=_actor(request),
                obj=note,
                order=order,
                label=f"#{note.pk}",
                before={"message": note.message},
            )
            note.delete()
        messages.info(request, _("Note deleted"))
        return self.reload_page()


class ShippingAddressUpdateView(views.ShippingAddressUpdateView):
    def form_valid(self, form):
        fields = list(form.fields)
        before = _address_values(type(self.object).objects.get(pk=self.object.pk))
        with transaction.atomic():
            response = super().form_valid(form)
            after = _address_values(self.object)
            changed = [name for name in fields if before[name] != after[name]]
            if changed:
                audit_record(
                    action=Action.SHIPPING_ADDRESS,
                    actor=_actor(self.request),
                    obj=self.object,
                    order=self.object.order,
                    label=str(self.object.order.number),
                    before={name: before[name] for name in changed},
                    after={name: after[name] for name in changed},
                )
        return response


def _address_values(address) -> dict[str, str]:
    """The address as text: a country by its code, a phone number as dialled."""
    values = {}
    for field in address._meta.concrete_fields:
        value = getattr(address, field.attname)
        values[field.name] = "" if value is None else str(value)
    return values
