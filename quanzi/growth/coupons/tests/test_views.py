"""Coupon pages: the coupon centre and claiming, my coupons, the panels on product and community pages, the
checkout page's coupon picker (the best combination chosen by default, a choice re-priced, the order placed with
it), the waterfall on the order page, and the merchant's coupon desk with its Excel exports."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from quanzi.catalog.tests import factories as f
from quanzi.growth.coupons.enums import CouponKind, CouponScope, CouponStatus, TemplateStatus
from quanzi.growth.coupons.models import Coupon, CouponTemplate
from quanzi.growth.coupons.tests.helpers import claim, pay, place, template
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_coupon_centre_claim_and_my_coupons(operator, member):
    t = template(operator, name="新人满100减20", total_quota=5)
    gone = template(operator, name="已抢光", total_quota=1)
    claim(f.operator(), gone)
    anonymous = Client().get("/coupons/")
    assert anonymous.status_code == 200 and "新人满100减20" in anonymous.content.decode()
    c = client_for(member)
    page = c.get("/coupons/").content.decode()
    assert f'data-claim="{t.pk}"' in page and "已抢光" in page and f'data-claim="{gone.pk}"' not in page
    answer = c.post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/"})
    assert answer.status_code == 302 and answer["Location"] == "/coupons/"
    assert Coupon.objects.filter(user=member, template=t).count() == 1
    again = c.post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/"}, follow=True).content.decode()
    assert "每人限领 1 张" in again and Coupon.objects.filter(user=member, template=t).count() == 1
    # an outside address to go back to is not followed
    assert c.post(f"/coupons/{gone.pk}/claim/", {"next": "https://evil.example/"})["Location"] == "/coupons/"
    mine = c.get("/coupons/mine/").content.decode()
    assert "新人满100减20" in mine and "去使用" in mine
    assert "新人满100减20" not in c.get("/coupons/mine/?state=used").content.decode()
    # anonymous claim goes to the login
    assert Client().post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/"})["Location"].startswith("/login/")


def test_product_and_community_pages_show_their_coupons(operator, shop, member):
    community = f.community()
    template(operator, name="本圈专享", scope=CouponScope.COMMUNITY, community_id=community.pk)
    template(shop.merchant.user, name="店铺满100减10", amount_fen=1000, scope=CouponScope.MERCHANT)
    template(operator, name="家居券", scope=CouponScope.CATEGORY, category_id=shop.categories[1].pk)
    c = client_for(member)
    product_page = c.get(f"/shop/p/{shop.products[0].pk}/").content.decode()
    assert 'id="product-coupons"' in product_page and "店铺满100减10" in product_page
    assert "家居券" not in product_page  # the cream is not 家居
    assert "本圈专享" not in product_page  # not on that community's shelf
    feed = c.get(f"/c/{community.slug}/").content.decode()
    assert 'id="community-coupons"' in feed and "本圈专享" in feed
    # the merchant still sees its own product page once the product is off the shelf
    from quanzi.catalog import services as catalog_services

    catalog_services.product_set_shelf(user=shop.merchant.user, product_id=shop.products[0].pk, on_shelf=False)
    off_shelf = client_for(shop.merchant.user).get(f"/shop/p/{shop.products[0].pk}/")
    assert off_shelf.status_code == 200 and "店铺满100减10" in off_shelf.content.decode()
    shop_tab = c.get(f"/c/{community.slug}/shop/").content.decode()
    assert "本圈专享" in shop_tab
    # what joining gives shows to those who have not joined, not to members
    template(operator, name="入群礼10元", kind=CouponKind.NO_THRESHOLD, amount_fen=1000, threshold_fen=0,
             claim_mode="on_join", community_id=community.pk)
    assert "入群礼10元" in c.get(f"/c/{community.slug}/").content.decode()
    f.add_member(community, member)
    assert "入群礼10元" not in client_for(member).get(f"/c/{community.slug}/").content.decode()


def test_checkout_page_proposes_the_best_pair_and_places_with_the_choice(operator, shop, member):
    small = claim(member, template(operator, name="平台满100减5", amount_fen=500))
    big = claim(member, template(operator, name="平台满100减20", amount_fen=2000))
    mine = claim(member, template(shop.merchant.user, name="店铺满150减30", amount_fen=3000, threshold_fen=15000,
                                  scope=CouponScope.MERCHANT))
    far = claim(member, template(operator, name="平台满500减100", amount_fen=10000, threshold_fen=50000))
    address(member)
    c = client_for(member)
    page = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=2").content.decode()
    # ¥200 + ¥10 shipping; proposed: the shop's ¥30 and the platform's ¥20
    assert 'id="checkout-coupons"' in page and "共省 ¥50.00" in page
    def picked(coupon_id: int, group: str) -> bool:
        return bool(re.search(rf'name="options.coupon_ids.{group}" value="{coupon_id}"[^>]*checked', page))

    assert picked(big.pk, "platform") and picked(mine.pk, f"m{shop.merchant.pk}") and not picked(small.pk, "platform")
    assert "满 ¥500.00 可用，还差 ¥300.00" in page  # the unusable one, with its reason
    assert '<strong id="total">¥160.00</strong>' in page
    # the waterfall names each coupon
    assert "店铺满150减30" in page and "平台满100减20" in page
    # the buyer picks the smaller platform coupon: the page re-prices with it
    page = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=2&options_chosen=1"
                 f"&options.coupon_ids.platform={small.pk}&options.coupon_ids.m{shop.merchant.pk}={mine.pk}").content\
        .decode()
    assert '<strong id="total">¥175.00</strong>' in page and 'id="use-best"' in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    answer = c.post("/checkout/", {"sku_id": shop.cream.pk, "quantity": 2, "idempotency_key": key,
                                   "expected_total_fen": 17500, "options_chosen": "1",
                                   "address_id": member.addresses.get().pk,
                                   "options.coupon_ids": [small.pk, mine.pk]})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    order = Order.objects.get()
    assert order.payable_fen == 17500
    assert set(Coupon.objects.filter(status=CouponStatus.USED).values_list("pk", flat=True)) == {small.pk, mine.pk}
    # the order page shows the waterfall per line, each coupon by name
    detail = c.get(f"/orders/{order.pk}/").content.decode()
    assert "平台满100减5" in detail and "店铺满150减30" in detail and "-¥30.00" in detail and "-¥5.00" in detail
    assert far.status == CouponStatus.UNUSED


def test_checkout_page_shows_a_refused_coupon_and_the_price_without(operator, shop, member):
    used = claim(member, template(operator))
    place(member, [(shop.cream, 1)], [used])
    c = client_for(member)
    page = c.get(f"/checkout/?sku_id={shop.cream.pk}&quantity=1&options_chosen=1&options.coupon_ids={used.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "优惠券已使用" in body and '<strong id="total">¥110.00</strong>' in body


def test_free_shipping_shows_as_a_shipping_step(operator, shop, member):
    claim(member, template(shop.merchant.user, name="包邮券", kind=CouponKind.FREE_SHIPPING, amount_fen=0,
                           threshold_fen=0, scope=CouponScope.MERCHANT))
    c = client_for(member)
    page = c.get(f"/checkout/?sku_id={shop.kettle.pk}&quantity=1").content.decode()
    assert 'data-stage="shipping"' in page and "包邮券" in page and '<strong id="total">¥80.00</strong>' in page


def test_merchant_desk_create_pause_and_export(shop, member, operator):
    m = shop.merchant
    c = client_for(m.user)
    assert c.get("/coupons/merchant/").status_code == 200
    bad = c.post("/coupons/merchant/new/", {"name": "满减", "kind": "amount_off", "amount": "20", "threshold": "10",
                                            "scope": "merchant", "validity": "days", "valid_days": "7"})
    assert bad.status_code == 400 and "门槛须高于面额" in bad.content.decode()
    assert c.post("/coupons/merchant/new/", {"name": "满减", "kind": "amount_off", "amount": "2x",
                                             "scope": "merchant"}).status_code == 400
    ok = c.post("/coupons/merchant/new/", {"name": "店铺满100减20", "kind": "amount_off", "amount": "20",
                                           "threshold": "100", "scope": "merchant", "validity": "days",
                                           "valid_days": "7", "total_quota": "100", "per_member_limit": "2",
                                           "refund_policy": "keep"})
    assert ok.status_code == 302
    t = CouponTemplate.objects.get(merchant=m)
    assert (t.amount_fen, t.threshold_fen, t.total_quota, t.per_member_limit) == (2000, 10000, 100, 2)
    percent = c.post("/coupons/merchant/new/", {"name": "八五折", "kind": "percent_off", "percent_off": "15",
                                                "amount": "30", "scope": "merchant", "validity": "days",
                                                "valid_days": "3"})
    assert percent.status_code == 302
    assert str(CouponTemplate.objects.get(name="八五折").discount_rate) == "0.1500"
    assert c.post(f"/coupons/merchant/{t.pk}/pause/").status_code == 302
    assert CouponTemplate.objects.get(pk=t.pk).status == TemplateStatus.PAUSED
    # a use of it, then the exports
    member_client = client_for(member)
    c.post(f"/coupons/merchant/{t.pk}/resume/")
    member_client.post(f"/coupons/{t.pk}/claim/")
    coupon = Coupon.objects.get(user=member)
    place(member, [(shop.cream, 1)], [coupon])
    desk = c.get("/coupons/merchant/").content.decode()
    assert "¥20.00" in desk
    sheet = load_workbook(io.BytesIO(c.get("/coupons/merchant/export/redemptions.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "核销时间" and rows[1][1] == "店铺满100减20" and rows[1][7] == 2000
    sheet = load_workbook(io.BytesIO(c.get("/coupons/merchant/export/templates.xlsx").content)).active
    names = [r[1] for r in sheet.iter_rows(values_only=True)]
    assert "店铺满100减20" in names and "八五折" in names
    # not a merchant: no desk
    assert client_for(member).get("/coupons/merchant/").status_code == 403


def test_operator_admin_creates_pauses_and_grants(operator, member):
    from quanzi.accounts.services import operator_grant

    operator_grant(user_id=operator.pk)  # the back office's operator: staff and superuser
    operator.refresh_from_db()
    c = client_for(operator)
    assert c.get("/admin/growth_coupons/coupontemplate/add/").status_code == 200
    answer = c.post("/admin/growth_coupons/coupontemplate/add/", {
        "name": "运营满50减5", "kind": "amount_off", "amount_fen": "500", "discount_rate": "0", "threshold_fen": "5000",
        "scope": "platform", "claim_mode": "grant", "per_member_limit": "1", "claim_starts_at_0": "2024-01-01",
        "claim_starts_at_1": "00:00:00", "valid_days": "30", "refund_policy": "keep",
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    t = CouponTemplate.objects.get(name="运营满50减5")
    form = c.post("/admin/growth_coupons/coupontemplate/", {"action": "grant", "_selected_action": [t.pk]})
    assert form.status_code == 200 and "batch_key" in form.content.decode()
    done = c.post("/admin/growth_coupons/coupontemplate/", {
        "action": "grant", "_selected_action": [t.pk], "apply": "1", "members": f"{member.phone}\n13000000001",
        "batch_key": "admin-batch-1"}, follow=True)
    assert "已发放 1 位会员" in done.content.decode()
    assert Coupon.objects.filter(template=t, user=member, source="grant").count() == 1
    c.post("/admin/growth_coupons/coupontemplate/", {"action": "pause", "_selected_action": [t.pk]})
    assert CouponTemplate.objects.get(pk=t.pk).status == TemplateStatus.PAUSED
    export = c.post("/admin/growth_coupons/coupontemplate/", {"action": "export_templates", "_selected_action": [t.pk]})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_after_sales_page_shows_what_the_line_was_paid_with(operator, shop, member):
    from quanzi.aftersales import services as aftersales

    c = claim(member, template(operator, name="平台满100减20"))
    order = pay(member, place(member, [(shop.cream, 1)], [c]).orders.get())
    line = order.lines.get()
    req = aftersales.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="no_reason",
                                              lines=[(line.pk, 1)], amount_fen=line.payable_fen)
    page = client_for(member).get(f"/aftersales/{req.pk}/").content.decode()
    assert 'id="aftersale-waterfall"' in page and "平台满100减20" in page and "-¥20.00" in page
