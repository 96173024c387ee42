import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.communities import selectors, services
from quanzi.communities.enums import ReportStatus, Role, Visibility
from quanzi.communities.models import Community
from quanzi.communities.permissions import role_permissions
from quanzi.communities.tests.conftest import new_community
from quanzi.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def grow(community: Community, n: int) -> None:
    for _ in range(n):
        services.community_join(user=make_user(), community=community)


def test_discover_orders_by_members_filters_vertical_and_hides_invite_only(member):
    small = new_community(vertical="beauty")
    big = new_community(vertical="beauty")
    grow(big, 2)
    food = new_community(vertical="food")
    hidden = new_community(member, vertical="beauty", visibility=Visibility.INVITE)
    anon = AnonymousUser()
    assert list(selectors.community_list(user=anon, vertical="beauty")) == [big, small]
    assert food in selectors.community_list(user=anon)
    assert hidden not in selectors.community_list(user=anon)
    assert hidden in selectors.community_list(user=User.objects.get(pk=member.pk), vertical="beauty")
    with pytest.raises(InvalidInput):
        selectors.community_list(user=anon, vertical="cars")


def test_search_matches_chinese_terms_and_ranks_by_matched_terms(other):
    both = new_community(name="母婴好物分享", positioning="宝妈交流", tags=["辅食"])
    one = new_community(name="好物推荐", positioning="数码", vertical="digital")
    grow(one, 3)  # bigger, but matches fewer terms
    none = new_community(name="健身打卡", positioning="减脂增肌")
    hidden = new_community(name="母婴秘密圈", visibility=Visibility.INVITE)
    anon = AnonymousUser()
    found = list(selectors.community_search(user=anon, q="母婴好物"))
    assert found[0] == both and one in found and none not in found and hidden not in found
    assert list(selectors.community_search(user=anon, q="辅食")) == [both]  # tags are searched
    spaced = list(selectors.community_search(user=anon, q="减脂  宝妈"))
    assert set(spaced) == {none, both}
    assert list(selectors.community_search(user=anon, q="   ")) == []


def test_search_terms_split_on_space_or_with_jieba():
    assert selectors.search_terms("健身 减脂") == ["健身", "减脂"]
    terms = selectors.search_terms("母婴好物")
    assert "母婴" in terms and "好物" in terms
    assert selectors.search_terms("？！") == []


def test_search_updates_after_edit(member):
    c = new_community(member, name="旧名字圈")
    services.community_update(actor=member, community=c, name="猫咪日常", tags=["布偶猫"])
    assert list(selectors.community_search(user=AnonymousUser(), q="布偶猫")) == [c]
    assert list(selectors.community_search(user=AnonymousUser(), q="旧名字")) == []


def test_my_communities_lists_active_ones_with_role(member):
    mine = new_community(member)
    joined = new_community()
    services.community_join(user=member, community=joined)
    left = new_community()
    services.community_join(user=member, community=left)
    services.community_leave(user=member, community=left)
    got = {c.pk: c.my_role for c in selectors.my_communities(user=member)}
    assert got == {mine.pk: Role.OWNER, joined.pk: Role.MEMBER}
    assert list(selectors.my_communities(user=AnonymousUser())) == []


def test_member_list_orders_by_role_and_filters(crew):
    rows = list(selectors.member_list(community=crew.community, viewer=AnonymousUser()))
    assert [m.role for m in rows] == ["owner", "admin", "kol", "member"]
    assert rows[0].user.nickname == "群主"
    kols = selectors.member_list(community=crew.community, viewer=crew.member, role="kol")
    assert [m.user_id for m in kols] == [crew.kol.pk]
    with pytest.raises(InvalidInput):
        selectors.member_list(community=crew.community, viewer=crew.member, role="boss")


def test_invite_only_member_list_is_hidden(member, other):
    c = new_community(member, visibility=Visibility.INVITE)
    with pytest.raises(NotFound):
        selectors.member_list(community=c, viewer=other)
    assert len(selectors.member_list(community=c, viewer=User.objects.get(pk=member.pk))) == 1


def test_management_lists_need_the_right_permission(crew, other):
    c = crew.community
    for fn in (selectors.pending_list, selectors.report_list, selectors.moderation_log, selectors.banned_list):
        with pytest.raises(PermissionDenied):
            fn(community=c, viewer=crew.member)
        with pytest.raises(PermissionDenied):
            fn(community=c, viewer=other)
        assert fn(community=c, viewer=crew.admin) is not None


def test_reports_open_first(crew):
    r1 = services.report_create(reporter=crew.member, community=crew.community, target_type="member",
                                target_id=crew.kol.pk, reason="a")
    r2 = services.report_create(reporter=crew.kol, community=crew.community, target_type="member",
                                target_id=crew.member.pk, reason="b")
    services.report_resolve(actor=crew.admin, community=crew.community, report_id=r2.pk)
    r3 = services.report_create(reporter=crew.admin, community=crew.community, target_type="member",
                                target_id=crew.member.pk, reason="c")
    rows = list(selectors.report_list(community=crew.community, viewer=crew.admin))
    assert [r.pk for r in rows] == [r3.pk, r1.pk, r2.pk]
    assert [r.pk for r in selectors.report_list(community=crew.community, viewer=crew.admin,
                                                status=ReportStatus.RESOLVED)] == [r2.pk]


def test_invitation_list_shows_own_codes_to_members_and_all_to_moderators(crew):
    mine = services.invitation_create(actor=crew.member, community=crew.community)
    theirs = services.invitation_create(actor=crew.kol, community=crew.community)
    assert list(selectors.invitation_list(community=crew.community, viewer=crew.member)) == [mine]
    assert set(selectors.invitation_list(community=crew.community, viewer=crew.admin)) == {mine, theirs}
    assert selectors.invitation_is_usable(mine)
    mine.expires_at = timezone.now() - dt.timedelta(seconds=1)
    assert not selectors.invitation_is_usable(mine)


def test_moderation_log_newest_first(crew):
    until = timezone.now() + dt.timedelta(hours=1)
    services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.member.pk, until=until, reason="x")
    services.member_unmute(actor=crew.admin, community=crew.community, user_id=crew.member.pk)
    kinds = [a.kind for a in selectors.moderation_log(community=crew.community, viewer=crew.owner)]
    assert kinds[:2] == ["unmute", "mute"]


def test_community_for_join_needs_a_code_for_invite_only(member, other):
    c = new_community(member, visibility=Visibility.INVITE)
    inv = services.invitation_create(actor=member, community=c)
    with pytest.raises(NotFound):
        selectors.community_for_join(slug=c.slug, user=other)
    with pytest.raises(NotFound):
        selectors.community_for_join(slug=c.slug, user=other, code="nope")
    assert selectors.community_for_join(slug=c.slug, user=other, code=inv.code) == c


def test_viewer_permissions_follow_the_written_list(crew):
    perms = selectors.viewer_permissions(user=crew.admin, community=crew.community)
    assert perms == [code for code, _text in role_permissions(Role.ADMIN)]
    assert selectors.viewer_permissions(user=AnonymousUser(), community=crew.community) == ["view"]
