import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.accounts.models import User
from quanzi.communities import services
from quanzi.communities.enums import MembershipStatus, Visibility
from quanzi.communities.models import Community, Membership, ModerationAction
from quanzi.communities.tests.conftest import Crew, make_crew, new_community, png_upload

pytestmark = pytest.mark.django_db

BASE = "/api/v1/communities"
FUTURE = (timezone.now() + dt.timedelta(days=1)).isoformat()


def post(client: Any, path: str, body: Any = None) -> Any:
    return client.post(path, body if body is not None else {}, content_type="application/json")


def call(client: Any, method: str, path: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body if body is not None else {}, content_type="application/json")


# Endpoints that need a permission only owners / admins hold: (method, path, body).
# {slug} is the community, {uid} a plain member, {rid} an open report, {iid} an invitation made by the KOL.
MODERATION_ENDPOINTS = [
    ("patch", "/{slug}", {"name": "改个名字"}),
    ("get", "/{slug}/pending", None),
    ("post", "/{slug}/pending/{uid}/approve", None),
    ("post", "/{slug}/pending/{uid}/reject", {"reason": "x"}),
    ("put", "/{slug}/members/{uid}/role", {"role": "kol"}),
    ("post", "/{slug}/members/{uid}/mute", {"until": FUTURE, "reason": "刷屏"}),
    ("delete", "/{slug}/members/{uid}/mute", None),
    ("post", "/{slug}/members/{uid}/ban", {"reason": "广告"}),
    ("delete", "/{slug}/members/{uid}/ban", None),
    ("post", "/{slug}/invitations/{iid}/revoke", None),
    ("get", "/{slug}/reports", None),
    ("post", "/{slug}/reports/{rid}/resolve", {"note": ""}),
    ("post", "/{slug}/reports/{rid}/dismiss", {"note": ""}),
    ("get", "/{slug}/moderation-log", None),
]

# Endpoints any active member may use, but not a stranger.
MEMBER_ENDPOINTS = [
    ("post", "/{slug}/invitations", {}),
    ("get", "/{slug}/invitations", None),
    ("post", "/{slug}/reports", {"target_type": "member", "target_id": "{kol}", "reason": "广告"}),
]


def _fill(crew: Crew, path: str, body: Any) -> tuple[str, Any]:
    inv = services.invitation_create(actor=crew.kol, community=crew.community)
    report = services.report_create(reporter=crew.kol, community=crew.community, target_type="member",
                                    target_id=crew.member.pk, reason="广告")
    subs = {"{slug}": crew.community.slug, "{uid}": str(crew.member.pk), "{rid}": str(report.pk),
            "{iid}": str(inv.pk), "{kol}": str(crew.kol.pk)}
    for k, v in subs.items():
        path = path.replace(k, v)
    if isinstance(body, dict):
        body = {k: (int(subs[v]) if isinstance(v, str) and v in subs else v) for k, v in body.items()}
    return BASE + path, body


@pytest.mark.parametrize(("method", "path", "body"), MODERATION_ENDPOINTS + MEMBER_ENDPOINTS)
def test_anonymous_gets_401(crew, method, path, body):
    url, body = _fill(crew, path, body)
    r = call(api_client(), method, url, body)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), MODERATION_ENDPOINTS + MEMBER_ENDPOINTS)
def test_member_of_another_community_gets_403(crew, method, path, body):
    stranger = make_crew()  # the admin of another community
    url, body = _fill(crew, path, body)
    r = call(api_client(stranger.admin), method, url, body)
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "not_member"


@pytest.mark.parametrize(("method", "path", "body"), MODERATION_ENDPOINTS)
def test_plain_member_cannot_moderate(crew, method, path, body):
    url, body = _fill(crew, path, body)
    r = call(api_client(crew.member), method, url, body)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    if "/invitations/" not in path:  # the KOL made that invitation, so may revoke it
        r = call(api_client(crew.kol), method, url, body)
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path", "body"), MODERATION_ENDPOINTS + MEMBER_ENDPOINTS)
def test_invite_only_community_is_a_404_to_outsiders(crew_factory, method, path, body):
    crew = crew_factory(Visibility.INVITE)
    url, body = _fill(crew, path, body)
    r = call(api_client(make_user()), method, url, body)
    assert r.status_code == 404 and r.json()["code"] == "community_not_found"


@pytest.mark.parametrize(("method", "path", "body"), MODERATION_ENDPOINTS)
def test_the_owner_may_use_every_moderation_endpoint(crew, method, path, body):
    url, body = _fill(crew, path, body)
    if "approve" in path or "reject" in path:  # needs an application to act on
        Membership.objects.filter(community=crew.community, user=crew.member).update(
            status=MembershipStatus.PENDING)
    if method == "delete" and path.endswith("/mute"):
        services.member_mute(actor=crew.owner, community=crew.community, user_id=crew.member.pk,
                             until=timezone.now() + dt.timedelta(hours=1), reason="x")
    if method == "delete" and path.endswith("/ban"):
        services.member_ban(actor=crew.owner, community=crew.community, user_id=crew.member.pk, reason="x")
    r = call(api_client(User.objects.get(pk=crew.owner.pk)), method, url, body)
    assert r.status_code == 200, r.content


@pytest.mark.parametrize(("method", "path", "body"), MEMBER_ENDPOINTS)
def test_a_member_may_invite_and_report(crew, method, path, body):
    url, body = _fill(crew, path, body)
    r = call(api_client(crew.member), method, url, body)
    assert r.status_code in (200, 201), r.content


@pytest.mark.parametrize("path", ["/mine", "/join/abc"])
def test_login_needed_for_mine_and_redeem(db, path):
    r = api_client().get(BASE + path) if path == "/mine" else post(api_client(), BASE + path)
    assert r.status_code == 401


def test_create_and_detail(member):
    body = {"name": "猫咪日常", "slug": "cats", "vertical": "pets", "tags": ["布偶"], "visibility": "apply"}
    assert post(api_client(), BASE, body).status_code == 401
    r = post(api_client(member), BASE, body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["membership"]["role"] == "owner" and "edit_community" in data["permissions"]
    assert data["member_count"] == 1 and data["vertical_label"] == "宠物"
    r = post(api_client(member), BASE, body)
    assert r.status_code == 409 and r.json()["code"] == "slug_taken"
    r = post(api_client(member), BASE, {**body, "slug": "x y"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_slug"
    r = post(api_client(member), BASE, {"name": "缺字段"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    anon = api_client().get(f"{BASE}/cats").json()
    assert anon["membership"] is None and anon["permissions"] == ["view"]
    assert api_client().get(f"{BASE}/nope").status_code == 404


def test_update_and_cover(crew):
    owner = api_client(crew.owner)
    r = owner.patch(f"{BASE}/{crew.community.slug}", {"tags": ["a" * 13]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "tag_too_long"
    r = owner.post(f"{BASE}/{crew.community.slug}/cover", {"file": png_upload()})
    assert r.status_code == 200 and r.json()["cover_url"].endswith(".png")
    bad = SimpleUploadedFile("a.png", b"nope", content_type="image/png")
    r = owner.post(f"{BASE}/{crew.community.slug}/cover", {"file": bad})
    assert r.status_code == 400 and r.json()["code"] == "image_invalid"
    r = api_client(crew.admin).post(f"{BASE}/{crew.community.slug}/cover", {"file": png_upload()})
    assert r.status_code == 403


def test_discover_search_and_pagination(member):
    a = new_community(name="健身打卡营", vertical="fitness")
    new_community(name="减脂食谱", vertical="food")
    new_community(name="健身秘密圈", vertical="fitness", visibility=Visibility.INVITE)
    services.community_join(user=member, community=a)
    r = api_client().get(f"{BASE}?vertical=fitness").json()
    assert [c["name"] for c in r["items"]] == ["健身打卡营"]
    r = api_client().get(f"{BASE}?page_size=1").json()
    assert r["count"] == 2 and len(r["items"]) == 1 and r["has_next"] is True
    assert api_client().get(f"{BASE}?vertical=cars").json()["code"] == "invalid_vertical"
    r = api_client().get(f"{BASE}/search?q=健身").json()
    assert [c["name"] for c in r["items"]] == ["健身打卡营"]
    r = api_client(member).get(f"{BASE}/mine").json()
    assert [(c["name"], c["my_role"]) for c in r["items"]] == [("健身打卡营", "member")]


def test_roles_lists_the_written_permissions(db):
    r = api_client().get(f"{BASE}/roles").json()
    by_role = {row["role"]: [p["code"] for p in row["permissions"]] for row in r}
    assert "set_admin" in by_role["owner"] and "set_admin" not in by_role["admin"]
    assert "moderate" not in by_role["member"] and "post" in by_role["member"]
    assert r[0]["label"] == "群主"
    assert api_client().get(f"{BASE}/{new_community().slug}/roles").json() == r
    hidden = new_community(visibility=Visibility.INVITE)
    assert api_client().get(f"{BASE}/{hidden.slug}/roles").status_code == 404


def test_join_apply_approve_leave_flow(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    slug = crew.community.slug
    r = post(api_client(other), f"{BASE}/{slug}/join", {"apply_note": "想学化妆"})
    assert r.status_code == 200 and r.json()["status"] == "pending"
    pending = api_client(crew.admin).get(f"{BASE}/{slug}/pending").json()
    assert [p["user"]["id"] for p in pending["items"]] == [other.pk]
    assert pending["items"][0]["apply_note"] == "想学化妆"
    r = post(api_client(crew.admin), f"{BASE}/{slug}/pending/{other.pk}/approve")
    assert r.status_code == 200 and r.json()["status"] == "active"
    r = post(api_client(crew.admin), f"{BASE}/{slug}/pending/{other.pk}/approve")
    assert r.status_code == 404 and r.json()["code"] == "application_not_found"
    assert api_client().get(f"{BASE}/{slug}").json()["member_count"] == 5
    r = post(api_client(other), f"{BASE}/{slug}/leave")
    assert r.status_code == 200 and r.json()["status"] == "left"
    r = post(api_client(crew.owner), f"{BASE}/{slug}/leave")
    assert r.status_code == 409 and r.json()["code"] == "owner_cannot_leave"


def test_invite_only_join_with_code(crew_factory, other):
    crew = crew_factory(Visibility.INVITE)
    slug = crew.community.slug
    assert api_client(other).get(f"{BASE}/{slug}").status_code == 404
    assert api_client().get(f"{BASE}/{slug}/members").status_code == 404
    assert post(api_client(other), f"{BASE}/{slug}/join").status_code == 404
    r = post(api_client(crew.member), f"{BASE}/{slug}/invitations", {"max_uses": 1})
    assert r.status_code == 201
    code = r.json()["code"]
    assert r.json()["url"] == f"/join/{code}/"
    preview = api_client().get(f"{BASE}/join/{code}").json()
    assert preview["community"]["slug"] == slug and preview["usable"] is True
    r = post(api_client(other), f"{BASE}/{slug}/join", {"code": code})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert api_client(other).get(f"{BASE}/{slug}").status_code == 200
    r = post(api_client(make_user()), f"{BASE}/join/{code}")
    assert r.status_code == 409 and r.json()["code"] == "invitation_used_up"
    m = Membership.objects.get(user=other, community=crew.community)
    assert m.invited_by_id == crew.member.pk
    assert api_client().get(f"{BASE}/join/nope").status_code == 404


def test_members_list_filter_and_pagination(crew):
    r = api_client().get(f"{BASE}/{crew.community.slug}/members?page_size=2").json()
    assert r["count"] == 4 and [m["role"] for m in r["items"]] == ["owner", "admin"]
    r = api_client().get(f"{BASE}/{crew.community.slug}/members?role=kol").json()
    assert [m["user"]["nickname"] for m in r["items"]] == ["达人"]
    r = api_client().get(f"{BASE}/{crew.community.slug}/members?role=boss")
    assert r.status_code == 400 and r.json()["code"] == "invalid_role"


def test_roles_mute_ban_via_api(crew):
    slug = crew.community.slug
    admin = api_client(crew.admin)
    r = admin.put(f"{BASE}/{slug}/members/{crew.member.pk}/role", {"role": "admin"}, content_type="application/json")
    assert r.status_code == 403
    r = admin.put(f"{BASE}/{slug}/members/{crew.owner.pk}/role", {"role": "member"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "cannot_change_owner"
    r = post(admin, f"{BASE}/{slug}/members/{crew.owner.pk}/mute", {"until": FUTURE, "reason": "x"})
    assert r.status_code == 403 and r.json()["code"] == "outranked"
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    r = post(admin, f"{BASE}/{slug}/members/{crew.member.pk}/mute", {"until": past, "reason": "x"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_until"
    r = post(admin, f"{BASE}/{slug}/members/{crew.member.pk}/mute", {"until": FUTURE, "reason": "刷屏"})
    assert r.status_code == 200 and r.json()["muted_until"] is not None
    r = post(admin, f"{BASE}/{slug}/members/{crew.member.pk}/ban", {"reason": ""})
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = post(admin, f"{BASE}/{slug}/members/{crew.member.pk}/ban", {"reason": "广告"})
    assert r.status_code == 200 and r.json()["status"] == "banned"
    r = post(api_client(crew.member), f"{BASE}/{slug}/join")
    assert r.status_code == 403 and r.json()["code"] == "banned"
    log = admin.get(f"{BASE}/{slug}/moderation-log").json()
    assert [e["kind"] for e in log["items"]][:2] == ["ban", "mute"]
    assert log["items"][0]["kind_label"] == "封禁"


def test_reports_via_api(crew):
    slug = crew.community.slug
    r = post(api_client(crew.member), f"{BASE}/{slug}/reports", {"target_type": "post", "target_id": 999,
                                                                 "reason": "广告"})
    assert r.status_code == 400 and r.json()["code"] == "report_target_not_found"
    r = post(api_client(crew.member), f"{BASE}/{slug}/reports", {"target_type": "member",
                                                                 "target_id": crew.kol.pk, "reason": "广告"})
    assert r.status_code == 201
    rid = r.json()["id"]
    listing = api_client(crew.admin).get(f"{BASE}/{slug}/reports?status=open").json()
    assert [x["id"] for x in listing["items"]] == [rid]
    r = post(api_client(crew.admin), f"{BASE}/{slug}/reports/{rid}/resolve", {"note": "已处理"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    r = post(api_client(crew.admin), f"{BASE}/{slug}/reports/{rid}/dismiss", {})
    assert r.status_code == 409 and r.json()["code"] == "report_closed"
    assert ModerationAction.objects.filter(community=crew.community, kind="resolve_report").count() == 1


def test_admin_power_stops_at_the_community_border(crew):
    other_c: Community = new_community()
    services.community_join(user=User.objects.get(pk=crew.member.pk), community=other_c)
    r = post(api_client(crew.admin), f"{BASE}/{other_c.slug}/members/{crew.member.pk}/ban", {"reason": "x"})
    assert r.status_code == 403
    assert Membership.objects.get(community=other_c, user=crew.member).status == MembershipStatus.ACTIVE
