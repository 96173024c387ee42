"""Excel exports of group-buys (openpyxl): the campaigns with their figures, and one campaign's groups and members.
Amounts in integer fen (exact) and in yuan (Decimal) for reading; every row goes through `core.exports.safe_row`
(a product title like `=HYPERLINK(...)` stays text)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from quanzi.core.exports import safe_row
from quanzi.growth.groupbuy import rules, selectors
from quanzi.growth.groupbuy.enums import CampaignPhase, CloseReason, GroupStatus, MemberRole, MemberStatus
from quanzi.growth.groupbuy.models import GroupBuyCampaign

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN_FORMAT = "#,##0.00"


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen).scaleb(-2)


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _sheet(ws: Worksheet, header: list[str], rows: Iterable[list[object]], yuan_columns: tuple[int, ...] = (),
           widths: tuple[int, ...] = ()) -> int:
    ws.append(safe_row(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for row in rows:
        ws.append(safe_row(row))
        for col in yuan_columns:
            ws.cell(row=ws.max_row, column=col).number_format = YUAN_FORMAT
        n += 1
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    return n


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def campaigns_xlsx(campaigns: list[GroupBuyCampaign]) -> bytes:
    now = timezone.now()
    figures = selectors.campaign_figures(campaign_ids=[c.pk for c in campaigns])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("拼团活动")
    header = [_("活动ID"), _("活动名称"), _("商品"), _("规格"), _("商家"), _("状态"), _("成团人数"), _("拼团价（分）"),
              _("团长价（分）"), _("开始时间"), _("结束时间"), _("进行中的团"), _("已成团"), _("未成团"),
              _("成团人次"), _("售出件数"), _("成交额（分）"), _("拼团价（元）"), _("成交额（元）")]

    def rows() -> Iterable[list[object]]:
        for c in campaigns:
            f = figures[c.pk]
            spec = " ".join(f"{k}:{v}" for k, v in (c.sku.spec or {}).items())
            yield [c.pk, c.title, c.product.title, spec, c.merchant.business_name,
                   str(CampaignPhase(rules.campaign_phase(c, now)).label), c.group_size, c.group_price_fen,
                   c.leader_price_fen, _time(c.starts_at), _time(c.ends_at), f.groups_open, f.groups_succeeded,
                   f.groups_failed, f.members_paid, f.units_sold, f.gmv_fen, _yuan(c.group_price_fen),
                   _yuan(f.gmv_fen)]

    _sheet(ws, header, rows(), yuan_columns=(18, 19), widths=(8, 24, 24, 14, 18, 10, 8))
    return _save(wb)


def campaign_xlsx(campaign: GroupBuyCampaign) -> tuple[bytes, int]:
    """The campaign's groups (one row each) and members (one row per order). Returns (xlsx, member rows)."""
    now = timezone.now()
    wb = Workbook()
    groups_ws = wb.active
    assert groups_ws is not None
    groups_ws.title = _("拼团")
    groups = list(selectors.groups_of_campaign(campaign=campaign))
    _sheet(groups_ws, [_("团ID"), _("团长"), _("状态"), _("结束原因"), _("成团人数"), _("已付款"), _("已占名额"),
                       _("开团时间"), _("截止时间"), _("结束时间")],
           ([g.pk, g.leader.nickname, str(GroupStatus(rules.group_status_now(g, now)).label),
             str(CloseReason(g.close_reason).label) if g.close_reason else "", g.size, g.paid_count, g.taken_count,
             _time(g.opened_at), _time(g.deadline), _time(g.closed_at)] for g in groups),
           widths=(8, 16, 10, 24, 8, 8, 8, 20, 20, 20))
    members_ws = wb.create_sheet(_("成员"))
    members = selectors.members_for_export(campaign=campaign)
    count = _sheet(members_ws, [_("团ID"), _("用户"), _("身份"), _("订单号"), _("件数"), _("成交单价（分）"),
                                _("状态"), _("参团时间"), _("支付时间"), _("退款单号"), _("成交单价（元）")],
                   ([m.group_id, m.user.nickname, str(MemberRole(m.role).label), m.order_number,  # type: ignore[attr-defined]
                     m.quantity, m.unit_price_fen, str(MemberStatus(m.status).label), _time(m.joined_at),
                     _time(m.paid_at), m.refund_no, _yuan(m.unit_price_fen)] for m in members),
                   yuan_columns=(11,), widths=(8, 16, 8, 24, 6, 12, 16, 20, 20, 14))
    return _save(wb), count
