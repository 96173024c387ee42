"""Cells of spreadsheet exports (Excel through openpyxl, CSV): formula injection closed in one place.

A text cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is read as a formula
by Excel, WPS and LibreOffice: a product titled `=HYPERLINK("http://evil","点此对账")` would become a live link
in the operator's sheet, and worse payloads run DDE commands. Every export writes its rows through `safe_cell`
/ `safe_row`, which follow OWASP's advice ("CSV Injection"): such a text is prefixed with a single quote `'`,
so the spreadsheet shows it as text. openpyxl turns any str starting with `=` into a formula cell; after the
prefix the cell is an ordinary string cell (data_type "s").

Numbers stay numbers: an int, Decimal or float (a negative amount included) is written as it is, so sums and
number formats keep working. Only text is touched. Control characters that the xlsx format cannot hold (and
that openpyxl refuses with IllegalCharacterError, failing the whole export) are removed from text first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The C0 control characters other than tab, line feed and carriage return: not allowed in XML 1.0 (so not in
# xlsx), and never meaningful in a CSV cell. Same set as openpyxl's ILLEGAL_CHARACTERS_RE.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    """The value to write into an exported cell: text that a spreadsheet would run as a formula gets a leading
    `'`; every other value (numbers, dates, None) is returned unchanged."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """`safe_cell` over a row, for `worksheet.append(...)` and `csv.writer.writerow(...)`."""
    return [safe_cell(v) for v in values]


YUAN_FORMAT = "#,##0.00"  # amounts written in yuan (Decimal) show with two decimals and thousands separators


def xlsx_book(title: str, header: list[Any], rows: Iterable[list[Any]], *, yuan_columns: tuple[int, ...] = (),
              widths: dict[str, int] | None = None) -> bytes:
    """A one-sheet workbook: a bold header, then the rows, every cell through `safe_row`; `yuan_columns` (1-based)
    get the yuan number format, `widths` maps column letters to widths."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = title
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
        for col in yuan_columns:
            sheet.cell(row=sheet.max_row, column=col).number_format = YUAN_FORMAT
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
