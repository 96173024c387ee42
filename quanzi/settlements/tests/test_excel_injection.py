"""Formula injection in the statement export: a product titled `=HYPERLINK(...)` or `@SUM(...)` comes out of the
Excel file as plain text (a string cell starting with `'`), never as a live formula, while amounts (negative
refund amounts included) stay number cells."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import api_client, make_user
from quanzi.catalog.tests.factories import approved_merchant, product_with_sku
from quanzi.core.exports import safe_cell, safe_row
from quanzi.settlements import services
from quanzi.settlements.models import SettlementStatement
from quanzi.settlements.periods import Period
from quanzi.settlements.tests.helpers import at, paid_order, refund
from quanzi.web.demo.clock import clock_at

HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(1)"


@pytest.mark.django_db
def test_formula_titles_are_exported_as_quoted_text_and_amounts_stay_numbers() -> None:
    merchant = approved_merchant()
    _p, sku_link = product_with_sku(merchant, title=HYPERLINK, price_fen=1000, stock=10)
    _p, sku_sum = product_with_sku(merchant, title=AT_SUM, price_fen=2000, stock=10)
    buyer = make_user()
    order = paid_order(buyer, [(sku_link, 1), (sku_sum, 1)], at(2026, 10, 3))
    refund(order, 500, at(2026, 10, 5))
    with clock_at(at(2026, 11, 1, 9)):
        services.statements_generate(period=Period.month(2026, 10))
    statement = SettlementStatement.objects.get(merchant=merchant)

    r = api_client(merchant.user).get(f"/api/v1/settlements/statements/{statement.pk}/export.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["明细"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == []
    for payload in (HYPERLINK, AT_SUM):
        quoted = [c for c in cells if isinstance(c.value, str) and payload in c.value]
        assert quoted, f"{payload} is missing from the export"
        for cell in quoted:
            assert cell.data_type == "s" and cell.value.startswith("'"), (cell.coordinate, cell.value)
    amounts = [row[8].value for row in sheet.iter_rows(min_row=2)]  # 结算（分）
    assert all(isinstance(v, int) for v in amounts) and any(v < 0 for v in amounts)  # the refund line
    assert sum(amounts) == statement.net_fen


def test_safe_cell_quotes_formula_text_only() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "\x00=1"):
        assert safe_cell(text) == "'" + text.replace("\x00", "")
    assert safe_cell("保湿面霜 -50ml") == "保湿面霜 -50ml"
    assert safe_cell("a\x01b") == "ab"  # xlsx cannot hold C0 controls; openpyxl would fail the whole file
    for value in (-5, 0, 12, Decimal("-0.50"), 1.5, None, True):
        assert safe_cell(value) is value
    assert safe_row(["=x", -3]) == ["'=x", -3]
