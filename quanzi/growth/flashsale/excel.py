"""Excel exports for merchants and operators (openpyxl): sessions with their items' units and GMV, and one
session's orders. Amounts in fen (exact) and yuan (Decimal); every row through `core.exports.safe_row`, so a
product title like `=HYPERLINK(...)` stays text."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from quanzi.core.events import track
from quanzi.core.exports import safe_row
from quanzi.growth.flashsale import selectors
from quanzi.growth.flashsale.enums import ReservationStatus, SessionPhase
from quanzi.growth.flashsale.models import FlashSession

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN = "#,##0.00"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _header(sheet: Any, labels: list[str]) -> None:
    sheet.append(safe_row(labels))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _stats_sheet(sheet: Any, stats: list[selectors.SessionStats]) -> int:
    _header(sheet, [_("场次ID"), _("场次"), _("商家ID"), _("开始"), _("结束"), _("状态"), _("SKU"), _("商品"),
                    _("秒杀价（分）"), _("名额"), _("待支付"), _("已支付件数"), _("已释放"), _("已退款件数"),
                    _("GMV（分）"), _("退款（分）"), _("GMV（元）")])
    rows = 0
    for s in stats:
        for i in s.items:
            sheet.append(safe_row([
                s.session.pk, s.session.title, s.session.merchant_id or "", _local(s.session.starts_at),
                _local(s.session.ends_at), str(SessionPhase(s.phase).label), i.item.sku_id, i.item.sku.product.title,
                i.item.flash_price_fen, i.item.allotment, i.units_reserved, i.units_paid + i.units_refunded,
                i.units_released, i.units_refunded, i.gmv_fen, i.refunded_fen, _yuan(i.gmv_fen)]))
            sheet.cell(row=sheet.max_row, column=17).number_format = YUAN
            rows += 1
    return rows


def sessions_xlsx(stats: list[selectors.SessionStats]) -> tuple[bytes, int]:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = _("秒杀场次")
    rows = _stats_sheet(sheet, stats)
    return _save(wb), rows


def session_xlsx(stats: selectors.SessionStats) -> tuple[bytes, int]:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = _("汇总")
    _stats_sheet(summary, [stats])
    orders = wb.create_sheet(_("订单"))
    _header(orders, [_("下单时间"), _("订单号"), _("买家ID"), _("商品"), _("数量"), _("状态"), _("商品应付（分）"),
                     _("实付（分）"), _("已退款（分）"), _("支付时间"), _("释放时间"), _("名额已退回")])
    rows = 0
    for r in selectors.reservations_of(session=stats.session):
        orders.append(safe_row([
            _local(r.created_at), r.order.number, r.user_id, r.item.sku.product.title, r.quantity,
            str(ReservationStatus(r.status).label), r.goods_fen, r.payable_fen, r.refunded_fen, _local(r.paid_at),
            _local(r.released_at), _("是") if r.returned_to_allotment else ""]))
        rows += 1
    return _save(wb), rows


def _response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def sessions_response(*, user: Any, sessions: list[FlashSession]) -> HttpResponse:
    data, rows = sessions_xlsx(selectors.session_stats(sessions=sessions))
    track("flashsale.export", user=user, rows=rows)
    return _response(data, f"flashsale-sessions-{timezone.localdate():%Y%m%d}.xlsx")


def session_response(*, user: Any, session: FlashSession) -> HttpResponse:
    data, rows = session_xlsx(selectors.session_stats(sessions=[session])[0])
    track("flashsale.export", user=user, obj=session, rows=rows)
    return _response(data, f"flashsale-session-{session.pk}.xlsx")
