import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.communities import services
from quanzi.communities.models import ModerationAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db: None) -> Client:
    admin_user = User.objects.create_superuser(phone="13700000000", password="admin-pass-1", nickname="运营")
    c = Client()
    c.force_login(admin_user)
    return c


def test_changelists_load_with_filters_and_search(staff, crew):
    services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.member.pk,
                         until=timezone.now() + dt.timedelta(hours=1), reason="刷屏")
    for url in ("/admin/communities/community/?vertical__exact=beauty&q=测试",
                "/admin/communities/membership/?role__exact=admin",
                "/admin/communities/invitation/", "/admin/communities/report/",
                "/admin/communities/moderationaction/?kind__exact=mute"):
        r = staff.get(url)
        assert r.status_code == 200, url
    assert "社群" in staff.get("/admin/communities/community/").content.decode()


def test_moderation_log_is_read_only(staff, crew):
    services.member_ban(actor=crew.admin, community=crew.community, user_id=crew.member.pk, reason="广告")
    action = ModerationAction.objects.get(kind="ban")
    r = staff.post(f"/admin/communities/moderationaction/{action.pk}/change/", {"reason": "改掉"})
    assert r.status_code == 403
    assert staff.post(f"/admin/communities/moderationaction/{action.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff.get("/admin/communities/moderationaction/add/").status_code == 403
    action.refresh_from_db()
    assert action.reason == "广告"
