"""Excel export of a statement (openpyxl): a summary sheet and a detail sheet. Amounts are written as integer fen
(exact) and as yuan (Decimal, two places) for reading; no float touches money. Every row goes through
`quanzi.core.exports.safe_row`: a product title or shop name such as `=HYPERLINK(...)` stays text, never a formula."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from quanzi.core.exports import safe_row
from quanzi.settlements.models import SettlementStatement
from quanzi.settlements.selectors import statement_lines, statement_period

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN_FORMAT = "#,##0.00"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def filename(statement: SettlementStatement) -> str:
    period = statement_period(statement)
    return f"settlement-{statement.merchant_id}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"


def statement_xlsx(statement: SettlementStatement) -> bytes:
    period = statement_period(statement)
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = _("汇总")
    bold = Font(bold=True)
    rows: list[tuple[str, object]] = [
        (_("商家"), statement.merchant.business_name),
        (_("商家ID"), statement.merchant_id),
        (_("结算周期"), period.label()),
        (_("周期开始（含）"), period.start.isoformat()),
        (_("周期结束（含）"), period.last_day.isoformat()),
        (_("状态"), statement.get_status_display()),
        (_("订单数"), statement.order_count),
        (_("退款笔数"), statement.refund_count),
    ]
    for label, value in rows:
        summary.append(safe_row([label, value]))
    summary.append([])
    summary.append(safe_row([_("项目"), _("金额（分）"), _("金额（元）")]))
    for cell in summary[summary.max_row]:
        cell.font = bold
    money = [
        (_("销售额"), statement.sales_fen),
        (_("退款额"), statement.refunds_fen),
        (_("销售佣金"), statement.sales_commission_fen),
        (_("退款退回佣金"), statement.commission_returned_fen),
        (_("平台佣金"), statement.commission_fen),
        (_("平台补贴"), statement.subsidy_fen),
        (_("应结算"), statement.net_fen),
    ]
    for label, fen in money:
        summary.append(safe_row([label, fen, _yuan(fen)]))
        summary.cell(row=summary.max_row, column=3).number_format = YUAN_FORMAT
    summary.append([])
    summary.append(safe_row([_("生成时间"),
                             timezone.localtime(statement.generated_at).strftime("%Y-%m-%d %H:%M:%S")]))
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 28
    summary.column_dimensions["C"].width = 16

    detail = wb.create_sheet(_("明细"))
    detail.append(safe_row([_("时间"), _("类型"), _("订单号"), _("退款单号"), _("摘要"), _("数量"), _("金额（分）"),
                            _("佣金（分）"), _("结算（分）"), _("金额（元）"), _("佣金（元）"), _("结算（元）"),
                            _("平台补贴（分）"), _("平台补贴（元）")]))
    for cell in detail[1]:
        cell.font = bold
    for line in statement_lines(statement=statement):
        detail.append(safe_row([timezone.localtime(line.happened_at).strftime("%Y-%m-%d %H:%M:%S"),
                                line.get_kind_display(), line.order_number, line.refund_no, line.title,
                                line.quantity, line.amount_fen, line.commission_fen, line.net_fen,
                                _yuan(line.amount_fen), _yuan(line.commission_fen), _yuan(line.net_fen),
                                line.subsidy_fen, _yuan(line.subsidy_fen)]))
        for col in (10, 11, 12, 14):
            detail.cell(row=detail.max_row, column=col).number_format = YUAN_FORMAT
    for letter, width in zip("ABCDE", (20, 8, 24, 28, 40), strict=True):
        detail.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
