"""Birthday coupons (a level benefit): only for members who consented to keep their birthday; once per member,
template and year; a 29 February birthday is celebrated on 28 February in other years; withdrawing consent stops
them. The birthday itself is a persona field (accounts) with its own consent and validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.accounts import services as accounts
from quanzi.accounts.models import ConsentRecord, Persona
from quanzi.core.errors import DomainError
from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import ClaimMode, CouponKind
from quanzi.growth.coupons.models import Coupon
from quanzi.loyalty.membership import services
from quanzi.loyalty.membership.tests.helpers import grow, level

pytestmark = pytest.mark.django_db


def _birthday_template():  # type: ignore[no-untyped-def]
    from quanzi.catalog.tests import factories as f

    now = timezone.now()
    template = coupons.template_create(actor=f.operator(), name="生日礼 无门槛20", kind=CouponKind.NO_THRESHOLD,
                                       amount_fen=2000, threshold_fen=0, total_quota=100, per_member_limit=10,
                                       claim_mode=ClaimMode.GRANT, claim_starts_at=now - dt.timedelta(days=1),
                                       claim_ends_at=now + dt.timedelta(days=800), valid_days=30)
    level("金卡").birthday_coupons.add(template)
    return template


@pytest.mark.parametrize("value", ["3-15", "13-01", "02-30", "0315", "", 315, "ab-cd"])
def test_a_birthday_must_be_a_real_month_and_day(value) -> None:  # type: ignore[no-untyped-def]
    u = make_user()
    with pytest.raises(DomainError) as exc:
        accounts.persona_set(user=u, field="birthday", value=value, consent=True)
    assert exc.value.code == "invalid_birthday"
    assert not Persona.objects.filter(user=u).exclude(birthday="").exists()


def test_birthday_coupons_once_a_year_for_consenting_members_of_the_level() -> None:
    template = _birthday_template()
    gold, silver, no_consent = make_user("金卡"), make_user("银卡"), make_user("未同意")
    grow(gold, 6000)
    grow(silver, 1500)
    grow(no_consent, 6000)
    accounts.persona_set(user=gold, field="birthday", value="06-18", consent=True)
    accounts.persona_set(user=silver, field="birthday", value="06-18", consent=True)
    day = dt.date(2027, 6, 18)
    assert services.level_birthday_coupons_grant(day=day) == (1, 0)
    assert services.level_birthday_coupons_grant(day=day) == (1, 0)  # the same key: still one coupon
    assert Coupon.objects.filter(user=gold, template=template).count() == 1
    assert not Coupon.objects.filter(user__in=[silver, no_consent]).exists()
    services.level_birthday_coupons_grant(day=dt.date(2027, 6, 19))
    assert Coupon.objects.filter(user=gold).count() == 1
    services.level_birthday_coupons_grant(day=dt.date(2028, 6, 18))  # next year: the next one
    assert Coupon.objects.filter(user=gold, template=template).count() == 2
    # withdrawing consent erases the birthday and stops the coupons
    accounts.consent_withdraw(user=gold, field="birthday")
    assert Persona.objects.get(user=gold).birthday == ""
    assert ConsentRecord.objects.filter(user=gold, field="birthday", granted=False).exists()
    services.level_birthday_coupons_grant(day=dt.date(2029, 6, 18))
    assert Coupon.objects.filter(user=gold, template=template).count() == 2


def test_a_leap_day_birthday_is_celebrated_on_28_february_in_other_years() -> None:
    _birthday_template()
    leap = make_user("闰日")
    grow(leap, 6000)
    accounts.persona_set(user=leap, field="birthday", value="02-29", consent=True)
    assert services.birthday_month_days(dt.date(2027, 2, 28)) == ["02-28", "02-29"]
    assert services.birthday_month_days(dt.date(2028, 2, 28)) == ["02-28"]
    assert services.level_birthday_coupons_grant(day=dt.date(2027, 2, 28)) == (1, 0)
    assert services.level_birthday_coupons_grant(day=dt.date(2028, 2, 28)) == (0, 0)
    assert services.level_birthday_coupons_grant(day=dt.date(2028, 2, 29)) == (1, 0)


def test_the_profile_page_keeps_a_birthday_only_with_consent() -> None:
    u = make_user()
    c = Client()
    c.force_login(u)
    page = c.get("/me/edit/")
    assert 'name="birthday"' in page.content.decode()
    url = "/me/edit/"
    c.post(url, {"nickname": u.nickname, "birthday": "09-09"})
    assert Persona.objects.get_or_create(user=u)[0].birthday == ""
    c.post(url, {"nickname": u.nickname, "birthday": "09-09", "consent_birthday": "on"})
    assert Persona.objects.get(user=u).birthday == "09-09"
