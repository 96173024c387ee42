"""Pages and API: the group page (avatars, places left, countdown, share), the product page's open groups, "my
group-buys", the share link that credits the sharer (a touch for the product, read by the order credit), the
merchant's and operator's tools (create with checks, pause, resume, end, figures, Excel), and who may use them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import api_client, make_user
from quanzi.catalog.tests import factories as f
from quanzi.core.enums import TouchKind
from quanzi.core.models import Event, Touch
from quanzi.growth.groupbuy import services
from quanzi.growth.groupbuy.models import CampaignStatusChange, GroupBuyCampaign, GroupShare
from quanzi.growth.groupbuy.tests.helpers import address_id, campaign, group_of, join, open_group, pay, shop

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_group_page_shows_members_places_countdown_and_a_share_link_that_credits_the_sharer() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=3)
    leader, friend = make_user("团长小红"), make_user("好友小明")
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)

    page = _client(leader).get(f"/groupbuy/g/{group.pk}/").content.decode()
    assert "还差 <b>2</b> 人成团" in page and 'id="countdown" data-seconds="' in page
    assert page.count('data-member="') == 1 and page.count("gb-empty") == 2
    assert 'id="make-share"' in page and 'id="join-link"' not in page  # the leader shares, not joins
    # the leader mints their link (once) and the page shows it
    response = _client(leader).post(f"/groupbuy/g/{group.pk}/share/")
    share = GroupShare.objects.get()
    assert response.status_code == 302 and f"t={share.token}" in response["Location"]
    _client(leader).post(f"/groupbuy/g/{group.pk}/share/")
    assert GroupShare.objects.count() == 1
    page = _client(leader).get(f"/groupbuy/g/{group.pk}/").content.decode()
    assert f"/groupbuy/g/{group.pk}/?t={share.token}" in page and 'id="share-button"' in page
    # and offers a share poster of this group (the invite page, referrals: QR code and poster of the group)
    assert f'id="group-poster" href="/invite/?kind=group&amp;id={group.pk}"' in page
    invite = _client(leader).get(f"/invite/?kind=group&id={group.pk}")
    assert invite.status_code == 200 and c.title in invite.content.decode()

    # a friend opens the link: the view counts, a touch for the product credits the leader's order share
    page = _client(friend).get(f"/groupbuy/g/{group.pk}/?t={share.token}").content.decode()
    assert "团长小红 邀请你一起拼" in page and 'id="join-link"' in page and "¥60.00 立即参团" in page
    touch = Touch.objects.get(user=friend)
    assert (touch.kind, touch.product_id, touch.post_id, touch.share_token) == \
        (TouchKind.LINK_VIEW, sku.product_id, None, share.token)
    assert GroupShare.objects.get().view_count == 1
    assert Event.objects.filter(name="groupbuy.group_view", share_token=share.token).exists()
    order = join(friend, group, token=share.token)
    line = order.lines.get()
    assert (line.share_token, line.sharer_id, line.post_id) == (share.token, leader.pk, None)
    # the sharer's own visit through their link is no touch
    _client(leader).get(f"/groupbuy/g/{group.pk}/?t={share.token}")
    assert not Touch.objects.filter(user=leader).exists()


def test_the_product_page_lists_the_campaign_and_its_open_groups_and_my_groups_page() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=3)
    leader, friend = make_user("团长"), make_user("好友")
    unpaid = open_group(make_user("没付款"), c)  # a group shows once its leader paid
    first = open_group(leader, c)
    pay(leader, first)
    group = group_of(first)
    html = Client().get(f"/shop/p/{sku.product_id}/").content.decode()
    assert f'id="groupbuy-{c.pk}"' in html and "3 人拼团" in html and "¥60.00" in html
    assert f'data-group="{group.pk}"' in html and f'data-group="{group_of(unpaid).pk}"' not in html
    assert "还差 2 人" in html and "24 小时内成团" in html
    assert f"options.campaign_id={c.pk}" in html
    html = _client(leader).get("/groupbuy/mine/").content.decode()
    assert f'data-group="{group.pk}"' in html and "拼团中" in html
    assert 'href="/groupbuy/mine/"' in _client(friend).get(f"/u/{friend.pk}/").content.decode()


def test_the_api_opens_joins_shares_and_shows_a_group() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, friend = make_user("团长"), make_user("好友")
    api = api_client(leader)
    listed = api.get(f"/api/v1/growth/groupbuy/campaigns?product_id={sku.product_id}").json()
    assert [x["id"] for x in listed["items"]] == [c.pk] and listed["items"][0]["phase"] == "running"
    opened = api.post(f"/api/v1/growth/groupbuy/campaigns/{c.pk}/open",
                      {"address_id": address_id(leader), "idempotency_key": "open-0000001"},
                      content_type="application/json")
    assert opened.status_code == 201, opened.json()
    order_id = opened.json()["orders"][0]["id"]
    again = api.post(f"/api/v1/growth/groupbuy/campaigns/{c.pk}/open",
                     {"address_id": address_id(leader), "idempotency_key": "open-0000002"},
                     content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_in_open_group"
    from quanzi.orders.models import Order

    order = Order.objects.get(pk=order_id)
    pay(leader, order)
    group = group_of(order)
    shared = api.post(f"/api/v1/growth/groupbuy/groups/{group.pk}/share").json()
    detail = api_client(friend).get(f"/api/v1/growth/groupbuy/groups/{group.pk}?t={shared['token']}").json()
    assert (detail["status"], detail["places_to_pay"], detail["places_free"], detail["join_problem"]) == \
        ("open", 1, 1, "")
    assert [(m["user"]["nickname"], m["role"], m["status"]) for m in detail["members"]] == \
        [("团长", "leader", "paid")]
    joined = api_client(friend).post(f"/api/v1/growth/groupbuy/groups/{group.pk}/join",
                                     {"address_id": address_id(friend), "idempotency_key": "join-0000001",
                                      "share_token": shared["token"]}, content_type="application/json")
    assert joined.status_code == 201
    pay(friend, Order.objects.get(pk=joined.json()["orders"][0]["id"]))
    detail = api.get(f"/api/v1/growth/groupbuy/groups/{group.pk}").json()
    assert (detail["status"], detail["paid_count"], detail["close_reason"]) == ("succeeded", 2, "filled")
    mine = api_client(friend).get("/api/v1/growth/groupbuy/my/places").json()["items"]
    assert [(p["group_id"], p["status"], p["group_status"]) for p in mine] == [(group.pk, "paid", "succeeded")]
    assert api.get(f"/api/v1/growth/groupbuy/products/{sku.product_id}/groups").json() == []
    late = make_user("晚到")
    full = api_client(late).post(f"/api/v1/growth/groupbuy/groups/{group.pk}/join",
                                 {"address_id": address_id(late), "idempotency_key": "join-0000009"},
                                 content_type="application/json")
    assert full.status_code == 409 and full.json()["code"] == "group_closed"


def test_merchants_manage_their_own_campaigns_and_operators_all() -> None:
    merchant, sku = shop(price_fen=10000)
    stranger = f.approved_merchant()
    api = api_client(merchant.user)
    now = timezone.now()
    base = {"sku_id": sku.pk, "group_price_fen": 6000, "group_size": 3,
            "starts_at": (now - dt.timedelta(minutes=1)).isoformat(), "ends_at": (now + dt.timedelta(days=2)).isoformat()}
    for change, code in [({"group_price_fen": 10000}, "invalid_group_price"),
                         ({"group_price_fen": 0}, "invalid_group_price"),
                         ({"leader_price_fen": 7000}, "invalid_leader_price"),
                         ({"group_size": 1}, "invalid_group_size"), ({"group_size": 101}, "invalid_group_size"),
                         ({"fill_minutes": 2}, "invalid_fill_time"), ({"member_limit": 100}, "invalid_member_limit"),
                         ({"ends_at": (now - dt.timedelta(hours=1)).isoformat()}, "invalid_schedule"),
                         ({"community_id": 999999}, "community_not_found"), ({"sku_id": 999999}, "sku_not_found")]:
        answer = api.post("/api/v1/growth/groupbuy/manage/campaigns", {**base, **change},
                          content_type="application/json")
        assert answer.status_code in (400, 404) and answer.json()["code"] == code, (change, answer.json())
    assert not GroupBuyCampaign.objects.exists()
    refused = api_client(stranger.user).post("/api/v1/growth/groupbuy/manage/campaigns", base,
                                             content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_campaign_owner"
    created = api.post("/api/v1/growth/groupbuy/manage/campaigns", base, content_type="application/json")
    assert created.status_code == 201, created.json()
    cid = created.json()["id"]
    overlap = api.post("/api/v1/growth/groupbuy/manage/campaigns", base, content_type="application/json")
    assert overlap.status_code == 409 and overlap.json()["code"] == "campaign_overlap"
    assert api_client(stranger.user).post(f"/api/v1/growth/groupbuy/manage/campaigns/{cid}/pause").status_code == 403
    assert api.post(f"/api/v1/growth/groupbuy/manage/campaigns/{cid}/pause").json()["phase"] == "paused"
    assert api.post(f"/api/v1/growth/groupbuy/manage/campaigns/{cid}/resume").json()["phase"] == "running"
    assert api.post(f"/api/v1/growth/groupbuy/manage/campaigns/{cid}/end").json()["phase"] == "ended"
    late = api.post(f"/api/v1/growth/groupbuy/manage/campaigns/{cid}/resume")
    assert late.status_code == 409 and late.json()["code"] == "illegal_transition"
    assert list(CampaignStatusChange.objects.filter(campaign_id=cid).values_list("to_status", flat=True)) == \
        ["active", "paused", "active", "ended"]
    operator = f.operator()
    assert [x["id"] for x in api_client(operator).get("/api/v1/growth/groupbuy/manage/campaigns").json()["items"]] \
        == [cid]
    assert api_client(stranger.user).get("/api/v1/growth/groupbuy/manage/campaigns").json()["items"] == []


def test_figures_and_excel_exports_of_a_campaign() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, friend, lonely = make_user("团长"), make_user("好友"), make_user("=HYPERLINK(1)")
    first = open_group(leader, c)
    pay(leader, first)
    second = join(friend, group_of(first))
    pay(friend, second)
    pay(lonely, open_group(lonely, c))
    api = api_client(merchant.user)
    figures = api.get(f"/api/v1/growth/groupbuy/manage/campaigns/{c.pk}/figures").json()
    assert figures == {"campaign_id": c.pk, "groups_open": 1, "groups_succeeded": 1, "groups_failed": 0,
                       "members_paid": 2, "units_sold": 2, "gmv_fen": 12000, "units_waiting": 1}
    groups = api.get(f"/api/v1/growth/groupbuy/manage/campaigns/{c.pk}/groups?status=succeeded").json()
    assert [g["id"] for g in groups["items"]] == [group_of(first).pk]
    xlsx = api.get(f"/api/v1/growth/groupbuy/manage/campaigns/{c.pk}/export.xlsx")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    members = list(wb["成员"].iter_rows(values_only=True))
    assert len(members) == 4 and "'=HYPERLINK(1)" in [r[1] for r in members]  # text, never a formula
    assert {r[6] for r in members[1:]} == {"已支付"}
    client = _client(merchant.user)
    page = client.get(f"/groupbuy/manage/{c.pk}/").content.decode()
    assert 'id="campaign-gmv">¥120.00<' in page
    listing = client.get("/groupbuy/manage/")
    assert listing.status_code == 200 and f'data-campaign="{c.pk}"' in listing.content.decode()
    sheet = load_workbook(io.BytesIO(client.get("/groupbuy/manage/export.xlsx").content))["拼团活动"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == c.pk and rows[1][16] == 12000
    one = client.get(f"/groupbuy/manage/{c.pk}/export.xlsx")
    assert one["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["拼团", "成员"]
    assert Event.objects.filter(name="groupbuy.export").count() == 3
    assert _client(make_user("路人")).get("/groupbuy/manage/").status_code == 403


def test_the_merchant_creates_pauses_and_ends_from_the_pages() -> None:
    merchant, sku = shop()
    client = _client(merchant.user)
    form = client.get("/groupbuy/manage/new/").content.decode()
    assert f'value="{sku.pk}"' in form
    now = timezone.localtime()
    answer = client.post("/groupbuy/manage/new/", {
        "sku_id": sku.pk, "group_price": "¥59.90", "leader_price": "", "group_size": "3", "fill_hours": "24",
        "member_limit": "0", "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "succeed_at_expiry": "1"})
    c = GroupBuyCampaign.objects.get()
    assert answer.status_code == 302 and (c.group_price_fen, c.succeed_at_expiry, c.fill_minutes) == (5990, True, 1440)
    bad = client.post("/groupbuy/manage/new/", {"sku_id": sku.pk, "group_price": "abc", "group_size": "3",
                                                "fill_hours": "24", "starts_at": "x", "ends_at": "y"})
    assert bad.status_code == 400 and "拼团价需低于原价" in bad.content.decode()
    client.post(f"/groupbuy/manage/{c.pk}/pause/")
    c.refresh_from_db()
    assert c.status == "paused"
    client.post(f"/groupbuy/manage/{c.pk}/end/")
    c.refresh_from_db()
    assert c.status == "ended"
    assert _client(f.approved_merchant().user).post(f"/groupbuy/manage/{c.pk}/resume/").status_code == 302
    c.refresh_from_db()
    assert c.status == "ended"


def test_operators_create_and_end_campaigns_in_the_back_office() -> None:
    merchant, sku = shop()
    operator = f.operator()
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    client = _client(operator)
    now = timezone.localtime()
    data = {"sku": sku.pk, "title": "", "group_price_fen": "200.00", "group_size": "3", "fill_minutes": "1440",
            "member_limit": "0", "starts_at_0": now.strftime("%Y-%m-%d"), "starts_at_1": now.strftime("%H:%M:%S"),
            "ends_at_0": (now + dt.timedelta(days=2)).strftime("%Y-%m-%d"), "ends_at_1": now.strftime("%H:%M:%S")}
    refused = client.post("/admin/growth_groupbuy/groupbuycampaign/add/", data)
    assert refused.status_code == 200 and "拼团价需低于原价" in refused.content.decode()
    assert client.post("/admin/growth_groupbuy/groupbuycampaign/add/", {**data, "group_price_fen": "60.00"})\
        .status_code == 302
    c = GroupBuyCampaign.objects.get()
    assert c.created_by == operator and CampaignStatusChange.objects.filter(campaign=c).count() == 1
    client.post("/admin/growth_groupbuy/groupbuycampaign/", {"action": "end", "_selected_action": [c.pk]})
    c.refresh_from_db()
    assert c.status == "ended"
    assert client.get(f"/admin/growth_groupbuy/groupbuycampaign/{c.pk}/change/").status_code == 200
    services.campaign_end(user=operator, campaign_id=c.pk)  # a second end: nothing to do
