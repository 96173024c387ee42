"""Account deletion reaches the lake: the member's events and their rollup lose the link to them, their follows
go, imported history and other members' rows stay, and an export after the deletion cannot bring them back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import make_user
from quanzi.accounts import services as account_services
from quanzi.core import events as core_events
from quanzi.insight import export, lake
from quanzi.insight.personal_data import forget_in_lake
from quanzi.insight.tests.helpers import ev, put
from quanzi.privacy import jobs, services
from quanzi.privacy.enums import CodePurpose
from quanzi.privacy.tests.test_services import _last_code

pytestmark = pytest.mark.django_db


def _rows(root: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(":memory:")
    lake.create_views(con, root)
    return con.execute(sql).fetchall()


def test_forget_user_nulls_the_event_link_and_removes_follows_only_for_this_platforms_rows(lake_root: Path) -> None:
    put(lake_root, "events", [ev("view", 7, "2026-11-01", share_token="abc"), ev("view", 8, "2026-11-01"),
                              ev("buy", 7, "2026-11-02")])
    put(lake_root, "events", [ev("view", 7, "2026-11-01", source="import:taobao")], stem="imp")
    put(lake_root, "follows", [{"follower_id": 7, "followee_id": 8, "created_at": dt.datetime(2026, 11, 1)},
                               {"follower_id": 8, "followee_id": 7, "created_at": dt.datetime(2026, 11, 1)},
                               {"follower_id": 8, "followee_id": 9, "created_at": dt.datetime(2026, 11, 1)}])
    assert forget_in_lake(7) == 2 + 2 + 2  # two events, their two rollup rows, two follows

    events = _rows(lake_root, "SELECT name, user_id, share_token, source FROM events ORDER BY name, source, user_id")
    assert events == [("buy", None, None, "quanzi"), ("view", 7, None, "import:taobao"),
                      ("view", 8, None, "quanzi"), ("view", None, None, "quanzi")]
    assert _rows(lake_root, "SELECT sum(n) FROM event_days WHERE source = 'quanzi'") == [(3,)]  # counts stay
    assert _rows(lake_root, "SELECT count(*) FROM event_days WHERE user_id = 7 AND source = 'quanzi'") == [(0,)]
    assert _rows(lake_root, "SELECT follower_id, followee_id FROM follows") == [(8, 9)]
    assert forget_in_lake(7) == 0  # nothing left to forget: files are not rewritten again


def test_account_deletion_forgets_the_member_in_the_lake_after_commit(lake_root: Path,
                                                                     django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    u, other = make_user("要注销的"), make_user()
    account_services.follow(follower=u, followee_id=other.pk)
    core_events.track("user.profile_update", user=u, obj=u)
    core_events.track("user.profile_update", user=other, obj=other)
    export.run_export()
    mine = _rows(lake_root, f"SELECT count(*) FROM events WHERE user_id = {u.pk}")[0][0]
    total = _rows(lake_root, "SELECT count(*) FROM events")[0][0]
    assert mine >= 2  # at least the follow and the profile edit

    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    request = services.deletion_request(user=u, code=_last_code(u.phone))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.deletions_run(now=request.effective_at + dt.timedelta(minutes=1)) == {"done": 1}

    assert _rows(lake_root, f"SELECT count(*) FROM events WHERE user_id = {u.pk}") == [(0,)]
    assert _rows(lake_root, "SELECT count(*) FROM events")[0][0] >= total  # the rows stay, without the link
    assert _rows(lake_root, f"SELECT count(*) FROM follows WHERE follower_id = {u.pk}") == [(0,)]
    export.run_export()  # a later export reads the erased database: the link does not come back
    assert _rows(lake_root, f"SELECT count(*) FROM events WHERE user_id = {u.pk}") == [(0,)]

