"""The importer (Taobao format and general CSV): original times kept, bad rows counted and reported, re-import
replaces; and the `quanzi insight` command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from quanzi.insight import importer, selectors

D = dt.date.fromisoformat

TAOBAO = """1,100,7,pv,1511544070
1,100,7,cart,1511544080
1,100,7,buy,1511544090
2,101,7,pv,1511630470
2,101,7,fav,1511630480
x,101,7,pv,1511630480
3,102,8,pv
3,102,8,look,1511630490
3,102,8,pv,yesterday
4,103,9,buy,1511716870
"""


def test_taobao_rows_keep_their_times_and_bad_rows_are_counted_by_reason(lake_root, tmp_path):
    f = tmp_path / "ub.csv"
    f.write_text(TAOBAO)
    rep = importer.import_log(f, fmt="taobao", name="ub")
    assert (rep.rows, rep.orders, rep.bad_rows) == (10, 2, 4)
    assert dict(rep.bad) == {"user_id": 1, "field_count": 1, "event": 1, "timestamp": 1}
    assert rep.bad_lines == {"user_id": [6], "field_count": [7], "event": [8], "timestamp": [9]}
    assert "bad timestamp: 1 (lines 9)" in rep.as_text()
    con = selectors.connect()
    assert con.execute("SELECT name, created_at FROM events WHERE user_id = 1 ORDER BY id").fetchall() == [
        ("product.view", dt.datetime(2017, 11, 24, 17, 21, 10)), ("cart.add", dt.datetime(2017, 11, 24, 17, 21, 20)),
        ("order.place", dt.datetime(2017, 11, 24, 17, 21, 30)), ("order.paid", dt.datetime(2017, 11, 24, 17, 21, 30)),
    ]
    assert con.execute("SELECT count(*), count(DISTINCT source) FROM orders").fetchone() == (2, 1)
    # the same import again replaces its files: nothing doubles
    importer.import_log(f, fmt="taobao", name="ub")
    con = selectors.connect()
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 8  # 6 good rows, 2 of them buys (2 events)
    assert con.execute("SELECT sum(n) FROM event_days").fetchone()[0] == 8  # the rollup was replaced too
    assert selectors.metric_result("sales", date_from=D("2017-11-24"), date_to=D("2017-11-30")).rows[0][0] == 2


def test_general_csv_with_a_column_and_event_mapping(lake_root, tmp_path):
    f = tmp_path / "log.csv"
    f.write_text("uid,action,when,sku,price\n"
                 "7,view,2024-05-01T08:00:00+08:00,55,\n"
                 "7,purchase,2024-05-02T09:30:00Z,55,1990\n"
                 "8,purchase,2024-05-02T10:00:00Z,56,-5\n"
                 "8,dance,2024-05-02T10:00:00Z,56,\n")
    rep = importer.import_log(
        f, fmt="csv", columns=importer.parse_mapping("user_id=uid,event=action,timestamp=when,product_id=sku,"
                                                     "amount_fen=price"),
        events={"view": "product.view", "purchase": "buy"})
    assert rep.bad == {"amount_fen": 1, "event": 1} and rep.bad_lines == {"amount_fen": [4], "event": [5]}
    con = selectors.connect()
    assert con.execute("SELECT user_id, name, created_at FROM events ORDER BY id").fetchall()[0] == (
        7, "product.view", dt.datetime(2024, 5, 1, 0, 0))  # +08:00 kept as the same instant, in UTC
    assert con.execute("SELECT user_id, paid_fen FROM orders").fetchall() == [(7, 1990)]


def test_import_refuses_a_missing_mapping_or_format(lake_root, tmp_path):
    f = tmp_path / "log.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(importer.ImportError_):
        importer.import_log(f, fmt="csv", columns={"user_id": "a"}, events={"x": "buy"})
    with pytest.raises(importer.ImportError_):
        importer.import_log(f, fmt="xml")
    with pytest.raises(importer.ImportError_):
        importer.import_log(tmp_path / "nope.csv")


@pytest.mark.django_db
def test_cli_import_then_report_in_every_format(lake_root, tmp_path, capsys):
    f = tmp_path / "ub.csv"
    f.write_text(TAOBAO)
    call_command("insight", "import", str(f), "--name", "ub")
    assert "bad=4" in capsys.readouterr().out
    out = tmp_path / "r.json"
    call_command("insight", "report", "--from", "2017-11-24", "--to", "2017-11-30", "--format", "json",
                 "--out", str(out))
    data = json.loads(out.read_text())
    funnel = data["metrics"]["funnel"]
    assert funnel["columns"][:3] == ["step_no", "step", "users"]
    assert [r[2] for r in funnel["rows"]] == [3, 2, 1, 1, 1]  # member 4 only bought: no product step
    assert "封闭漏斗" in funnel["definition"]
    call_command("insight", "report", "--from", "2017-11-24", "--to", "2017-11-30", "--metric", "sales",
                 "--format", "csv")
    assert "sales,0,gmv_fen,0" in capsys.readouterr().out
    call_command("insight", "report", "--from", "2017-11-24", "--to", "2017-11-30", "--metric", "dau")
    text = capsys.readouterr().out
    assert "日活跃用户" in text and "2017-11-24 | 1" in text
    with pytest.raises(CommandError):
        call_command("insight", "report", "--from", "2017-12-01", "--to", "2017-11-30")
    with pytest.raises(CommandError):
        call_command("insight", "report", "--from", "2017-11-01", "--to", "2017-11-30", "--metric", "nope")
    call_command("insight", "status")
    assert "events: 8 rows" in capsys.readouterr().out
