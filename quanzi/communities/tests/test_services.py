import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification, User
from quanzi.communities import selectors, services
from quanzi.communities.enums import MembershipStatus, ModerationKind, ReportStatus, Role, Visibility
from quanzi.communities.models import Community, Invitation, Membership, ModerationAction, Report
from quanzi.communities.tests.conftest import make_crew, new_community, png_upload
from quanzi.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def count(community: Community) -> int:
    community.refresh_from_db()
    return community.member_count


# --- create / update -------------------------------------------------------------------------------------


def test_create_makes_the_creator_owner_and_counts_one_member(member):
    c = services.community_create(owner=member, name="宝妈交流圈", slug="Mama-Club", vertical="mother_baby",
                                  tags=["#辅食", "早教", "辅食"], positioning="0-3 岁宝宝", rules="友善交流",
                                  cover=png_upload())
    assert c.slug == "mama-club" and c.tags == ["辅食", "早教"] and c.member_count == 1
    assert c.cover.name.endswith(".png")
    m = Membership.objects.get(community=c, user=member)
    assert (m.role, m.status) == (Role.OWNER, MembershipStatus.ACTIVE)
    assert selectors.active_role(user=fresh(member), community=c) == Role.OWNER
    assert Event.objects.filter(name="community.create", community_id=c.pk).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": "x"}, "invalid_name"),
        ({"slug": "A b"}, "invalid_slug"),
        ({"slug": "-ab"}, "invalid_slug"),
        ({"slug": "new"}, "slug_taken"),
        ({"vertical": "cars"}, "invalid_vertical"),
        ({"visibility": "secret"}, "invalid_visibility"),
        ({"tags": [f"标签{i}" for i in range(11)]}, "too_many_tags"),
        ({"tags": ["这个标签实在是太长了超过十二个字"]}, "tag_too_long"),
        ({"positioning": "长" * 201}, "positioning_too_long"),
        ({"cover": SimpleUploadedFile("a.png", b"nope", content_type="image/png")}, "image_invalid"),
    ],
)
def test_create_rejects_bad_input_with_a_code(member, kwargs, code):
    fields = {"name": "好圈子", "slug": "good-one", "vertical": "food", **kwargs}
    with pytest.raises(DomainError) as exc:
        services.community_create(owner=member, **fields)
    assert exc.value.code == code
    assert not Community.objects.filter(owner=member).exists()


def test_slug_must_be_unique(member, other):
    new_community(member, slug="same-slug")
    with pytest.raises(Conflict) as exc:
        new_community(other, slug="same-slug")
    assert exc.value.code == "slug_taken"


def test_update_needs_edit_permission_and_is_audited(crew):
    with pytest.raises(PermissionDenied):
        services.community_update(actor=crew.admin, community=crew.community, name="改名")
    c = services.community_update(actor=crew.owner, community=crew.community, name="新名字", tags=["护肤"],
                                  rules="不许打广告")
    c.refresh_from_db()
    assert (c.name, c.tags, c.rules) == ("新名字", ["护肤"], "不许打广告")
    log = ModerationAction.objects.filter(community=c, kind=ModerationKind.UPDATE)
    assert log.count() == 1 and set(log.get().detail["fields"]) == {"name", "tags", "rules"}


# --- join / apply / leave --------------------------------------------------------------------------------


def test_join_public_is_active_and_idempotent_and_rejoin_works(member):
    c = new_community()
    m = services.community_join(user=member, community=c)
    assert m.status == MembershipStatus.ACTIVE and count(c) == 2
    services.community_join(user=fresh(member), community=c)
    assert count(c) == 2
    services.community_leave(user=fresh(member), community=c)
    assert count(c) == 1
    assert selectors.active_role(user=fresh(member), community=c) is None
    services.community_join(user=fresh(member), community=c)
    assert count(c) == 2
    assert Event.objects.filter(name="community.join", user=member, community_id=c.pk).count() == 2


def test_apply_goes_pending_and_approval_activates_and_notifies(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    m = services.community_join(user=other, community=crew.community, apply_note="我是新手妈妈")
    assert (m.status, m.apply_note) == (MembershipStatus.PENDING, "我是新手妈妈")
    assert count(crew.community) == 4
    assert not selectors.has_perm(user=fresh(other), community=crew.community, perm="post")
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=crew.member, community=crew.community, user_id=other.pk)
    m = services.membership_approve(actor=crew.admin, community=crew.community, user_id=other.pk)
    assert m.status == MembershipStatus.ACTIVE and count(crew.community) == 5
    assert ModerationAction.objects.filter(kind=ModerationKind.APPROVE, target_user=other).count() == 1
    note = Notification.objects.get(recipient=other)
    assert note.kind == "approval" and crew.community.name in note.text
    with pytest.raises(NotFound):  # nothing pending any more
        services.membership_approve(actor=crew.admin, community=crew.community, user_id=other.pk)
    assert count(crew.community) == 5


def test_reject_keeps_count_and_can_reapply(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    services.community_join(user=other, community=crew.community)
    m = services.membership_reject(actor=crew.owner, community=crew.community, user_id=other.pk, reason="资料不全")
    assert m.status == MembershipStatus.REJECTED and count(crew.community) == 4
    assert ModerationAction.objects.get(kind=ModerationKind.REJECT).reason == "资料不全"
    assert Notification.objects.filter(recipient=other, kind="approval").count() == 1
    m = services.community_join(user=fresh(other), community=crew.community, apply_note="补充了资料")
    assert m.status == MembershipStatus.PENDING


def test_invite_only_refuses_without_code_and_hides_itself(crew_factory, other):
    crew = crew_factory(Visibility.INVITE)
    with pytest.raises(NotFound):
        services.community_join(user=other, community=crew.community)
    with pytest.raises(NotFound):
        services.community_join(user=other, community=crew.community, code="wrong-code")
    inv = services.invitation_create(actor=crew.member, community=crew.community)
    m = services.community_join(user=other, community=crew.community, code=inv.code)
    assert m.status == MembershipStatus.ACTIVE
    assert (m.invited_by_id, m.invitation_id) == (crew.member.pk, inv.pk)
    inv.refresh_from_db()
    assert inv.use_count == 1


def test_anonymous_cannot_join(db):
    c = new_community()
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.community_join(user=AnonymousUser(), community=c)  # type: ignore[arg-type]


def test_owner_cannot_leave_and_stranger_gets_clear_error(crew, other):
    with pytest.raises(Conflict) as exc:
        services.community_leave(user=crew.owner, community=crew.community)
    assert exc.value.code == "owner_cannot_leave"
    with pytest.raises(Conflict) as exc:
        services.community_leave(user=other, community=crew.community)
    assert exc.value.code == "not_member"


def test_leaving_drops_the_role(crew):
    services.community_leave(user=crew.admin, community=crew.community)
    m = services.community_join(user=fresh(crew.admin), community=crew.community)
    assert m.role == Role.MEMBER


# --- invitations -----------------------------------------------------------------------------------------


def test_invitation_uses_never_exceed_max_uses(crew, user_factory):
    inv = services.invitation_create(actor=crew.member, community=crew.community, max_uses=2)
    assert len(inv.code) == 10
    a, b, c = user_factory(), user_factory(), user_factory()
    services.invitation_redeem(user=a, code=inv.code)
    services.invitation_redeem(user=b, code=inv.code)
    with pytest.raises(Conflict) as exc:
        services.invitation_redeem(user=c, code=inv.code)
    assert exc.value.code == "invitation_used_up"
    inv.refresh_from_db()
    assert inv.use_count == 2
    assert Membership.objects.filter(invitation=inv, status=MembershipStatus.ACTIVE).count() == 2
    assert not Membership.objects.filter(user=c, community=crew.community, status=MembershipStatus.ACTIVE).exists()


def test_conditional_update_refuses_a_use_past_the_limit(crew, user_factory):
    """Even if a stale read let two joins pass the first check, the F() update stops at max_uses."""
    inv = services.invitation_create(actor=crew.member, community=crew.community, max_uses=1)
    Invitation.objects.filter(pk=inv.pk).update(use_count=1)  # another join consumed it meanwhile
    with pytest.raises(Conflict):
        services._consume_invitation(inv)
    inv.refresh_from_db()
    assert inv.use_count == 1


def test_expired_and_revoked_codes_are_refused(crew, user_factory):
    past = services.invitation_create(actor=crew.member, community=crew.community,
                                      expires_at=timezone.now() + dt.timedelta(seconds=1))
    Invitation.objects.filter(pk=past.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(InvalidInput) as exc:
        services.invitation_redeem(user=user_factory(), code=past.code)
    assert exc.value.code == "invitation_expired"
    inv = services.invitation_create(actor=crew.member, community=crew.community)
    services.invitation_revoke(actor=crew.member, community=crew.community, invitation_id=inv.pk)
    with pytest.raises(InvalidInput) as exc:
        services.invitation_redeem(user=user_factory(), code=inv.code)
    assert exc.value.code == "invitation_revoked"
    with pytest.raises(NotFound):
        services.invitation_redeem(user=user_factory(), code="no-such-code")


def test_invitation_input_and_revoke_rights(crew, other):
    with pytest.raises(InvalidInput):
        services.invitation_create(actor=crew.member, community=crew.community, max_uses=0)
    with pytest.raises(InvalidInput):
        services.invitation_create(actor=crew.member, community=crew.community,
                                   expires_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=other, community=crew.community)
    inv = services.invitation_create(actor=crew.member, community=crew.community)
    with pytest.raises(PermissionDenied):  # another plain member cannot revoke someone else's code
        services.invitation_revoke(actor=crew.kol, community=crew.community, invitation_id=inv.pk)
    assert services.invitation_revoke(actor=crew.admin, community=crew.community, invitation_id=inv.pk).revoked


def test_banned_cannot_rejoin_even_with_a_code(crew):
    inv = services.invitation_create(actor=crew.owner, community=crew.community)
    services.member_ban(actor=crew.admin, community=crew.community, user_id=crew.member.pk, reason="广告")
    with pytest.raises(PermissionDenied) as exc:
        services.community_join(user=fresh(crew.member), community=crew.community)
    assert exc.value.code == "banned"
    with pytest.raises(PermissionDenied):
        services.invitation_redeem(user=fresh(crew.member), code=inv.code)
    inv.refresh_from_db()
    assert inv.use_count == 0


# --- roles -----------------------------------------------------------------------------------------------


def test_role_rules(crew):
    c = crew.community
    with pytest.raises(PermissionDenied):  # an admin cannot make admins
        services.role_set(actor=crew.admin, community=c, user_id=crew.member.pk, role=Role.ADMIN)
    m = services.role_set(actor=crew.admin, community=c, user_id=crew.member.pk, role=Role.KOL)
    assert m.role == Role.KOL
    with pytest.raises(PermissionDenied):  # a KOL cannot set roles
        services.role_set(actor=crew.kol, community=c, user_id=crew.member.pk, role=Role.MEMBER)
    with pytest.raises(PermissionDenied) as exc:
        services.role_set(actor=crew.admin, community=c, user_id=crew.owner.pk, role=Role.MEMBER)
    assert exc.value.code == "cannot_change_owner"
    with pytest.raises(InvalidInput):
        services.role_set(actor=crew.owner, community=c, user_id=crew.member.pk, role=Role.OWNER)
    with pytest.raises(InvalidInput):
        services.role_set(actor=crew.owner, community=c, user_id=crew.member.pk, role="king")
    services.role_set(actor=crew.owner, community=c, user_id=crew.admin.pk, role=Role.MEMBER)
    assert Membership.objects.get(community=c, user=crew.admin).role == Role.MEMBER
    log = ModerationAction.objects.filter(community=c, kind=ModerationKind.SET_ROLE, target_user=crew.admin)
    assert [a.detail for a in log] == [{"from": "admin", "to": "member"}, {"from": "member", "to": "admin"}]


def test_admin_of_one_community_has_no_power_in_another(crew):
    other_c = new_community()
    services.community_join(user=fresh(crew.member), community=other_c)
    with pytest.raises(PermissionDenied):
        services.member_ban(actor=crew.admin, community=other_c, user_id=crew.member.pk, reason="x")
    with pytest.raises(PermissionDenied):
        services.role_set(actor=crew.owner, community=other_c, user_id=crew.member.pk, role=Role.KOL)


# --- mute / ban ------------------------------------------------------------------------------------------


def test_mute_stops_posting_until_the_time_and_unmute_restores(crew):
    until = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(PermissionDenied):  # a plain member cannot moderate
        services.member_mute(actor=crew.kol, community=crew.community, user_id=crew.member.pk, until=until,
                             reason="刷屏")
    with pytest.raises(InvalidInput) as exc:
        services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.member.pk, until=until,
                             reason="")
    assert exc.value.code == "reason_required"
    with pytest.raises(InvalidInput):
        services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.member.pk,
                             until=timezone.now() - dt.timedelta(minutes=1), reason="刷屏")
    services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.member.pk, until=until,
                         reason="刷屏")
    assert selectors.is_muted(user=fresh(crew.member), community=crew.community)
    with pytest.raises(PermissionDenied) as exc:
        selectors.require_perm(user=fresh(crew.member), community=crew.community, perm="post")
    assert exc.value.code == "muted"
    services.member_unmute(actor=crew.admin, community=crew.community, user_id=crew.member.pk)
    assert selectors.has_perm(user=fresh(crew.member), community=crew.community, perm="post")
    kinds = list(ModerationAction.objects.filter(community=crew.community, target_user=crew.member)
                 .values_list("kind", "reason"))
    assert kinds == [(ModerationKind.UNMUTE, ""), (ModerationKind.MUTE, "刷屏")]


def test_rank_rules_for_moderation(crew):
    until = timezone.now() + dt.timedelta(hours=1)
    for actor, target in [(crew.admin, crew.owner), (crew.admin, crew.admin)]:
        with pytest.raises(PermissionDenied) as exc:
            services.member_mute(actor=actor, community=crew.community, user_id=target.pk, until=until, reason="x")
        assert exc.value.code == "outranked"
    second_admin = make_user()
    services.community_join(user=second_admin, community=crew.community)
    services.role_set(actor=crew.owner, community=crew.community, user_id=second_admin.pk, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.member_ban(actor=crew.admin, community=crew.community, user_id=second_admin.pk, reason="x")
    services.member_ban(actor=crew.owner, community=crew.community, user_id=second_admin.pk, reason="失职")
    services.member_mute(actor=crew.admin, community=crew.community, user_id=crew.kol.pk, until=until, reason="x")


def test_ban_removes_access_counts_and_unban_lets_them_rejoin(crew):
    before = count(crew.community)
    services.member_ban(actor=crew.admin, community=crew.community, user_id=crew.member.pk, reason="广告")
    assert count(crew.community) == before - 1
    m = Membership.objects.get(community=crew.community, user=crew.member)
    assert m.status == MembershipStatus.BANNED
    with pytest.raises(Conflict):
        services.member_ban(actor=crew.admin, community=crew.community, user_id=crew.member.pk, reason="again")
    assert count(crew.community) == before - 1
    assert ModerationAction.objects.filter(kind=ModerationKind.BAN).count() == 1
    with pytest.raises(PermissionDenied):  # the kol has no ban permission
        services.member_unban(actor=crew.kol, community=crew.community, user_id=crew.member.pk)
    services.member_unban(actor=crew.admin, community=crew.community, user_id=crew.member.pk)
    services.community_join(user=fresh(crew.member), community=crew.community)
    assert count(crew.community) == before
    assert Notification.objects.filter(recipient=crew.member, kind="moderation").count() == 1


def test_banning_an_applicant(crew_factory, other):
    crew = crew_factory(Visibility.APPLY)
    services.community_join(user=other, community=crew.community)
    before = count(crew.community)
    services.member_ban(actor=crew.admin, community=crew.community, user_id=other.pk, reason="骚扰")
    assert count(crew.community) == before
    with pytest.raises(PermissionDenied):
        services.community_join(user=fresh(other), community=crew.community)


# --- reports ---------------------------------------------------------------------------------------------


def test_report_a_member_and_resolve(crew, other):
    with pytest.raises(PermissionDenied):  # not a member
        services.report_create(reporter=other, community=crew.community, target_type="member",
                               target_id=crew.kol.pk, reason="广告")
    r = services.report_create(reporter=crew.member, community=crew.community, target_type="member",
                               target_id=crew.kol.pk, reason="发广告")
    with pytest.raises(Conflict):
        services.report_create(reporter=crew.member, community=crew.community, target_type="member",
                               target_id=crew.kol.pk, reason="again")
    with pytest.raises(PermissionDenied):
        services.report_resolve(actor=crew.kol, community=crew.community, report_id=r.pk)
    r = services.report_resolve(actor=crew.admin, community=crew.community, report_id=r.pk, note="已警告")
    assert (r.status, r.handled_by_id) == (ReportStatus.RESOLVED, crew.admin.pk)
    with pytest.raises(Conflict):
        services.report_dismiss(actor=crew.admin, community=crew.community, report_id=r.pk)
    audit = ModerationAction.objects.get(kind=ModerationKind.RESOLVE_REPORT)
    assert (audit.target_user_id, audit.detail["report_id"], audit.reason) == (crew.kol.pk, r.pk, "已警告")


@pytest.mark.parametrize(("target_type", "code"), [("member", "report_target_not_found"),
                                                   ("post", "report_target_not_found"),
                                                   ("comment", "report_target_not_found"),
                                                   ("shop", "invalid_report_target")])
def test_report_target_must_exist_in_this_community(crew, other, target_type, code):
    with pytest.raises(InvalidInput) as exc:
        services.report_create(reporter=crew.member, community=crew.community, target_type=target_type,
                               target_id=other.pk, reason="x")
    assert exc.value.code == code


def test_report_a_post_and_a_comment_of_this_community_only(crew):
    from quanzi.content.models import Comment, Post

    post = Post.objects.create(community=crew.community, author=crew.kol, body="好物推荐")
    comment = Comment.objects.create(post=post, author=crew.kol, body="私信我")
    elsewhere = Post.objects.create(community=new_community(), author=crew.kol, body="别处")
    assert services.report_create(reporter=crew.member, community=crew.community, target_type="post",
                                  target_id=post.pk, reason="广告").status == ReportStatus.OPEN
    services.report_create(reporter=crew.member, community=crew.community, target_type="comment",
                           target_id=comment.pk, reason="引流")
    with pytest.raises(InvalidInput):
        services.report_create(reporter=crew.member, community=crew.community, target_type="post",
                               target_id=elsewhere.pk, reason="x")
    r = Report.objects.get(target_type="comment")
    services.report_dismiss(actor=crew.owner, community=crew.community, report_id=r.pk)
    assert ModerationAction.objects.get(kind=ModerationKind.DISMISS_REPORT).target_id == comment.pk


def test_moderation_record_for_other_apps(crew):
    row = services.moderation_record(community=crew.community, actor=crew.admin, kind=ModerationKind.REMOVE_POST,
                                     target_type="post", target_id=42, reason="违规")
    assert row.pk and row.kind == "remove_post"
    with pytest.raises(InvalidInput):
        services.moderation_record(community=crew.community, actor=crew.admin, kind="explode")


def test_each_moderation_action_writes_exactly_one_audit_row_and_one_event(crew, other):
    c = crew.community
    until = timezone.now() + dt.timedelta(hours=1)
    steps = [
        lambda: services.member_mute(actor=crew.admin, community=c, user_id=crew.member.pk, until=until, reason="x"),
        lambda: services.member_unmute(actor=crew.admin, community=c, user_id=crew.member.pk),
        lambda: services.member_ban(actor=crew.admin, community=c, user_id=crew.member.pk, reason="x"),
        lambda: services.member_unban(actor=crew.admin, community=c, user_id=crew.member.pk),
        lambda: services.role_set(actor=crew.owner, community=c, user_id=crew.kol.pk, role=Role.MEMBER),
    ]
    for step in steps:
        audits, events = ModerationAction.objects.count(), Event.objects.count()
        step()
        assert ModerationAction.objects.count() == audits + 1
        assert Event.objects.count() == events + 1


def test_make_crew_builds_roles(db):
    crew = make_crew()
    roles = dict(Membership.objects.filter(community=crew.community).values_list("user_id", "role"))
    assert roles == {crew.owner.pk: "owner", crew.admin.pk: "admin", crew.kol.pk: "kol", crew.member.pk: "member"}
    assert count(crew.community) == 4
