"""The statement API and pages: a merchant sees only their own statements (another's is a 404), operators see
and generate all of them, and the Excel download opens with openpyxl and carries the same numbers."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import api_client, make_user
from quanzi.catalog.tests.factories import approved_merchant, operator, product_with_sku
from quanzi.settlements import services
from quanzi.settlements.models import SettlementStatement
from quanzi.settlements.periods import Period
from quanzi.settlements.tests.helpers import at, paid_order, refund
from quanzi.web.demo.clock import clock_at

pytestmark = pytest.mark.django_db

OCT = Period.month(2026, 10)


@pytest.fixture
def world() -> dict:
    a, b = approved_merchant(rate="0.0500"), approved_merchant(rate="0.0800")
    _p, sku_a = product_with_sku(a, price_fen=4999, stock=20)
    _p, sku_b = product_with_sku(b, price_fen=2500, stock=20)
    buyer = make_user()
    o = paid_order(buyer, [(sku_a, 2)], at(2026, 10, 3))
    paid_order(buyer, [(sku_a, 1)], at(2026, 10, 15))
    paid_order(buyer, [(sku_b, 4)], at(2026, 10, 16))
    refund(o, 4999, at(2026, 10, 20))
    with clock_at(at(2026, 11, 1, 9)):
        services.statements_generate(period=OCT)
    return {"a": a, "b": b, "buyer": buyer, "sa": SettlementStatement.objects.get(merchant=a),
            "sb": SettlementStatement.objects.get(merchant=b)}


def test_a_merchant_lists_and_reads_only_their_own_statements(world: dict) -> None:
    c = api_client(world["a"].user)
    listed = c.get("/api/v1/settlements/statements").json()
    assert [s["id"] for s in listed["items"]] == [world["sa"].pk]
    body = c.get(f"/api/v1/settlements/statements/{world['sa'].pk}").json()
    assert body["merchant_name"] == world["a"].business_name and body["status"] == "draft"
    assert body["sales_fen"] == 3 * 4999 and body["refunds_fen"] == 4999
    assert body["net_fen"] == body["sales_fen"] - body["refunds_fen"] - body["commission_fen"]
    lines = c.get(f"/api/v1/settlements/statements/{world['sa'].pk}/lines").json()
    assert lines["count"] == 3 and sum(ln["net_fen"] for ln in lines["items"]) == body["net_fen"]
    other = world["sb"].pk
    for path in (f"/{other}", f"/{other}/lines", f"/{other}/export.xlsx"):
        r = c.get(f"/api/v1/settlements/statements{path}")
        assert r.status_code == 404 and r.json()["code"] == "statement_not_found", path
    assert c.get(f"/api/v1/settlements/statements?merchant_id={world['b'].pk}").json()["count"] == 0


def test_a_buyer_has_no_statements_and_visitors_must_log_in(world: dict) -> None:
    r = api_client(world["buyer"]).get("/api/v1/settlements/statements")
    assert r.status_code == 403 and r.json()["code"] == "no_settlement_access"
    assert api_client(world["buyer"]).get(f"/api/v1/settlements/statements/{world['sa'].pk}").status_code == 403
    assert Client().get("/api/v1/settlements/statements").status_code == 401


def test_the_operator_sees_all_generates_and_confirms(world: dict) -> None:
    ops = api_client(operator())
    assert ops.get("/api/v1/settlements/statements").json()["count"] == 2
    r = ops.post("/api/v1/settlements/statements", {"merchant_id": world["a"].pk, "month": "2026-10"},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()[0]["id"] == world["sa"].pk  # rebuilt in place
    r = ops.post(f"/api/v1/settlements/statements/{world['sa'].pk}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = ops.post("/api/v1/settlements/statements", {"merchant_id": world["a"].pk, "month": "2026-10"},
                 content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "statement_confirmed"
    bad = ops.post("/api/v1/settlements/statements", {"start": "2026-10-09", "end": "2026-10-01"},
                   content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_period"


def test_a_merchant_cannot_generate_or_confirm(world: dict) -> None:
    c = api_client(world["a"].user)
    r = c.post("/api/v1/settlements/statements", {"month": "2026-10"}, content_type="application/json")
    assert r.status_code == 403
    assert c.post(f"/api/v1/settlements/statements/{world['sa'].pk}/confirm").status_code == 403


def _sheet_values(content: bytes) -> tuple[dict, list[list]]:
    wb = load_workbook(io.BytesIO(content))
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(values_only=True) if row and row[0]}
    detail = [list(r) for r in wb["明细"].iter_rows(min_row=2, values_only=True)]
    return summary, detail


def test_the_excel_export_opens_and_holds_the_same_numbers(world: dict) -> None:
    st = world["sa"]
    r = api_client(world["a"].user).get(f"/api/v1/settlements/statements/{st.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    summary, detail = _sheet_values(r.content)
    assert summary["销售额"] == st.sales_fen and summary["退款额"] == st.refunds_fen
    assert summary["平台佣金"] == st.commission_fen and summary["应结算"] == st.net_fen
    assert summary["结算周期"] == "2026-10"
    assert len(detail) == st.lines.count() == 3
    assert sum(row[6] for row in detail) == st.sales_fen - st.refunds_fen  # 金额（分）
    assert sum(row[7] for row in detail) == st.commission_fen  # 佣金（分）
    assert sum(row[8] for row in detail) == st.net_fen  # 结算（分）
    assert {row[2] for row in detail} == set(st.lines.values_list("order_number", flat=True))


def test_merchant_pages_show_own_statements_and_download(world: dict, client: Client) -> None:
    client.force_login(world["a"].user)
    page = client.get("/merchant/settlements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "¥" in html and f"/merchant/settlements/{world['sa'].pk}/export.xlsx" in html
    assert world["b"].business_name not in html
    detail = client.get(f"/merchant/settlements/{world['sa'].pk}/")
    assert detail.status_code == 200 and f'data-fen="{world["sa"].net_fen}"' in detail.content.decode()
    assert client.get(f"/merchant/settlements/{world['sb'].pk}/").status_code == 404
    assert client.get(f"/merchant/settlements/{world['sb'].pk}/export.xlsx").status_code == 404
    xlsx = client.get(f"/merchant/settlements/{world['sa'].pk}/export.xlsx")
    assert _sheet_values(xlsx.content)[0]["应结算"] == world["sa"].net_fen
    assert client.get("/ops/settlements/").status_code == 403


def test_operator_pages_generate_and_confirm(world: dict, client: Client) -> None:
    ops = operator()
    client.force_login(ops)
    html = client.get("/ops/settlements/").content.decode()
    assert world["a"].business_name in html and world["b"].business_name in html
    r = client.post("/ops/settlements/generate/", {"month": "2026-09"}, follow=True)
    assert r.status_code == 200 and "已生成 2 份结算单" in r.content.decode()
    assert SettlementStatement.objects.filter(period_start=Period.month(2026, 9).start).count() == 2
    r = client.post(f"/ops/settlements/{world['sa'].pk}/confirm/", follow=True)
    assert "结算单已确认" in r.content.decode()
    r = client.post(f"/ops/settlements/{world['sa'].pk}/regenerate/", follow=True)
    assert "结算单已确认，不能重新生成" in r.content.decode()
    assert client.get(f"/ops/settlements/{world['sb'].pk}/").status_code == 200


def test_the_back_office_lists_statements_read_only(world: dict, client: Client) -> None:
    ops = operator()
    ops.is_superuser = True
    ops.save(update_fields=["is_superuser"])
    client.force_login(ops)
    page = client.get("/admin/settlements/settlementstatement/")
    assert page.status_code == 200 and world["a"].business_name in page.content.decode()
    assert client.get(f"/admin/settlements/settlementstatement/{world['sa'].pk}/change/").status_code == 200
    assert client.get("/admin/settlements/settlementstatement/add/").status_code == 403
