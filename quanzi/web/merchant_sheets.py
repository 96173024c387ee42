"""Spreadsheets of the merchant console: reading a batch-shipping sheet (xlsx through openpyxl, or CSV in UTF-8
or GB18030, as Excel and WPS save it on Chinese Windows) and writing the order export and the shipping template.

Reading is bounded (file size, rows, cell length) and takes only values, never formulas; every written row goes
through `core.exports.safe_row`, so a title like `=HYPERLINK(...)` stays text."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from quanzi.core.errors import InvalidInput
from quanzi.core.exports import xlsx_book
from quanzi.orders.errors import ErrorCode as OrderCode

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_CELL = 100


# header names (lower case) that name each column; a sheet without a header row is read as these three in order
_HEADERS = {
    "number": {"订单号", "订单编号", "order number", "order no", "order", "number"},
    "carrier": {"快递公司", "物流公司", "快递", "carrier", "express"},
    "tracking": {"运单号", "快递单号", "物流单号", "tracking no", "tracking number", "tracking"},
}


@dataclass
class SheetRow:
    line: int  # the row number as the spreadsheet shows it
    number: str
    carrier: str
    tracking: str


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a tracking number typed as a number in Excel
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def _raw_rows(data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise InvalidInput(OrderCode.SHEET_TOO_LARGE, _("文件不能超过 2 MB"))
    if not data:
        raise InvalidInput(OrderCode.SHEET_INVALID, _("文件是空的"))
    if data[:4] == b"PK\x03\x04":  # an xlsx is a zip
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InvalidInput(OrderCode.SHEET_INVALID, _("无法读取这个 Excel 文件，请另存为 .xlsx 或 .csv 再试")) from exc
        sheet = wb.worksheets[0] if wb.worksheets else None
        rows: list[list[str]] = []
        if sheet is not None:
            for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
                rows.append([_cell(v) for v in values[:10]])
        wb.close()
        return rows
    if filename.lower().endswith((".xls", ".et")):
        raise InvalidInput(OrderCode.SHEET_INVALID, _("暂不支持旧版 .xls，请另存为 .xlsx 或 .csv 再试"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InvalidInput(OrderCode.SHEET_INVALID, _("无法识别文件编码，请保存为 UTF-8 的 CSV"))
    return [[_cell(v) for v in row[:10]] for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]


def read_shipping_sheet(data: bytes, filename: str = "") -> list[SheetRow]:
    """The rows of a shipping sheet: order number, carrier, tracking number (blank rows skipped)."""
    raw = _raw_rows(data, filename)
    columns = {"number": 0, "carrier": 1, "tracking": 2}
    start = 0
    if raw:
        head = [c.lower() for c in raw[0]]
        found = {key: next((i for i, c in enumerate(head) if c in names), None) for key, names in _HEADERS.items()}
        if any(v is not None for v in found.values()):
            if any(v is None for v in found.values()):
                raise InvalidInput(OrderCode.SHEET_INVALID, _("表头需要包含：订单号、快递公司、运单号"))
            columns = {k: int(v) for k, v in found.items() if v is not None}
            start = 1
    out: list[SheetRow] = []
    for i, row in enumerate(raw[start:], start=start + 1):
        def col(key: str, row: list[str] = row) -> str:
            idx = columns[key]
            return row[idx] if idx < len(row) else ""
        if not any(row):
            continue
        out.append(SheetRow(line=i, number=col("number"), carrier=col("carrier"), tracking=col("tracking")))
    if len(out) > MAX_ROWS:
        raise InvalidInput(OrderCode.SHEET_TOO_LARGE, _("一次最多 500 行，请分批上传"))
    if not out:
        raise InvalidInput(OrderCode.SHEET_INVALID, _("表格里没有要发货的行"))
    return out


# --- writing -------------------------------------------------------------------------------------------------


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def orders_xlsx(orders: Iterable[Any]) -> bytes:
    header = [_("订单号"), _("下单时间"), _("付款时间"), _("状态"), _("买家"), _("收货人"), _("手机号"),
              _("收货地址"), _("商品"), _("件数"), _("应付（元）"), _("已付（元）"), _("已退（元）"),
              _("快递公司"), _("运单号"), _("发货时间"), _("买家备注")]

    def rows() -> Iterable[list[Any]]:
        for o in orders:
            lines = list(o.lines.all())
            goods = "；".join(f"{ln.title}{' ' + ' '.join(str(v) for v in (ln.spec or {}).values()) if ln.spec else ''}"
                             f" ×{ln.quantity}" for ln in lines)
            shipment = getattr(o, "shipment", None) if o.shipped_at else None
            yield [o.number, _time(o.created_at), _time(o.paid_at), o.get_status_display(),
                   getattr(o.buyer, "nickname", "") or "", o.ship_name, o.ship_phone, o.ship_address, goods,
                   sum(ln.quantity for ln in lines), _yuan(o.payable_fen), _yuan(o.paid_fen),
                   _yuan(o.refunded_fen), shipment.carrier if shipment else "",
                   shipment.tracking_no if shipment else "", _time(o.shipped_at), o.note]

    return xlsx_book(_("订单"), header, rows(), yuan_columns=(11, 12, 13),
                 widths={"A": 24, "B": 20, "C": 20, "H": 36, "I": 40, "O": 22})


def shipping_template_xlsx(orders: Iterable[Any]) -> bytes:
    """The orders waiting for shipment with empty carrier and tracking columns: fill in and upload."""
    header = [_("订单号"), _("快递公司"), _("运单号"), _("收货人"), _("收货地址"), _("商品")]
    rows = ([o.number, "", "", o.ship_name, o.ship_address,
             "；".join(f"{ln.title} ×{ln.quantity_to_ship}" for ln in o.lines.all())] for o in orders)
    return xlsx_book(_("批量发货"), header, rows, widths={"A": 24, "B": 14, "C": 22, "E": 36, "F": 40})


def filename(what: str, owner: int) -> str:
    return f"{what}-{owner}-{timezone.localdate():%Y%m%d}.xlsx"
