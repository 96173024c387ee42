"""Excel exports of the coupon desk (openpyxl): coupon templates with their numbers, and redemptions (which order a
coupon paid for, how much, whether it came back). Amounts as integer fen (exact) and as yuan (Decimal) for
reading; every row goes through `core.exports.safe_row`, so a coupon named `=HYPERLINK(...)` stays text."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.exports import xlsx_book
from quanzi.growth.coupons import display

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def filename(what: str, owner: int | str = "all") -> str:
    return f"coupons-{what}-{owner}-{timezone.localdate():%Y%m%d}.xlsx"


def templates_xlsx(templates: Iterable[Any]) -> bytes:
    header = [_("ID"), _("名称"), _("类型"), _("面额"), _("使用条件"), _("适用范围"), _("发放方式"), _("状态"),
              _("发行总量"), _("已发放"), _("已使用"), _("核销订单数"), _("优惠金额（分）"), _("优惠金额（元）"),
              _("开始领取"), _("停止领取"), _("有效期")]
    rows = ([t.pk, t.name, t.get_kind_display(), display.value_text(t), display.condition_text(t),
             display.scope_text(t), t.get_claim_mode_display(), t.get_status_display(),
             t.total_quota if t.total_quota is not None else _("不限"), t.claimed_count, t.used_count,
             getattr(t, "order_count", 0), getattr(t, "discount_total_fen", 0),
             _yuan(getattr(t, "discount_total_fen", 0)), _time(t.claim_starts_at), _time(t.claim_ends_at),
             display.validity_text(t)] for t in templates)
    return xlsx_book(_("优惠券"), header, rows, yuan_columns=(14,), widths={"B": 28})


def redemptions_xlsx(redemptions: Iterable[Any]) -> bytes:
    header = [_("核销时间"), _("优惠券"), _("券ID"), _("会员ID"), _("会员"), _("订单号"), _("订单实付（分）"),
              _("优惠金额（分）"), _("优惠金额（元）"), _("状态"), _("退回原因"), _("退回时间")]
    rows = ([_time(r.created_at), r.coupon.template.name, r.coupon_id, r.coupon.user_id, r.coupon.user.nickname,
             r.order.number, r.order.payable_fen, r.amount_fen, _yuan(r.amount_fen), r.get_status_display(),
             r.get_void_reason_display(), _time(r.voided_at)] for r in redemptions)
    return xlsx_book(_("核销明细"), header, rows, yuan_columns=(9,), widths={"B": 28})
