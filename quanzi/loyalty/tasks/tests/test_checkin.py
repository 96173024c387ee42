"""Check-in rewards with a frozen clock: a continuous streak pays its table's rows and a missed day starts again at
day 1; the 7-day table repeats; weekly and monthly rules count the days of the ISO week or calendar month; a
community's own rule wins over the platform's; one reward per member, community and day (a second: a clear code,
nothing changes); streak badges at 7 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from quanzi.content import services as content_services
from quanzi.core.errors import DomainError
from quanzi.loyalty.tasks import selectors, services
from quanzi.loyalty.tasks.enums import StreakMode
from quanzi.loyalty.tasks.models import BadgeAward, CheckinReward, CheckinRewardStep, CheckinRule, TaskFact
from quanzi.loyalty.tasks.tests.helpers import Recorder, at, community, frozen, join

pytestmark = pytest.mark.django_db


def _check_in(commit: Any, user: Any, c: Any, day: dt.date) -> CheckinReward | None:
    with frozen(at(day.year, day.month, day.day)):
        commit(content_services.checkin, user=user, community=c)
    return CheckinReward.objects.filter(user=user, community=c, day=day).first()


def _days(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_a_continuous_streak_pays_its_rows_and_a_missed_day_resets(member: Any, group: Any, commit: Any,
                                                                   points: Recorder) -> None:
    paid = {d.day: r.count if r else None for d in _days(dt.date(2026, 11, 1), 8)
            for r in [_check_in(commit, member, group, d)]}
    # table: day 1 → 5, day 3 → 10, day 7 → 30; repeating: day 8 is day 1 again
    assert paid == {1: 1, 2: None, 3: 3, 4: None, 5: None, 6: None, 7: 7, 8: 8}
    assert points.total(member.pk) == 5 + 10 + 30 + 5
    # 9 Nov missed: 10 Nov starts again at day 1
    reward = _check_in(commit, member, group, dt.date(2026, 11, 10))
    assert reward is not None and reward.count == 1 and reward.rewards == [["points", 5]]
    assert points.total(member.pk) == 55


def test_the_seventh_day_pays_points_and_a_coupon_and_a_streak_badge(member: Any, group: Any, commit: Any,
                                                                    points: Recorder, operator: Any) -> None:
    from quanzi.growth.coupons.models import Coupon
    from quanzi.growth.coupons.tests.helpers import template

    with frozen(at(2026, 10, 1)):
        t = template(operator, name="打卡 7 天券", valid_days=30)
    rule = CheckinRule.objects.get(community__isnull=True)
    CheckinRewardStep.objects.create(rule=rule, day=7, kind="coupon", amount=t.pk)
    for d in _days(dt.date(2026, 11, 1), 6):
        _check_in(commit, member, group, d)
    with frozen(at(2026, 11, 6)):
        panel = selectors.checkin_panel(user=member, community=group)
        assert panel.checked_today and panel.count == 6 and panel.next_day == 7
    with frozen(at(2026, 11, 7)):
        panel = selectors.checkin_panel(user=member, community=group)
        assert not panel.checked_today and panel.count == 6
        assert [(r.kind, r.amount) for r in panel.today_rewards] == [("points", 30), ("coupon", t.pk)]
    reward = _check_in(commit, member, group, dt.date(2026, 11, 7))
    assert reward is not None and reward.count == 7
    assert Coupon.objects.filter(user=member, template=t).count() == 1
    assert list(BadgeAward.objects.filter(user=member).values_list("badge__code", flat=True)) == ["streak_7"]
    # the check-in also counted once per day for the daily and weekly check-in tasks
    assert TaskFact.objects.filter(user=member, trigger="checkin").count() == 7


def test_a_second_reward_for_the_same_day_is_refused_and_changes_nothing(member: Any, group: Any, commit: Any,
                                                                        points: Recorder) -> None:
    day = dt.date(2026, 11, 1)
    assert _check_in(commit, member, group, day) is not None
    with frozen(at(2026, 11, 1, 20)):
        with pytest.raises(DomainError) as exc:
            services.checkin_reward_grant(user_id=member.pk, community_id=group.pk)
    assert exc.value.code == "checkin_already_rewarded"
    assert CheckinReward.objects.count() == 1 and points.total(member.pk) == 5


def test_no_check_in_no_reward_and_days_without_a_row_pay_nothing(member: Any, group: Any, commit: Any,
                                                                  points: Recorder) -> None:
    with frozen(at(2026, 11, 1)):
        with pytest.raises(DomainError) as exc:
            services.checkin_reward_grant(user_id=member.pk, community_id=group.pk)
        assert exc.value.code == "not_checked_in"
        with pytest.raises(DomainError) as exc:
            services.checkin_reward_grant(user_id=member.pk, community_id=999999)
        assert exc.value.code == "community_not_found"
    _check_in(commit, member, group, dt.date(2026, 11, 1))
    _check_in(commit, member, group, dt.date(2026, 11, 2))
    with frozen(at(2026, 11, 2)):
        with pytest.raises(DomainError) as exc:
            services.checkin_reward_grant(user_id=member.pk, community_id=group.pk)
    assert exc.value.code == "no_checkin_reward"
    assert CheckinReward.objects.count() == 1


def _community_rule(c: Any, mode: str, table: list[tuple[int, int]], repeat: bool = False) -> CheckinRule:
    rule = CheckinRule.objects.create(community=c, title=f"{mode} 奖励", mode=mode, repeat=repeat)
    CheckinRewardStep.objects.bulk_create([CheckinRewardStep(rule=rule, day=d, kind="points", amount=a)
                                           for d, a in table])
    return rule


def test_monthly_mode_counts_days_in_the_calendar_month(member: Any, group: Any, commit: Any,
                                                        points: Recorder) -> None:
    _community_rule(group, StreakMode.MONTHLY, [(1, 2), (3, 20)])
    counts = {}
    # 30 Jan, (31 Jan missed), 1 Feb, 3 Feb, 4 Feb, 5 Feb: the month starts the count again on 1 Feb, and a missed
    # day does not reset it
    for d in (dt.date(2027, 1, 30), dt.date(2027, 2, 1), dt.date(2027, 2, 3), dt.date(2027, 2, 4),
              dt.date(2027, 2, 5)):
        r = _check_in(commit, member, group, d)
        counts[d.isoformat()] = r.count if r else None
    assert counts == {"2027-01-30": 1, "2027-02-01": 1, "2027-02-03": None, "2027-02-04": 3, "2027-02-05": None}
    assert points.total(member.pk) == 2 + 2 + 20


def test_weekly_mode_counts_days_in_the_iso_week(member: Any, group: Any, commit: Any, points: Recorder) -> None:
    _community_rule(group, StreakMode.WEEKLY, [(2, 7)], repeat=False)
    paid = [r.count if r else None for d in (dt.date(2026, 11, 28), dt.date(2026, 11, 29),  # Sat, Sun
                                             dt.date(2026, 11, 30), dt.date(2026, 12, 2))  # Mon, Wed
            for r in [_check_in(commit, member, group, d)]]
    assert paid == [None, 2, None, 2]
    assert points.total(member.pk) == 14


def test_the_communitys_rule_wins_over_the_platforms(member: Any, group: Any, owner: Any, commit: Any,
                                                     points: Recorder) -> None:
    _community_rule(group, StreakMode.CONTINUOUS, [(1, 99)])
    other = community(owner)
    join(member, other)
    assert _check_in(commit, member, group, dt.date(2026, 11, 1)).rewards == [["points", 99]]  # type: ignore[union-attr]
    assert _check_in(commit, member, other, dt.date(2026, 11, 1)).rewards == [["points", 5]]  # type: ignore[union-attr]
    # one check-in fact per day, whatever the community
    assert TaskFact.objects.filter(user=member, trigger="checkin").count() == 1


def test_a_reward_that_cannot_be_paid_at_check_in_can_be_settled_later(member: Any, group: Any, commit: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from quanzi.loyalty import rewards

    monkeypatch.delitem(rewards.GRANTERS, "points", raising=False)
    assert _check_in(commit, member, group, dt.date(2026, 11, 1)) is None  # the hook failed: logged, check-in kept
    with frozen(at(2026, 11, 1)):
        assert selectors.checkin_panel(user=member, community=group).settle_due
        rec = Recorder()
        monkeypatch.setitem(rewards.GRANTERS, "points", rec)
        reward = services.checkin_reward_grant(user_id=member.pk, community_id=group.pk)
    assert reward.count == 1 and rec.total(member.pk) == 5


@pytest.fixture
def operator(db: None) -> Any:
    from quanzi.catalog.tests import factories as f

    return f.operator()


def test_members_can_only_check_in_where_they_belong(group: Any, commit: Any) -> None:
    outsider = make_user("路人")
    with pytest.raises(DomainError):
        _check_in(commit, outsider, group, dt.date(2026, 11, 1))
    assert not CheckinReward.objects.exists()


def test_an_old_check_in_replayed_by_the_hook_pays_nothing(member: Any, group: Any, points: Recorder) -> None:
    with frozen(at(2026, 11, 1)):
        content_services.checkin(user=member, community=group)  # hooks not run (no commit here)
    with frozen(at(2026, 11, 2, 0)):  # just past midnight: yesterday's check-in is still paid
        assert services.on_checked_in(user_id=member.pk, community_id=group.pk, day=dt.date(2026, 11, 1),
                                      streak=1) is not None
    with frozen(at(2026, 11, 3)):  # two days later: history, nothing recorded or paid
        CheckinReward.objects.all().delete()
        TaskFact.objects.all().delete()
        assert services.on_checked_in(user_id=member.pk, community_id=group.pk, day=dt.date(2026, 11, 1),
                                      streak=1) is None
    assert not CheckinReward.objects.exists() and not TaskFact.objects.exists()
