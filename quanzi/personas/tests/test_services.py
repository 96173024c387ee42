"""Personas: tags computed from real behaviour, consent for basic attributes, switching off (a tag or a group)
that keeps a tag out of `active_tags` and out of every segment, segment filters on tags and spend, and coupon
campaigns limited to a segment (growth.coupons' audience registry)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.accounts import services as account_services
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.models import Event
from quanzi.growth.coupons import services as coupon_services
from quanzi.growth.coupons.tests.helpers import template
from quanzi.personas import segments, selectors, services
from quanzi.personas.models import MemberTag
from quanzi.personas.tests.helpers import browse_products, buyer_of, consent, shop_in

pytestmark = pytest.mark.django_db


def codes(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.code for t in selectors.active_tags(user)}


def test_behaviour_needs_and_social_tags_come_from_what_the_member_did():
    _m, product, sku = shop_in("护肤", price_fen=8800)
    c = f.community()
    member = make_user("小红")
    f.add_member(c, member)
    browse_products(member, product, 12)
    buyer_of(sku, member, times=2)
    for _ in range(3):
        track("post.favourite", user=member, obj=f.post(c, member))
    services.persona_refresh(user_id=member.pk)
    got = codes(member)
    assert "browse:regular" in got  # 12 product views
    assert "buy:repeat" in got  # two paid orders
    assert "favourite:collector" in got
    assert f"category:{product.category_id}" in got
    assert "price:mid" in got  # median ¥88
    assert f"community:{c.pk}" in got
    tag = next(t for t in selectors.active_tags(member) if t.code == f"category:{product.category_id}")
    assert tag.label == "偏好类目：护肤" and "购买 2 件" in tag.reason


def test_a_quiet_member_has_no_behaviour_tags_and_refresh_is_idempotent():
    member = make_user("路人")
    assert services.persona_refresh(user_id=member.pk) == 0
    assert services.persona_refresh(user_id=member.pk) == 0
    assert selectors.active_tags(member) == []


def test_basic_attributes_only_with_consent_and_gone_when_consent_is_withdrawn():
    member = make_user("小蓝")
    services.persona_refresh(user_id=member.pk)
    assert not any(t.group == "basic" for t in selectors.active_tags(member))
    consent(member, "gender", "female")
    consent(member, "birth_year", 1995)
    services.persona_refresh(user_id=member.pk)
    assert {"gender:female", "age:1990"} <= codes(member)
    account_services.consent_withdraw(user=member, field="gender")
    # before the job runs again, the stored tag is already unused
    assert MemberTag.objects.filter(user=member, code="gender:female").exists()
    assert "gender:female" not in codes(member)
    assert segments.holders_of("gender:female") == set()
    services.persona_refresh(user_id=member.pk)
    assert not MemberTag.objects.filter(user=member, code="gender:female").exists()


def test_a_switched_off_tag_or_group_is_used_nowhere_and_stays_off_after_a_refresh():
    _m, product, sku = shop_in()
    a, b = make_user("甲"), make_user("乙")
    for u in (a, b):
        browse_products(u, product, 12)
        services.persona_refresh(user_id=u.pk)
    filters = segments.parse_filters({"tags_all": ["browse:regular"]})
    assert selectors.segment_count(community_id=None, filters=filters) == 2
    services.tag_switch(user=a, group="behaviour", code="browse:regular", on=False)
    assert "browse:regular" not in codes(a)
    assert selectors.segment_count(community_id=None, filters=filters) == 1
    services.persona_refresh(user_id=a.pk)
    assert "browse:regular" not in codes(a)
    services.tag_switch(user=a, group="behaviour", code="browse:regular", on=True)
    assert selectors.segment_count(community_id=None, filters=filters) == 2
    services.tag_switch(user=b, group="needs", on=False)  # the whole group
    assert not any(t.group == "needs" for t in selectors.active_tags(b))
    assert b.pk not in segments.holders_of(f"category:{product.category_id}")
    page = {g.group: g for g in selectors.my_persona(b)}
    assert page["needs"].on is False and page["behaviour"].on is True


def test_switching_a_tag_one_does_not_have_or_of_the_wrong_group_is_refused():
    member = make_user("丙")
    for kwargs, code in (({"group": "behaviour", "code": "buy:frequent"}, "unknown_tag"),
                         ({"group": "nope"}, "unknown_tag_group"),
                         ({"group": "needs", "code": "browse:heavy"}, "unknown_tag")):
        with pytest.raises(DomainError) as e:
            services.tag_switch(user=member, on=False, **kwargs)
        assert e.value.code == code


def test_segment_filters_on_spend_orders_and_activity_within_a_community():
    _m, _p, sku = shop_in(price_fen=10000)
    c = f.community()
    big, small, outsider = make_user("大"), make_user("小"), make_user("外")
    for u in (big, small):
        f.add_member(c, u)
    buyer_of(sku, big, times=3)
    buyer_of(sku, small, times=1)
    buyer_of(sku, outsider, times=3)
    filters = segments.parse_filters({"spend_min": "200", "spend_days": "30"}, from_form=True)
    assert segments.apply_filters(segments.population(c.pk), filters) == {big.pk}
    filters = segments.parse_filters({"orders_min": 1, "active_days": 7})
    assert segments.apply_filters(segments.population(c.pk), filters) == {big.pk, small.pk}
    # the owner's last event (signing up) was a month ago
    Event.objects.filter(user_id=c.owner_id).update(created_at=timezone.now() - dt.timedelta(days=30))
    filters = segments.parse_filters({"inactive_days": 7})
    assert segments.apply_filters(segments.population(c.pk), filters) == {c.owner_id}


@pytest.mark.parametrize("raw", [{"spend_min_fen": "x"}, {"tags_all": ["nope:1"]}, {"colour": "red"},
                                 {"spend_min_fen": 500, "spend_max_fen": 100}, {"active_days": 3, "inactive_days": 4},
                                 {"spend_days": 0}, {"orders_min": True}])
def test_bad_filters_are_refused_with_a_clear_code(raw):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        segments.parse_filters(raw)
    assert e.value.code == "invalid_filters"


def test_only_owners_admins_and_operators_manage_segments():
    c = f.community()
    member = make_user("成员")
    f.add_member(c, member)
    for who, code in ((member, "permission_denied"), (make_user("陌生人"), "not_member")):
        with pytest.raises(DomainError) as e:
            services.segment_save(actor=who, name="高消费", filters={}, community_id=c.pk)
        assert e.value.code == code
    with pytest.raises(DomainError) as e:
        services.segment_save(actor=c.owner, name="全平台", filters={})
    assert e.value.code == "segment_not_allowed"
    seg = services.segment_save(actor=c.owner, name="全员", filters={}, community_id=c.pk)
    assert seg.member_count == 2
    other_owner = f.community().owner
    with pytest.raises(DomainError) as e:
        selectors.segment_get(user=other_owner, segment_id=seg.pk)
    assert e.value.code == "segment_not_found"


def test_a_coupon_limited_to_a_segment_is_claimed_only_by_its_members():
    operator = f.operator()
    _m, product, _sku = shop_in()
    inside, outside = make_user("内"), make_user("外")
    browse_products(inside, product, 12)
    for u in (inside, outside):
        services.persona_refresh(user_id=u.pk)
    seg = services.segment_save(actor=operator, name="常逛的人", filters={"tags_all": ["browse:regular"]})
    tpl = template(operator, name="人群专享券", total_quota=10)
    services.segment_target_coupon(actor=operator, segment_id=seg.pk, template_id=tpl.pk)
    with pytest.raises(DomainError) as e:
        coupon_services.coupon_claim(user=outside, template_id=tpl.pk)
    assert e.value.code == "not_in_audience" and e.value.status == 403
    tpl.refresh_from_db()
    assert tpl.claimed_count == 0
    assert coupon_services.coupon_claim(user=inside, template_id=tpl.pk).user_id == inside.pk
    # switching the tag off takes the member out of the segment: no second coupon through it
    services.tag_switch(user=inside, group="behaviour", code="browse:regular", on=False)
    assert not selectors.segment_contains(seg.pk, inside.pk)


def test_a_segment_someone_does_not_manage_cannot_limit_a_coupon():
    operator = f.operator()
    c = f.community()
    seg = services.segment_save(actor=c.owner, name="群内", filters={}, community_id=c.pk)
    merchant = f.approved_merchant()
    tpl = template(merchant.user, name="店铺券", scope="merchant")
    with pytest.raises(DomainError) as e:
        coupon_services.template_set_audience(actor=merchant.user, template_id=tpl.pk, kind="segment", ref=seg.pk)
    assert e.value.code == "invalid_audience"
    assert coupon_services.template_set_audience(actor=operator, template_id=tpl.pk, kind="segment",
                                                 ref=seg.pk).audience_ref == seg.pk
