"""Columns by subscription: a paid month opens the column, a renewal extends from the current expiry, access ends
at the expiry, the subscriber is reminded once before it ends and told when it ended (the jobs), and a refund ends
the term at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanzi.accounts.models import Notification
from quanzi.paidcontent import selectors, services
from quanzi.paidcontent.enums import ItemKind, Period, TermStatus
from quanzi.paidcontent.models import ColumnTerm
from quanzi.paidcontent.tests.helpers import buy_and_pay, column, refund, world

pytestmark = pytest.mark.django_db(transaction=True)


def test_renewal_extends_from_expiry_then_access_ends_with_reminder_and_expiry_jobs() -> None:
    w = world()
    col = column(w)
    reader = w["reader"]
    article = col.articles.get()
    api = Client()
    api.force_login(reader)
    assert api.get(f"/api/v1/paid/articles/{article.pk}").status_code == 403

    buy_and_pay(reader, ItemKind.COLUMN, col.pk, Period.MONTH)
    first = ColumnTerm.objects.get()
    assert (first.ends_at - first.starts_at).days == 31
    assert api.get(f"/api/v1/paid/articles/{article.pk}").json()["body"] == "换季先补水。"
    buy_and_pay(reader, ItemKind.COLUMN, col.pk, Period.MONTH)  # renewal: stacked after the first
    second = ColumnTerm.objects.exclude(pk=first.pk).get()
    assert second.starts_at == first.ends_at
    assert selectors.column_until(user_id=reader.pk, column_id=col.pk) == second.ends_at
    assert api.get(f"/api/v1/paid/columns/{col.pk}").json()["until"] is not None

    # two days before the end of the chain: one reminder (for the last term only), not twice
    near = second.ends_at - dt.timedelta(days=2)
    assert services.terms_remind_due(now=near) == 1
    assert services.terms_remind_due(now=near) == 0
    assert Notification.objects.filter(recipient=reader, message_id="notify.paid_column_expiring").count() == 1

    # after the end: locked again, the expiry job closes both terms and tells the subscriber once
    later = second.ends_at + dt.timedelta(minutes=1)
    ColumnTerm.objects.update(starts_at=timezone.now() - dt.timedelta(days=70),
                              ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert not selectors.check_access(reader, col).allowed
    r = api.get(f"/api/v1/paid/articles/{article.pk}")
    assert r.status_code == 403 and r.json()["code"] == "paid_content_locked"
    assert services.terms_expire_due(now=later) == 2
    assert services.terms_expire_due(now=later) == 0
    assert set(ColumnTerm.objects.values_list("status", flat=True)) == {TermStatus.EXPIRED}
    assert Notification.objects.filter(recipient=reader, message_id="notify.paid_column_expired").count() >= 1


def test_refund_ends_the_column_term_now() -> None:
    w = world()
    col = column(w)
    order = buy_and_pay(w["reader"], ItemKind.COLUMN, col.pk, Period.YEAR)
    assert selectors.check_access(w["reader"], col).allowed
    refund(order)
    term = ColumnTerm.objects.get()
    assert term.status == TermStatus.REFUNDED and term.ends_at <= timezone.now()
    assert not selectors.check_access(w["reader"], col).allowed
    assert "第 1 期" in Client().get(f"/paid/columns/{col.pk}/").content.decode()  # the list of titles is public
