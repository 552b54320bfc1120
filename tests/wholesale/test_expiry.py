"""Quotes expire after their last valid day (daily command and task); buyers
are reminded once, three days before."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from shop.wholesale.models import PaymentTerms, QuoteStatus
from shop.wholesale.services.orders import (
    OrderRefused,
    expiry_reminders_send,
    quote_accept,
    quotes_expire,
)
from shop.wholesale.services.quotes import quote_revision_request, quote_send
from shop.wholesale.tasks import quotes_expire_task
from tests.factories import ProductFactory
from tests.wholesale.journey import quote_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def days(n: int) -> datetime.date:
    """n days after today, read when the test runs: a date taken at import
    is yesterday's for a suite that crosses midnight."""
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def argan(db):
    return ProductFactory(title="Huile d'argane cosmétique 100 ml", hs_code="151590")


@pytest.fixture
def quoted(chain, buyer, office, argan):
    """A quote valid for 7 days: its last valid day is days(7)."""
    request, quote = quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 10, "60.00")],
        valid_days=7,
    )
    return request, quote


def test_quotes_expire_the_day_after_their_last_valid_day(quoted, chain, buyer):
    """On its last valid day a quote stays open; the next day the run expires
    it (recorded, by nobody), and it can no longer be accepted."""
    request, _quote = quoted
    assert quotes_expire(today=days(7)) == 0
    request.refresh_from_db()
    assert request.status == QuoteStatus.QUOTED

    assert quotes_expire(today=days(8)) == 1
    request.refresh_from_db()
    assert request.status == QuoteStatus.EXPIRED
    change = request.status_changes.last()
    assert (change.from_status, change.to_status, change.by) == (
        "quoted",
        "expired",
        None,
    )
    assert quotes_expire(today=days(8)) == 0

    with pytest.raises(OrderRefused, match="expired on .* ask us for a new one"):
        quote_accept(request=request, by=buyer)


def test_only_open_quotes_expire(quoted, buyer, office, chain, argan):
    """An ordered quote is left alone, and so is a request whose newest
    version is still valid when the first version's date has passed."""
    ordered, _quote = quoted
    quote_accept(request=ordered, by=buyer)
    revised, _first = quote_for(
        company=chain, buyer=buyer, office=office, lines=[(argan, 2, "60.00")]
    )
    quote_revision_request(request=revised, message="Un meilleur prix ?", by=buyer)
    quote_send(
        request=revised,
        lines=[(line, line.packs, Decimal("55.00")) for line in revised.lines.all()],
        delivery_price=Decimal("350.00"),
        valid_until=days(40),
        payment_terms=PaymentTerms.PREPAID,
        message="",
        by=office,
    )
    assert quotes_expire(today=days(30)) == 0
    ordered.refresh_from_db()
    revised.refresh_from_db()
    assert (ordered.status, revised.status) == ("converted", "quoted")
    assert quotes_expire(today=days(41)) == 1


def test_the_command_expires_and_reminds(quoted, chain, buyer, office, argan):
    """`manage.py quotes_expire --date …` says what it did; a wrong date is an
    error, not a traceback."""
    quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 5, "60.00")],
        valid_days=12,
    )
    out = StringIO()
    call_command("quotes_expire", "--date", days(9).isoformat(), stdout=out)
    assert out.getvalue().strip() == (
        f"{days(9).isoformat()}: 1 quote(s) expired, 1 reminder(s) sent."
    )
    with pytest.raises(CommandError, match="--date wants YYYY-MM-DD"):
        call_command("quotes_expire", "--date", "demain")


def test_the_task_runs_for_today(quoted, django_capture_on_commit_callbacks):
    """The scheduled task (enqueued by cron) expires and reminds as of today."""
    _request, quote = quoted
    quote.valid_until = days(-1)
    quote.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = quotes_expire_task.enqueue()
    assert result.return_value == {"expired": 1, "reminded": 0}


def test_buyers_are_reminded_once_three_days_before(quoted, buyer, chain, committed):
    """Four days before nothing goes; three days before the request's buyer
    and the company's address get one email with the date and total; later
    runs send nothing more."""
    request, quote = quoted
    committed(lambda: expiry_reminders_send(today=days(3)))
    assert mail.outbox == []

    counts = []
    committed(lambda: counts.append(expiry_reminders_send(today=days(4))))
    assert counts == [1]
    (email,) = mail.outbox
    assert email.to == [buyer.email, chain.email]
    assert request.number in email.subject
    assert "950,00 MAD" in email.body.replace("\xa0", " ")  # 10 × 60.00 + 350.00
    assert f"/fr/wholesale/requests/{request.pk}/" in email.body
    quote.refresh_from_db()
    assert quote.expiry_reminded_at is not None

    committed(lambda: counts.append(expiry_reminders_send(today=days(5))))
    committed(lambda: counts.append(expiry_reminders_send(today=days(7))))
    assert counts == [1, 0, 0]
    assert len(mail.outbox) == 1


def test_reminders_are_in_the_companys_language(quoted, chain, committed):
    chain.language = "en"
    chain.save()
    committed(lambda: expiry_reminders_send(today=days(5)))
    (email,) = mail.outbox
    assert email.extra_headers["Content-Language"] == "en"
    assert "is valid until" in email.subject
    assert "MAD950.00" in email.body
    assert "/en/wholesale/requests/" in email.body


def test_a_quote_sent_with_little_time_left_is_reminded_at_once(
    chain, buyer, office, argan, committed
):
    quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 1, "60.00")],
        valid_days=2,
    )
    counts = []
    committed(lambda: counts.append(expiry_reminders_send(today=days(0))))
    assert counts == [1]


def test_answered_and_expired_quotes_get_no_reminder(quoted, buyer, committed):
    request, _quote = quoted
    quote_accept(request=request, by=buyer)
    counts = []
    committed(lambda: counts.append(expiry_reminders_send(today=days(5))))
    assert counts == [0]
    assert not [m for m in mail.outbox if "valid until" in m.subject]
