import datetime as dt

import pytest

from quanzi.insight import selectors
from quanzi.insight.metrics import REGISTRY, Metric, register
from quanzi.insight.tests.helpers import ev, put

D = dt.date.fromisoformat


def test_every_metric_is_well_formed_and_runs_on_an_empty_lake(lake_root):
    assert "dau" in REGISTRY
    for key, m in REGISTRY.items():
        assert m.key == key and str(m.title) and len(str(m.definition)) > 10
        res = selectors.metric_result(key, date_from=D("2026-01-01"), date_to=D("2026-01-31"))
        assert res.columns, key
        assert m in selectors.metrics_for(m.group)


def test_register_refuses_a_bad_chart_or_a_second_different_metric():
    with pytest.raises(ValueError):
        Metric(key="x", title="x", definition="x", sql="select 1", chart="pie", group="overview")
    m = REGISTRY["dau"]
    with pytest.raises(ValueError):
        register(Metric(key="dau", title="other", definition=m.definition, sql=m.sql, chart=m.chart, group=m.group))


def test_dau_counts_distinct_users_per_day_in_range_and_community(lake_root):
    put(lake_root, "events", [
        ev("post.view", 1, "2026-03-01", community_id=10),
        ev("post.like", 1, "2026-03-01", community_id=10),  # same user, same day: once
        ev("post.view", 2, "2026-03-01", community_id=11),
        ev("product.view", 2, "2026-03-02", community_id=10),
        ev("page.discover", None, "2026-03-02"),  # anonymous: not a user
        ev("post.view", 3, "2026-03-03", community_id=10),  # out of range
    ])
    res = selectors.metric_result("dau", date_from=D("2026-03-01"), date_to=D("2026-03-02"))
    assert res.columns == ["day", "dau"]
    assert res.rows == [(D("2026-03-01"), 2), (D("2026-03-02"), 1)]
    res = selectors.metric_result("dau", date_from=D("2026-03-01"), date_to=D("2026-03-03"), community_id=10)
    assert res.rows == [(D("2026-03-01"), 1), (D("2026-03-02"), 1), (D("2026-03-03"), 1)]


@pytest.mark.django_db
def test_export_status_counts_rows_per_table(lake_root):
    put(lake_root, "events", [ev("post.view", 1, "2026-03-01"), ev("post.view", 1, "2026-03-02")])
    status = selectors.export_status()
    assert status.rows["events"] == 2 and status.files["events"] == 2 and status.rows["orders"] == 0
