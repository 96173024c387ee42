"""Reports from the pages (posts, comments, members), the moderators' queue and log linking to what they are
about, and the manage page's paged, searchable member list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.communities import services
from quanzi.communities.models import Report
from quanzi.communities.tests.conftest import Crew
from quanzi.content import services as content

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_member_reports_a_post_and_the_owner_follows_the_link(crew: Crew):
    post = content.post_create(author=crew.kol, community=crew.community, body="这里有违规的广告内容")
    reader = client_for(crew.member)
    page = reader.get(f"/p/{post.pk}/").content.decode()
    assert f'data-report="post-{post.pk}"' in page and "举报" in page
    r = reader.post(f"/c/{crew.community.slug}/report/", {"target_type": "post", "target_id": post.pk,
                                                          "reason": "垃圾广告"}, **HX)
    assert "已举报" in r.content.decode()
    report = Report.objects.get(community=crew.community, target_id=post.pk)
    assert report.reporter == crew.member and report.reason == "垃圾广告"

    manage = client_for(crew.owner).get(f"/c/{crew.community.slug}/manage/").content.decode()
    links = re.findall(r'<a class="tag link" href="([^"]+)" data-report-target>', manage)
    assert links == [f"/p/{post.pk}/"]
    assert f"#{post.pk}" not in manage  # the bare "帖子 #268" is gone
    assert client_for(crew.owner).get(links[0]).status_code == 200


def test_the_author_has_no_report_button_and_a_second_report_is_refused(crew: Crew):
    post = content.post_create(author=crew.kol, community=crew.community, body="自己的帖子")
    assert 'data-report="post-' not in client_for(crew.kol).get(f"/p/{post.pk}/").content.decode()
    reader = client_for(crew.member)
    data = {"target_type": "post", "target_id": post.pk, "reason": "其他"}
    reader.post(f"/c/{crew.community.slug}/report/", data, **HX)
    again = reader.post(f"/c/{crew.community.slug}/report/", data, **HX).content.decode()
    assert "你已举报过" in again
    assert Report.objects.filter(target_id=post.pk).count() == 1


def test_comment_and_member_reports_link_to_the_comment_and_the_member(crew: Crew):
    post = content.post_create(author=crew.kol, community=crew.community, body="正常的帖子")
    comment = content.comment_create(author=crew.kol, post=post, body="一条评论")
    reader = client_for(crew.member)
    assert f'data-report="comment-{comment.pk}"' in reader.get(f"/p/{post.pk}/").content.decode()
    assert f'data-report="member-{crew.kol.pk}"' in reader.get(
        f"/c/{crew.community.slug}/members/").content.decode()
    for target_type, target_id in (("comment", comment.pk), ("member", crew.kol.pk)):
        reader.post(f"/c/{crew.community.slug}/report/", {"target_type": target_type, "target_id": target_id,
                                                          "reason": "人身攻击"}, **HX)
    manage = client_for(crew.admin).get(f"/c/{crew.community.slug}/manage/").content.decode()
    links = set(re.findall(r'<a class="tag link" href="([^"]+)" data-report-target>', manage))
    assert links == {f"/p/{post.pk}/#c{comment.pk}", f"/u/{crew.kol.pk}/"}
    # the moderators' decision shows in the log, with a link to the comment it was about
    report = Report.objects.get(target_type="comment")
    services.report_resolve(actor=crew.admin, community=crew.community, report_id=report.pk, note="已删除")
    content.comment_fold(actor=crew.admin, comment=comment, reason="人身攻击")
    log = client_for(crew.admin).get(f"/c/{crew.community.slug}/manage/").content.decode()
    section = log.split('id="moderation-log"')[1]
    assert f'href="/p/{post.pk}/#c{comment.pk}"' in section
    assert f"comment #{comment.pk}" not in section


def test_manage_member_list_is_paged_and_searchable(crew: Crew):
    for i in range(45):
        services.community_join(user=make_user(f"跑友{i:02d}"), community=crew.community)
    owner = client_for(crew.owner)
    first = owner.get(f"/c/{crew.community.slug}/manage/").content.decode()
    assert first.count("<details style=") <= 20 and "1 / 3" in first  # 49 members, 20 a page
    third = owner.get(f"/c/{crew.community.slug}/manage/?page=3").content.decode()
    assert "3 / 3" in third
    found = owner.get(f"/c/{crew.community.slug}/manage/?q=跑友07").content.decode()
    assert "跑友07" in found and "跑友08" not in found
    # the end of a phone number finds a member for those who approve members
    target = User.objects.get(nickname="跑友31")
    by_phone = owner.get(f"/c/{crew.community.slug}/manage/?q={target.phone[-4:]}").content.decode()
    assert "跑友31" in by_phone and "跑友30" not in by_phone
    none = owner.get(f"/c/{crew.community.slug}/manage/?q=没有这个人").content.decode()
    assert "没有找到匹配的成员" in none


def test_phone_suffix_search_is_not_for_plain_members(crew: Crew):
    from quanzi.communities import selectors

    target = make_user("隐私用户")
    services.community_join(user=target, community=crew.community)
    suffix = target.phone[-4:]
    assert not selectors.member_list(community=crew.community, viewer=crew.member, q=suffix).filter(
        user=target).exists()
    assert selectors.member_list(community=crew.community, viewer=crew.owner, q=suffix).filter(
        user=target).exists()
