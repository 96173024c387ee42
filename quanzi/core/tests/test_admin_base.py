"""run_for_each: an admin action runs a service per row in pk order; a refused row gets its message, the rest go on."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from quanzi.core.admin_base import run_for_each
from quanzi.core.errors import Conflict


class _Admin:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def message_user(self, request: Any, message: str, level: Any) -> None:
        self.messages.append(message)


def test_refused_rows_are_reported_and_the_others_run_in_pk_order() -> None:
    rows = [SimpleNamespace(pk=pk) for pk in (3, 1, 2)]
    seen: list[int] = []

    def call(row: Any) -> None:
        if row.pk == 2:
            raise Conflict("campaign_ended", "活动已结束")
        seen.append(row.pk)

    admin = _Admin()
    assert run_for_each(admin, None, rows, call) == 2  # type: ignore[arg-type]
    assert seen == [1, 3]
    assert len(admin.messages) == 1 and admin.messages[0].endswith("活动已结束")


def test_money_is_typed_and_shown_in_yuan() -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from quanzi.core.admin_base import YuanField, yuan_label

    field = YuanField(required=False)
    assert field.prepare_value(1280) == "12.80" and field.prepare_value("12.8") == "12.8"
    assert field.clean("12.8") == 1280 and field.clean("¥0.05") == 5 and field.clean("") is None
    assert field.clean("-3") == -300  # a signed ledger amount; the model field's own validators still apply
    for bad in ("12.345", "abc", "1,000"):
        with pytest.raises(ValidationError):
            field.clean(bad)
    assert not field.has_changed(1280, "12.80") and field.has_changed(1280, "12.81")
    assert yuan_label("价格（分）") == "价格（元）" and yuan_label("金额（分，退款为负）") == "金额（元，退款为负）"
    assert yuan_label("Price (fen)") == "Price (yuan)"


def test_specs_are_typed_and_shown_as_text() -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from quanzi.core.admin_base import SpecField, spec_text

    assert spec_text({"颜色": "红", "尺码": "M"}) == "颜色：红 / 尺码：M"
    field = SpecField(required=False)
    assert field.prepare_value({"颜色": "红"}) == "颜色：红"
    assert field.clean("颜色：红 / 尺码: M") == {"颜色": "红", "尺码": "M"} and field.clean("") == {}
    with pytest.raises(ValidationError):
        field.clean("红色")


def test_audit_rows_show_the_label_of_the_status_they_name() -> None:
    from quanzi.core.admin_base import display_value
    from quanzi.orders.models import Order, OrderStatusChange

    to_status = OrderStatusChange._meta.get_field("to_status")
    assert display_value("pending_payment", to_status) == "待付款"
    assert display_value(12280, Order._meta.get_field("payable_fen")) == "¥122.80"
    assert display_value("x", Order._meta.get_field("number")) is None  # everything else: Django's own way
