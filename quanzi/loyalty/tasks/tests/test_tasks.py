"""The task centre: facts count once, progress per period (Asia/Shanghai days, ISO weeks), claims once per period,
bad input changes nothing, and the lower apps' hooks feed the right triggers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.accounts.services import profile_update
from quanzi.content import services as content_services
from quanzi.content.enums import PostKind
from quanzi.core.errors import DomainError
from quanzi.loyalty.tasks import selectors, services
from quanzi.loyalty.tasks.enums import TaskState, Trigger
from quanzi.loyalty.tasks.models import BadgeAward, Task, TaskClaim, TaskFact
from quanzi.loyalty.tasks.tests.helpers import Recorder, at, community, frozen, join

pytestmark = pytest.mark.django_db


def _task(code: str) -> Task:
    return Task.objects.get(code=code)


def _state(user: Any, code: str) -> tuple[int, str]:
    board = selectors.task_board(user=user)
    view = next(v for views in board.values() for v in views if v.task.code == code)
    return view.progress, view.state


def test_the_seeded_tasks_cover_every_section() -> None:
    board = selectors.task_board(user=None)
    assert {s: [v.task.code for v in views] for s, views in board.items()} == {
        "novice": ["profile", "join_community", "first_post", "first_order"],
        "daily": ["daily_checkin", "daily_answer", "daily_review_photos"],
        "weekly": ["weekly_checkin", "weekly_answers"],
        "invite": ["invite_one", "invite_three"]}


def test_the_same_fact_counts_once(member: Any) -> None:
    for _ in range(3):
        services.task_progress(user_id=member.pk, trigger=Trigger.INVITE_FIRST_ORDER, key="invite:77")
    assert TaskFact.objects.filter(user=member).count() == 1
    assert _state(member, "invite_one") == (1, TaskState.CLAIMABLE)
    assert _state(member, "invite_three") == (1, TaskState.IN_PROGRESS)
    # the member is told once that the task is done
    assert Notification.objects.filter(recipient=member, kind="task").count() == 1


@pytest.mark.parametrize("trigger,key,code", [("nope", "k", "invalid_trigger"), ("checkin", "", "invalid_fact_key"),
                                              ("checkin", "x" * 81, "invalid_fact_key")])
def test_bad_facts_are_refused_and_change_nothing(member: Any, trigger: str, key: str, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.task_progress(user_id=member.pk, trigger=trigger, key=key)
    assert exc.value.code == code
    assert not TaskFact.objects.exists()


def test_claim_pays_once_and_a_second_claim_is_refused(member: Any, points: Recorder) -> None:
    task = _task("invite_three")  # 300 points + 100 growth
    with pytest.raises(DomainError) as exc:
        services.task_claim(user=member, task_id=task.pk)
    assert exc.value.code == "task_not_complete" and not TaskClaim.objects.exists()
    for invitee in (11, 12, 13):
        services.task_progress(user_id=member.pk, trigger="invite_first_order", key=f"invite:{invitee}")
    claim = services.task_claim(user=member, task_id=task.pk)
    assert claim.period_key == "once" and claim.rewards == [["points", 300], ["growth", 100]]
    assert points.total(member.pk) == 400
    with pytest.raises(DomainError) as exc:
        services.task_claim(user=member, task_id=task.pk)
    assert exc.value.code == "task_already_claimed"
    assert TaskClaim.objects.count() == 1 and points.total(member.pk) == 400
    assert _state(member, "invite_three") == (3, TaskState.CLAIMED)


def test_a_reward_no_app_can_pay_rolls_the_claim_back(member: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from quanzi.loyalty import rewards

    monkeypatch.delitem(rewards.GRANTERS, "points", raising=False)
    services.task_progress(user_id=member.pk, trigger="invite_first_order", key="invite:5")
    with pytest.raises(DomainError) as exc:
        services.task_claim(user=member, task_id=_task("invite_one").pk)
    assert exc.value.code == "reward_unavailable"
    assert not TaskClaim.objects.exists()


def test_inactive_or_unknown_tasks_are_not_found(member: Any) -> None:
    task = _task("invite_one")
    Task.objects.filter(pk=task.pk).update(is_active=False)
    for task_id in (task.pk, 999999):
        with pytest.raises(DomainError) as exc:
            services.task_claim(user=member, task_id=task_id)
        assert exc.value.code == "task_not_found"


def test_daily_tasks_reset_at_shanghai_midnight(member: Any, points: Recorder) -> None:
    task = _task("daily_answer")
    with frozen(at(2026, 11, 30, 23)):  # 23:00 in Shanghai, 15:00 UTC
        services.task_progress(user_id=member.pk, trigger="answer_created", key="answer:1")
        assert services.task_claim(user=member, task_id=task.pk).period_key == "2026-11-30"
        services.task_progress(user_id=member.pk, trigger="answer_created", key="answer:2")
        with pytest.raises(DomainError) as exc:
            services.task_claim(user=member, task_id=task.pk)
        assert exc.value.code == "task_already_claimed"
    with frozen(at(2026, 12, 1, 0)):  # past midnight in Shanghai (still 30 Nov in UTC): a new day
        assert _state(member, "daily_answer") == (0, TaskState.IN_PROGRESS)
        services.task_progress(user_id=member.pk, trigger="answer_created", key="answer:3")
        assert services.task_claim(user=member, task_id=task.pk).period_key == "2026-12-01"
    assert points.total(member.pk) == 20


def test_weekly_tasks_count_within_the_iso_week(member: Any, points: Recorder) -> None:
    task = _task("weekly_answers")  # 3 answers a week
    for day, key in ((29, "a"), (30, "b"), (1, "c")):  # Sunday 29 Nov is in the week before Monday 30 Nov
        with frozen(at(2026, 11 if day > 1 else 12, day)):
            services.task_progress(user_id=member.pk, trigger="answer_created", key=f"answer:{key}")
    with frozen(at(2026, 12, 2)):
        assert _state(member, "weekly_answers") == (2, TaskState.IN_PROGRESS)
        services.task_progress(user_id=member.pk, trigger="answer_created", key="answer:d")
        assert services.task_claim(user=member, task_id=task.pk).period_key == "2026-W49"


def test_hooks_feed_the_novice_tasks(owner: Any, commit: Any) -> None:
    user = make_user("新人")
    c = community(owner)
    commit(join, user=user, c=c)
    commit(content_services.post_create, author=user, community=c, body="第一篇帖子")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    commit(profile_update, user=user, bio="")  # incomplete: no avatar, no bio
    assert not TaskFact.objects.filter(user=user, trigger=Trigger.PROFILE_COMPLETED).exists()
    commit(profile_update, user=user, bio="爱美妆", avatar=SimpleUploadedFile("a.png", buf.getvalue(), "image/png"))
    facts = set(TaskFact.objects.filter(user=user).values_list("trigger", "key"))
    assert {(t, k.split(":")[0]) for t, k in facts} == {("community_joined", "community"), ("post_created", "post"),
                                                         ("profile_completed", "profile")}
    for code in ("profile", "join_community", "first_post"):
        assert _state(user, code)[1] == TaskState.CLAIMABLE


def test_answers_and_accepted_answers_count_and_award_the_helpful_badge(owner: Any, commit: Any) -> None:
    asker, helper = make_user("提问的"), make_user("热心人")
    c = community(owner)
    join(asker, c)
    join(helper, c)
    q = content_services.post_create(author=asker, community=c, kind=PostKind.QUESTION, title="怎么选粉底？")
    answer = commit(content_services.comment_create, author=helper, post=q, body="看肤质")
    commit(content_services.comment_create, author=helper, post=q, body="补充一句", parent_id=answer.pk)  # a reply
    assert list(TaskFact.objects.filter(user=helper).values_list("trigger", "key")) == [
        ("answer_created", f"answer:{answer.pk}")]
    commit(content_services.answer_accept, actor=asker, post=q, comment_id=answer.pk)
    assert TaskFact.objects.filter(user=helper, trigger="answer_accepted").count() == 1
    assert list(BadgeAward.objects.filter(user=helper).values_list("badge__code", flat=True)) == ["helpful"]


def test_order_paid_and_review_photos_hooks(member: Any) -> None:
    from quanzi.loyalty.tasks import plugins
    from quanzi.orders.hooks import OrderMomentEvent

    event = OrderMomentEvent(moment="paid", moment_id=1, order_id=42, buyer_id=member.pk, merchant_id=1, ref="",
                             amount_fen=100, at=at(2026, 11, 30))
    plugins.on_order_paid(event)
    plugins.on_order_paid(event)  # a retried hook
    plugins.on_review_photos(member.pk, 9)
    assert set(TaskFact.objects.filter(user=member).values_list("trigger", "key")) == {
        ("order_paid", "order:42"), ("review_photos", "review:9")}
    assert BadgeAward.objects.filter(user=member, badge__code="photo_reviewer").exists()
