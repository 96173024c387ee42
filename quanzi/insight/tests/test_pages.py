"""Dashboard pages: who may open which (an owner their community's, not another's; a KOL only their own; the
platform for operators), the date filter, charts' data and definitions on the page, Excel and CSV files with
formula injection escaped, and the whole-dashboard export as a job with progress."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.insight.tests.helpers import ev, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(lake_root):  # type: ignore[no-untyped-def]
    c = f.community()
    put(lake_root, "events", [ev("post.view", 1, "2026-11-02", community_id=c.pk),
                              ev("post.view", 2, "2026-11-03", community_id=c.pk),
                              ev("=HYPERLINK(\"http://x\")", 2, "2026-11-03", community_id=c.pk)])
    return c


def test_an_owner_opens_their_community_dashboard_with_a_date_range(client, owned):  # type: ignore[no-untyped-def]
    client.force_login(owned.owner)
    r = client.get(f"/insight/c/{owned.pk}/?from=2026-11-01&to=2026-11-05")
    assert r.status_code == 200
    body = r.content.decode()
    assert "日活跃用户（DAU）" in body and "每天至少有一条行为事件" in body  # the definition beside the chart
    assert 'id="chart-dau"' in body and "2026-11-02" in body
    assert "vendor/echarts.min.js" in body


def test_a_member_or_another_owner_cannot_open_the_dashboard(client, owned):  # type: ignore[no-untyped-def]
    member = make_user("成员")
    f.add_member(owned, member)
    client.force_login(member)
    r = client.get(f"/insight/c/{owned.pk}/")
    assert r.status_code == 403 and "你没有权限" in r.content.decode()
    client.force_login(f.community().owner)
    assert client.get(f"/insight/c/{owned.pk}/").status_code == 403
    assert client.get("/insight/c/999999/").status_code == 404
    assert client.get("/insight/platform/").status_code == 403


def test_a_kol_sees_only_their_own_numbers(client, lake_root):  # type: ignore[no-untyped-def]
    kol = make_user("达人")
    client.force_login(kol)
    r = client.get("/insight/kol/?kol=424242")  # a non-operator's ?kol= is ignored
    assert r.status_code == 200
    assert r.context["kol_id"] == kol.pk


def test_bad_dates_are_refused_with_a_clear_message(client, owned):  # type: ignore[no-untyped-def]
    client.force_login(owned.owner)
    r = client.get(f"/insight/c/{owned.pk}/?from=2026-11-09&to=2026-11-01")
    assert r.status_code == 400 and "开始日期不能晚于结束日期" in r.content.decode()
    r = client.get(f"/insight/c/{owned.pk}/?from=yesterday")
    assert r.status_code == 400


def test_tables_download_as_excel_and_csv_with_formulas_escaped(client, lake_root):  # type: ignore[no-untyped-def]
    operator = f.operator()
    put(lake_root, "events", [ev("post.view", 7, "2026-11-02")])
    client.force_login(operator)
    r = client.get("/insight/platform/tables/dau.xlsx?from=2026-11-01&to=2026-11-05")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(row=3, column=1).value == "日期" and ws.cell(row=4, column=2).value == 1
    r = client.get("/insight/platform/tables/dau.csv?from=2026-11-01&to=2026-11-05")
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "日期,日活" and "2026-11-02,1" in text


def test_csv_cells_that_look_like_formulas_are_escaped():
    from quanzi.insight.dashboards import Panel, csv_bytes, xlsx_bytes

    p = Panel(key="k", title="t", definition="d", chart="table", columns=["a"], labels=["名"],
              rows=[["=HYPERLINK(\"http://evil\")"], [-5]])
    assert "'=HYPERLINK" in csv_bytes(p).decode("utf-8-sig")
    ws = load_workbook(io.BytesIO(xlsx_bytes([p]))).active
    assert ws.cell(row=4, column=1).value.startswith("'=") and ws.cell(row=5, column=1).value == -5


def test_the_whole_dashboard_exports_as_a_job_with_progress(client, owned):  # type: ignore[no-untyped-def]
    client.force_login(owned.owner)
    r = client.post("/insight/community/export/", {"from": "2026-11-01", "to": "2026-11-05",
                                                    "community_id": owned.pk})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-state="done"' in body and "100%" in body  # the tests run jobs at once
    job_id = body.split('id="job-')[1].split('"')[0]
    r = client.get(f"/insight/jobs/{job_id}/download/")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert "日活跃用户（DAU）" in wb.sheetnames
    client.force_login(make_user("别人"))
    assert client.get(f"/insight/jobs/{job_id}/download/").status_code == 404


def test_a_segment_dashboard_is_for_who_manages_the_segment(client, owned):  # type: ignore[no-untyped-def]
    from quanzi.personas import services

    seg = services.segment_save(actor=owned.owner, name="全员", filters={}, community_id=owned.pk)
    client.force_login(owned.owner)
    r = client.get(f"/insight/segments/{seg.pk}/")
    assert r.status_code == 200 and "人群概况" in r.content.decode()
    client.force_login(f.community().owner)
    assert client.get(f"/insight/segments/{seg.pk}/").status_code == 404
