import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.communities import services
from quanzi.communities.enums import MembershipStatus, Visibility
from quanzi.communities.models import Community, Invitation, Membership, ModerationAction
from quanzi.communities.tests.conftest import Crew, new_community, png_upload

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_discover_lists_by_vertical_with_join_buttons(member):
    new_community(name="美妆研究所", vertical="beauty")
    new_community(name="撸铁日记", vertical="fitness")
    new_community(name="秘密美妆", vertical="beauty", visibility=Visibility.INVITE)
    r = client_for(None).get("/discover/?vertical=beauty")
    html = r.content.decode()
    assert r.status_code == 200
    assert "美妆研究所" in html and "撸铁日记" not in html and "秘密美妆" not in html
    assert 'href="/discover/?vertical=fitness"' in html  # one tab per vertical
    assert 'href="/discover/" class="on"' in html  # the bottom nav marks 发现
    html = client_for(member).get("/discover/").content.decode()
    assert "hx-post=\"/c/" in html and "撸铁日记" in html


def test_search_page(db):
    new_community(name="宝宝辅食研究", vertical="mother_baby", tags=["辅食"])
    html = client_for(None).get("/discover/search/?q=辅食").content.decode()
    assert "宝宝辅食研究" in html
    assert "没有找到相关社群" in client_for(None).get("/discover/search/?q=火星").content.decode()


def test_join_and_leave_in_place_with_htmx(member):
    c = new_community()
    r = client_for(member).post(f"/c/{c.slug}/join/", **HX)
    assert r.status_code == 200 and "已加入" in r.content.decode()
    assert Membership.objects.get(community=c, user=member).status == MembershipStatus.ACTIVE
    r = client_for(member).post(f"/c/{c.slug}/leave/", **HX)
    assert r.status_code == 200 and "加入" in r.content.decode()
    assert Membership.objects.get(community=c, user=member).status == MembershipStatus.LEFT


def test_apply_and_banned_show_their_state(crew_factory, other):
    crew: Crew = crew_factory(Visibility.APPLY)
    r = client_for(other).post(f"/c/{crew.community.slug}/join/", {"apply_note": "你好"}, **HX)
    assert "审核中" in r.content.decode()
    services.member_ban(actor=crew.owner, community=crew.community, user_id=other.pk, reason="骚扰")
    r = client_for(other).post(f"/c/{crew.community.slug}/join/", **HX)
    assert r.status_code == 403 and "封禁" in r.content.decode()


def test_anonymous_join_goes_to_login(db):
    c = new_community()
    r = client_for(None).post(f"/c/{c.slug}/join/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_members_and_rules_pages(crew):
    services.community_update(actor=crew.owner, community=crew.community, rules="禁止发广告")
    slug = crew.community.slug
    html = client_for(None).get(f"/c/{slug}/members/").content.decode()
    assert all(n in html for n in ("群主", "管理员", "达人", "成员"))
    html = client_for(None).get(f"/c/{slug}/members/?role=kol").content.decode()
    assert "达人" in html and f"/u/{crew.member.pk}/" not in html
    html = client_for(None).get(f"/c/{slug}/rules/").content.decode()
    assert "禁止发广告" in html
    assert 'data-perm="set_admin"' in html and 'data-perm="moderate"' in html and "审核入群申请" in html
    assert f"/c/{slug}/manage/" not in html  # no 管理 tab for a visitor
    assert f"/c/{slug}/manage/" in client_for(crew.admin).get(f"/c/{slug}/rules/").content.decode()


def test_invite_only_pages_are_404_to_outsiders(crew_factory, other):
    crew = crew_factory(Visibility.INVITE)
    for path in ("members", "rules", "manage", "invite"):
        r = client_for(other).get(f"/c/{crew.community.slug}/{path}/")
        assert r.status_code == 404, path
    assert client_for(crew.member).get(f"/c/{crew.community.slug}/members/").status_code == 200


def test_manage_page_is_for_owner_and_admin_only(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    services.community_join(user=other, community=crew.community, apply_note="想加入")
    url = f"/c/{crew.community.slug}/manage/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(crew.member).get(url).status_code == 403
    assert client_for(crew.kol).get(url).status_code == 403
    html = client_for(crew.admin).get(url).content.decode()
    assert "想加入" in html and "approve/" in html and 'id="moderation-log"' in html
    assert '<option value="admin"' not in html  # only the owner may make admins
    assert '<option value="admin"' in client_for(crew.owner).get(url).content.decode()


def test_manage_actions_in_place(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    services.community_join(user=other, community=crew.community)
    base = f"/c/{crew.community.slug}/manage/"
    r = client_for(crew.member).post(base + "approve/", {"user_id": other.pk}, **HX)
    assert r.status_code == 403
    r = client_for(crew.admin).post(base + "approve/", {"user_id": other.pk}, **HX)
    assert r.status_code == 200 and "已通过" in r.content.decode()
    r = client_for(crew.admin).post(base + "mute/", {"user_id": other.pk, "hours": "24", "reason": ""}, **HX)
    assert r.status_code == 400 and "理由" in r.content.decode()
    r = client_for(crew.admin).post(base + "mute/", {"user_id": other.pk, "hours": "24", "reason": "刷屏"}, **HX)
    assert r.status_code == 200
    r = client_for(crew.admin).post(base + "ban/", {"user_id": crew.owner.pk, "reason": "x"}, **HX)
    assert r.status_code == 403 and "低于你" in r.content.decode()
    r = client_for(crew.admin).post(base + "explode/", {"user_id": other.pk}, **HX)
    assert r.status_code == 400
    r = client_for(crew.admin).post(base + "ban/", {"user_id": other.pk, "reason": "广告"})
    assert r.status_code == 302
    assert ModerationAction.objects.filter(community=crew.community).values_list("kind", flat=True).count() >= 3
    assert Membership.objects.get(community=crew.community, user=other).status == MembershipStatus.BANNED


def test_report_from_a_page(crew):
    r = client_for(crew.member).post(f"/c/{crew.community.slug}/report/",
                                     {"target_type": "member", "target_id": crew.kol.pk, "reason": "广告"}, **HX)
    assert r.status_code == 200 and "已举报" in r.content.decode()
    r = client_for(crew.member).post(f"/c/{crew.community.slug}/report/",
                                     {"target_type": "member", "target_id": "x", "reason": "广告"}, **HX)
    assert r.status_code == 400


def test_invite_page_makes_a_link_and_join_page_uses_it(crew, other):
    slug = crew.community.slug
    assert client_for(other).get(f"/c/{slug}/invite/").status_code == 403
    r = client_for(crew.member).post(f"/c/{slug}/invite/", {"max_uses": "abc"})
    assert r.status_code == 400 and "正整数" in r.content.decode()
    r = client_for(crew.member).post(f"/c/{slug}/invite/", {"max_uses": "3", "days": "7"})
    inv = Invitation.objects.get(community=crew.community, created_by=crew.member)
    assert r.status_code == 200 and f"/join/{inv.code}/" in r.content.decode()
    html = client_for(None).get(f"/join/{inv.code}/").content.decode()
    assert crew.community.name in html and "成员 邀请你加入" in html and "登录后加入" in html
    r = client_for(other).post(f"/join/{inv.code}/")
    assert r.status_code == 302 and r["Location"] == f"/c/{slug}/"
    assert Membership.objects.get(community=crew.community, user=other).invited_by_id == crew.member.pk
    assert client_for(other).get("/join/nope/").status_code == 404


def test_create_form_shows_errors_and_creates(member):
    assert client_for(None).get("/c/new/").status_code == 302
    c = client_for(member)
    assert c.get("/c/new/").status_code == 200
    r = c.post("/c/new/", {"name": "好物", "slug": "Bad Slug", "vertical": "food", "visibility": "public"})
    assert r.status_code == 400 and "短链接" in r.content.decode()
    assert 'value="好物"' in r.content.decode()  # the form keeps what was typed
    r = c.post("/c/new/", {"name": "好物分享", "slug": "haowu", "vertical": "food", "visibility": "apply",
                           "tags": "零食，饮料", "cover": png_upload()})
    assert r.status_code == 302 and r["Location"] == "/c/haowu/"
    created = Community.objects.get(slug="haowu")
    assert created.tags == ["零食", "饮料"] and created.owner == member and created.cover


def test_edit_is_for_the_owner(crew):
    url = f"/c/{crew.community.slug}/edit/"
    assert client_for(crew.admin).get(url).status_code == 403
    assert client_for(crew.owner).get(url).status_code == 200
    r = client_for(crew.owner).post(url, {"name": "x", "vertical": "beauty", "visibility": "public"})
    assert r.status_code == 400 and "2–40" in r.content.decode()
    r = client_for(crew.owner).post(url, {"name": "新名字", "vertical": "beauty", "visibility": "apply",
                                          "rules": "友善"})
    assert r.status_code == 302
    crew.community.refresh_from_db()
    assert (crew.community.name, crew.community.visibility, crew.community.rules) == ("新名字", "apply", "友善")


def test_my_communities(member):
    assert client_for(None).get("/my/communities/").status_code == 302
    mine = new_community(member, name="我的小圈")
    new_community(name="别人的圈")
    html = client_for(member).get("/my/communities/").content.decode()
    assert mine.name in html and "别人的圈" not in html
    assert 'href="/my/communities/" class="on"' in html


def test_header_include_for_other_apps(crew):
    request = RequestFactory().get("/")
    request.user = crew.admin
    html = render_to_string("communities/_header.html", {
        "community": crew.community, "membership": Membership.objects.get(community=crew.community,
                                                                          user=crew.admin),
        "tab": "feed", "user": crew.admin, "request": request})
    assert crew.community.name in html and "已加入" in html and f"/c/{crew.community.slug}/events/" in html
    assert f"/c/{crew.community.slug}/manage/" in html and f"/c/{crew.community.slug}/invite/" in html
    request.user = make_user()
    html = render_to_string("communities/_header.html", {"community": crew.community, "membership": None,
                                                         "user": request.user, "request": request})
    assert "/manage/" not in html and f'hx-post="/c/{crew.community.slug}/join/"' in html


def test_joining_on_the_community_page_refreshes_it_but_not_on_discover(user_factory):
    from django.test import Client

    from quanzi.communities import services

    owner, joiner, other = user_factory(), user_factory(), user_factory()
    c = services.community_create(owner=owner, name="跑步圈", slug="run-refresh", vertical="fitness")
    client = Client()
    client.force_login(joiner)
    r = client.post(f"/c/{c.slug}/join/", HTTP_HX_REQUEST="true",
                    HTTP_HX_CURRENT_URL=f"http://testserver/c/{c.slug}/")
    assert r.status_code == 200 and r["HX-Refresh"] == "true"
    client.force_login(other)
    r = client.post(f"/c/{c.slug}/join/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/discover/")
    assert r.status_code == 200 and "HX-Refresh" not in r
