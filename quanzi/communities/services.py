"""Community writes: create and edit, join / apply / leave, invitations, roles, moderation, reports.

Every write checks the actor's permission with `selectors.require_perm`, changes counters by conditional
F() updates, writes one `ModerationAction` audit row per moderation action and calls `track()` once.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.selectors import user_get
from quanzi.accounts.services import notification_create
from quanzi.communities import errors, hooks
from quanzi.communities.enums import (
    MembershipStatus,
    ModerationKind,
    ReportStatus,
    ReportTarget,
    Role,
    Vertical,
    Visibility,
)
from quanzi.communities.errors import ErrorCode
from quanzi.communities.models import Community, Invitation, Membership, ModerationAction, Report
from quanzi.communities.permissions import ROLE_RANK
from quanzi.communities.selectors import can_view, require_perm
from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from quanzi.core.events import track
from quanzi.core.images import clean_image
from quanzi.core.messages import msg

if TYPE_CHECKING:
    from quanzi.accounts.models import User

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
# Slugs that would clash with pages or API routes under /c/ and /api/v1/communities/.
RESERVED_SLUGS = frozenset({"new", "mine", "my", "search", "roles", "join", "discover", "admin", "api", "edit"})
MAX_TAGS = 10
MAX_TAG_LEN = 12
MAX_RULES_LEN = 5000
CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LEN = 10

_UNSET: Any = object()


# --- helpers --------------------------------------------------------------------------------------------


def _require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _forget(user: Any, community: Community) -> None:
    """Drop the per-request membership cache `selectors.membership_get` keeps on the user object."""
    cache = getattr(user, "_membership_cache", None)
    if cache is not None:
        cache.pop(community.pk, None)


def _search_text(name: str, positioning: str, tags: list[str]) -> str:
    return " ".join([name, positioning, " ".join(tags)]).lower()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise InvalidInput(ErrorCode.INVALID_NAME, _("社群名称需 2–40 个字符"))
    return name


def _clean_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or "--" in slug:
        raise InvalidInput(ErrorCode.INVALID_SLUG, _("短链接需 3–40 位小写字母、数字或连字符，且不能以连字符开头或结尾"))
    if slug in RESERVED_SLUGS:
        raise Conflict(ErrorCode.SLUG_TAKEN, _("该短链接已被占用"))
    return slug


def _clean_vertical(vertical: str) -> str:
    if vertical not in Vertical.values:
        raise InvalidInput(ErrorCode.INVALID_VERTICAL, _("请选择有效的垂类"))
    return vertical


def _clean_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise InvalidInput(ErrorCode.INVALID_VISIBILITY, _("可见性取值无效"))
    return visibility


def _clean_tags(tags: list[str] | None) -> list[str]:
    if tags is None:
        return []
    if not isinstance(tags, list | tuple):
        raise InvalidInput(ErrorCode.INVALID_TAGS, _("标签格式不正确"))
    cleaned: list[str] = []
    for raw in tags:
        tag = str(raw).strip().lstrip("#")
        if not tag:
            continue
        if len(tag) > MAX_TAG_LEN:
            raise InvalidInput(ErrorCode.TAG_TOO_LONG, _("每个标签最多 %(n)d 个字符") % {"n": MAX_TAG_LEN})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(ErrorCode.TOO_MANY_TAGS, _("标签最多 %(n)d 个") % {"n": MAX_TAGS})
    return cleaned


def _clean_positioning(positioning: str) -> str:
    positioning = (positioning or "").strip()
    if len(positioning) > 200:
        raise InvalidInput(ErrorCode.POSITIONING_TOO_LONG, _("定位最多 200 个字符"))
    return positioning


def _clean_rules(rules: str) -> str:
    rules = (rules or "").strip()
    if len(rules) > MAX_RULES_LEN:
        raise InvalidInput(ErrorCode.RULES_TOO_LONG, _("群规最多 %(n)d 个字符") % {"n": MAX_RULES_LEN})
    return rules


def _clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(ErrorCode.REASON_REQUIRED, _("请填写理由"))
    if len(reason) > 300:
        raise InvalidInput(ErrorCode.REASON_TOO_LONG, _("理由最多 300 个字符"))
    return reason


def _audit(*, community: Community, actor: User, kind: str, target_user: Any = None, target_type: str = "",
           target_id: int | None = None, reason: str = "", until: dt.datetime | None = None,
           detail: dict[str, Any] | None = None) -> ModerationAction:
    if kind not in ModerationKind.values:
        raise InvalidInput(ErrorCode.INVALID_MODERATION_KIND, _("未知的管理操作"))
    return ModerationAction.objects.create(
        community=community, actor=actor, kind=kind, target_user=target_user, target_type=target_type,
        target_id=target_id, reason=reason[:300], until=until, detail=detail or {},
    )


def _target_membership(community: Community, user_id: int, *, statuses: Sequence[str] | None = None) -> Membership:
    qs = Membership.objects.select_related("user").filter(community=community, user_id=user_id)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    m = qs.first()
    if m is None:
        raise errors.member_not_found()
    return m


def _require_outranks(actor: User, community: Community, target: Membership) -> None:
    """An actor may only act on a member of lower rank (never on themselves, an equal or a superior)."""
    actor_m = Membership.objects.filter(community=community, user=actor, status=MembershipStatus.ACTIVE).first()
    actor_rank = ROLE_RANK.get(actor_m.role, -1) if actor_m is not None else -1  # type: ignore[call-overload]
    target_rank = ROLE_RANK.get(target.role, 0)  # type: ignore[call-overload]
    if target.user_id == actor.pk or actor_rank <= target_rank:
        raise errors.outranked()


def _activate(membership: Membership, *, from_statuses: Sequence[str], **fields: Any) -> bool:
    """Move a membership to ACTIVE if (and only if) it is in one of `from_statuses`; count the member once."""
    rows = Membership.objects.filter(pk=membership.pk, status__in=from_statuses).update(
        status=MembershipStatus.ACTIVE, joined_at=timezone.now(), **fields)
    if rows:
        Community.objects.filter(pk=membership.community_id).update(member_count=F("member_count") + 1)
        hooks.member_joined(user_id=membership.user_id, community_id=membership.community_id)
    return bool(rows)


def _deactivate(membership: Membership, *, to_status: str, **fields: Any) -> bool:
    """Move an ACTIVE membership to `to_status`; uncount the member once."""
    rows = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.ACTIVE).update(
        status=to_status, **fields)
    if rows:
        Community.objects.filter(pk=membership.community_id, member_count__gt=0).update(
            member_count=F("member_count") - 1)
    return bool(rows)


# --- communities ----------------------------------------------------------------------------------------


@transaction.atomic
def community_create(*, owner: User, name: str, slug: str, vertical: str, tags: list[str] | None = None,
                     positioning: str = "", rules: str = "", cover: Any = None,
                     visibility: str = Visibility.PUBLIC) -> Community:
    """Create a community; its creator becomes the owner with an active OWNER membership."""
    _require_login(owner)
    name = _clean_name(name)
    slug = _clean_slug(slug)
    vertical = _clean_vertical(vertical)
    visibility = _clean_visibility(visibility)
    tag_list = _clean_tags(tags)
    positioning = _clean_positioning(positioning)
    rules = _clean_rules(rules)
    if cover is not None:
        cover = clean_image(cover)
    if Community.objects.filter(slug=slug).exists():
        raise Conflict(ErrorCode.SLUG_TAKEN, _("该短链接已被占用"))
    community = Community(name=name, slug=slug, vertical=vertical, tags=tag_list, positioning=positioning,
                          rules=rules, visibility=visibility, owner=owner, member_count=1,
                          search_text=_search_text(name, positioning, tag_list))
    if cover is not None:
        community.cover = cover
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as exc:  # a concurrent create with the same slug
        raise Conflict(ErrorCode.SLUG_TAKEN, _("该短链接已被占用")) from exc
    Membership.objects.create(community=community, user=owner, role=Role.OWNER, status=MembershipStatus.ACTIVE,
                              joined_at=timezone.now())
    _forget(owner, community)
    track("community.create", user=owner, obj=community, community_id=community.pk, vertical=vertical)
    return community


@transaction.atomic
def community_update(*, actor: User, community: Community, name: str | None = None,
                     vertical: str | None = None, tags: list[str] | None = None, positioning: str | None = None,
                     rules: str | None = None, cover: Any = None, visibility: str | None = None) -> Community:
    """Edit the profile, rules and visibility (perm `edit_community`). `None` leaves a field as it is."""
    require_perm(user=actor, community=community, perm="edit_community")
    changed: list[str] = []
    if name is not None:
        community.name = _clean_name(name)
        changed.append("name")
    if vertical is not None:
        community.vertical = _clean_vertical(vertical)
        changed.append("vertical")
    if tags is not None:
        community.tags = _clean_tags(tags)
        changed.append("tags")
    if positioning is not None:
        community.positioning = _clean_positioning(positioning)
        changed.append("positioning")
    if rules is not None:
        community.rules = _clean_rules(rules)
        changed.append("rules")
    if visibility is not None:
        community.visibility = _clean_visibility(visibility)
        changed.append("visibility")
    if cover is not None:
        community.cover = clean_image(cover)
        changed.append("cover")
    if not changed:
        return community
    community.search_text = _search_text(community.name, community.positioning, list(community.tags))
    community.save(update_fields=[*changed, "search_text"])
    _audit(community=community, actor=actor, kind=ModerationKind.UPDATE, detail={"fields": changed})
    track("community.update", user=actor, obj=community, community_id=community.pk, fields=changed)
    return community


# --- joining and leaving --------------------------------------------------------------------------------


def _usable_invitation(community: Community, code: str) -> Invitation:
    inv = Invitation.objects.filter(code=code.strip(), community=community).first()
    if inv is None:
        raise errors.invitation_invalid()
    if inv.revoked:
        raise errors.invitation_revoked()
    if inv.expires_at is not None and inv.expires_at <= timezone.now():
        raise errors.invitation_expired()
    if inv.max_uses is not None and inv.use_count >= inv.max_uses:
        raise errors.invitation_used_up()
    return inv


def _consume_invitation(inv: Invitation) -> None:
    """Count one use; the conditional update never lets use_count pass max_uses, even under concurrency."""
    rows = (Invitation.objects.filter(pk=inv.pk, revoked=False)
            .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .update(use_count=F("use_count") + 1))
    if not rows:
        raise errors.invitation_used_up()


@transaction.atomic
def community_join(*, user: User, community: Community, code: str | None = None,
                   apply_note: str = "") -> Membership:
    """Join a public community, apply to an apply-to-join one, or join any community with a valid code.

    Leaving and coming back works; a banned user cannot come back. Joining twice changes nothing.
    """
    _require_login(user)
    code = (code or "").strip() or None
    apply_note = (apply_note or "").strip()
    if len(apply_note) > 200:
        raise InvalidInput(ErrorCode.APPLY_NOTE_TOO_LONG, _("申请说明最多 200 个字符"))
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None and existing.status == MembershipStatus.BANNED:
        raise errors.banned()
    if existing is not None and existing.status == MembershipStatus.ACTIVE:
        return existing
    invitation: Invitation | None = None
    if code is not None:
        if not can_view(user=user, community=community) and not Invitation.objects.filter(
                code=code, community=community).exists():
            raise errors.community_not_found()  # never tell a stranger an invite-only community exists
        invitation = _usable_invitation(community, code)
    elif community.visibility == Visibility.INVITE:
        if not can_view(user=user, community=community):
            raise errors.community_not_found()
        raise PermissionDenied(ErrorCode.INVITE_ONLY, _("该社群仅限邀请加入，请使用邀请码"))

    membership, _created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"status": MembershipStatus.LEFT, "role": Role.MEMBER})
    reopenable = [MembershipStatus.LEFT, MembershipStatus.REJECTED, MembershipStatus.PENDING]
    if invitation is not None or community.visibility == Visibility.PUBLIC:
        extra: dict[str, Any] = {"role": Role.MEMBER}
        if invitation is not None:
            extra.update(invited_by_id=invitation.created_by_id, invitation=invitation)
        if apply_note:
            extra["apply_note"] = apply_note
        if not _activate(membership, from_statuses=reopenable, **extra):
            membership.refresh_from_db()
            if membership.status == MembershipStatus.ACTIVE:  # a concurrent join got there first
                return membership
            raise errors.banned()  # the only state left that cannot be reopened
        if invitation is not None:
            _consume_invitation(invitation)  # raises (rolling the join back) if the last use just went
        event = "community.join"
    else:  # apply-to-join
        rows = Membership.objects.filter(pk=membership.pk, status__in=reopenable).update(
            status=MembershipStatus.PENDING, apply_note=apply_note, role=Role.MEMBER)
        if not rows:
            raise errors.banned()
        event = "community.apply"
    _forget(user, community)
    membership.refresh_from_db()
    track(event, user=user, obj=community, community_id=community.pk,
          invitation_id=invitation.pk if invitation is not None else None)
    return membership


def invitation_get(*, code: str) -> Invitation:
    inv = Invitation.objects.select_related("community", "created_by").filter(code=(code or "").strip()).first()
    if inv is None:
        raise errors.invitation_not_found()
    return inv


@transaction.atomic
def invitation_redeem(*, user: User, code: str) -> Membership:
    """Join the community an invitation code belongs to; the membership records who invited whom."""
    _require_login(user)
    inv = invitation_get(code=code)
    return community_join(user=user, community=inv.community, code=inv.code)


@transaction.atomic
def community_leave(*, user: User, community: Community) -> Membership:
    """Leave a community (or withdraw a pending application). The owner cannot leave."""
    _require_login(user)
    m = Membership.objects.filter(community=community, user=user).first()
    if m is None or m.status not in (MembershipStatus.ACTIVE, MembershipStatus.PENDING):
        raise Conflict(ErrorCode.NOT_MEMBER, _("你还不是该社群成员"))
    if m.role == Role.OWNER and m.status == MembershipStatus.ACTIVE:
        raise Conflict(ErrorCode.OWNER_CANNOT_LEAVE, _("群主不能退出自己的社群"))
    if not _deactivate(m, to_status=MembershipStatus.LEFT, role=Role.MEMBER, muted_until=None):
        Membership.objects.filter(pk=m.pk, status=MembershipStatus.PENDING).update(status=MembershipStatus.LEFT)
    _forget(user, community)
    m.refresh_from_db()
    track("community.leave", user=user, obj=community, community_id=community.pk)
    return m


@transaction.atomic
def membership_approve(*, actor: User, community: Community, user_id: int) -> Membership:
    require_perm(user=actor, community=community, perm="approve_members")
    m = Membership.objects.select_related("user").filter(community=community, user_id=user_id,
                                                           status=MembershipStatus.PENDING).first()
    if m is None or not _activate(m, from_statuses=[MembershipStatus.PENDING], role=Role.MEMBER):
        raise errors.application_not_found()
    _audit(community=community, actor=actor, kind=ModerationKind.APPROVE, target_user=m.user,
           target_type=ReportTarget.MEMBER, target_id=m.user_id)
    notification_create(recipient=m.user, actor=actor, kind=NotificationKind.APPROVAL,
                        message=msg("notify.join_approved", name=community.name),
                        url=f"/c/{community.slug}/")
    m.refresh_from_db()
    track("community.approve", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return m


@transaction.atomic
def membership_reject(*, actor: User, community: Community, user_id: int, reason: str = "") -> Membership:
    require_perm(user=actor, community=community, perm="approve_members")
    reason = _clean_reason(reason, required=False)
    m = Membership.objects.select_related("user").filter(community=community, user_id=user_id).first()
    rows = Membership.objects.filter(community=community, user_id=user_id,
                                     status=MembershipStatus.PENDING).update(status=MembershipStatus.REJECTED)
    if m is None or not rows:
        raise errors.application_not_found()
    _audit(community=community, actor=actor, kind=ModerationKind.REJECT, target_user=m.user,
           target_type=ReportTarget.MEMBER, target_id=m.user_id, reason=reason)
    notification_create(recipient=m.user, actor=actor, kind=NotificationKind.APPROVAL,
                        message=msg("notify.join_rejected", name=community.name),
                        url=f"/c/{community.slug}/")
    m.refresh_from_db()
    track("community.reject", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return m


# --- invitations ----------------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LEN))


@transaction.atomic
def invitation_create(*, actor: User, community: Community, max_uses: int | None = None,
                      expires_at: dt.datetime | None = None) -> Invitation:
    require_perm(user=actor, community=community, perm="invite")
    if max_uses is not None and not 1 <= max_uses <= 10000:
        raise InvalidInput(ErrorCode.INVALID_MAX_USES, _("可用次数需在 1–10000 之间"))
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise InvalidInput(ErrorCode.INVALID_EXPIRES_AT, _("过期时间需带时区"))
        if expires_at <= timezone.now():
            raise InvalidInput(ErrorCode.INVALID_EXPIRES_AT, _("过期时间必须晚于现在"))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                inv = Invitation.objects.create(community=community, code=_new_code(), created_by=actor,
                                                max_uses=max_uses, expires_at=expires_at)
            break
        except IntegrityError:  # a code collision: draw again
            continue
    else:  # pragma: no cover - 62**10 codes
        raise Conflict(ErrorCode.INVITATION_CODE_CLASH, _("生成邀请码失败，请重试"))
    track("community.invitation_create", user=actor, obj=inv, community_id=community.pk)
    return inv


@transaction.atomic
def invitation_revoke(*, actor: User, community: Community, invitation_id: int) -> Invitation:
    """The creator may revoke their own code; a moderator may revoke any code of the community."""
    require_perm(user=actor, community=community, perm="invite")
    inv = Invitation.objects.filter(pk=invitation_id, community=community).first()
    if inv is None:
        raise errors.invitation_not_found()
    if inv.created_by_id != actor.pk:
        require_perm(user=actor, community=community, perm="moderate")
    Invitation.objects.filter(pk=inv.pk).update(revoked=True)
    inv.refresh_from_db()
    track("community.invitation_revoke", user=actor, obj=inv, community_id=community.pk)
    return inv


# --- roles and moderation -------------------------------------------------------------------------------


@transaction.atomic
def role_set(*, actor: User, community: Community, user_id: int, role: str) -> Membership:
    """The owner sets or removes admins; an admin or the owner sets or removes KOLs. The owner's role never
    changes here."""
    require_perm(user=actor, community=community, perm="set_kol")
    if role not in Role.values:
        raise InvalidInput(ErrorCode.INVALID_ROLE, _("角色取值无效"))
    if role == Role.OWNER:
        raise InvalidInput(ErrorCode.CANNOT_SET_OWNER, _("不能把成员设为群主"))
    target = _target_membership(community, user_id, statuses=[MembershipStatus.ACTIVE])
    if target.role == Role.OWNER:
        raise PermissionDenied(ErrorCode.CANNOT_CHANGE_OWNER, _("不能修改群主的角色"))
    if Role.ADMIN in (role, target.role):
        require_perm(user=actor, community=community, perm="set_admin")
    _require_outranks(actor, community, target)
    if target.role == role:
        return target
    old = target.role
    Membership.objects.filter(pk=target.pk).update(role=role)
    _audit(community=community, actor=actor, kind=ModerationKind.SET_ROLE, target_user=target.user,
           target_type=ReportTarget.MEMBER, target_id=target.user_id, detail={"from": old, "to": role})
    target.refresh_from_db()
    track("community.role_set", user=actor, obj=community, community_id=community.pk, target_user_id=user_id,
          role=role)
    return target


@transaction.atomic
def member_mute(*, actor: User, community: Community, user_id: int, until: dt.datetime,
                reason: str) -> Membership:
    require_perm(user=actor, community=community, perm="moderate")
    reason = _clean_reason(reason)
    if until is None or timezone.is_naive(until) or until <= timezone.now():
        raise InvalidInput(ErrorCode.INVALID_UNTIL, _("禁言截止时间必须晚于现在"))
    target = _target_membership(community, user_id, statuses=[MembershipStatus.ACTIVE])
    _require_outranks(actor, community, target)
    Membership.objects.filter(pk=target.pk).update(muted_until=until)
    _audit(community=community, actor=actor, kind=ModerationKind.MUTE, target_user=target.user,
           target_type=ReportTarget.MEMBER, target_id=target.user_id, reason=reason, until=until)
    notification_create(recipient=target.user, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.muted", name=community.name, reason=reason),
                        url=f"/c/{community.slug}/rules/")
    target.refresh_from_db()
    track("community.mute", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return target


@transaction.atomic
def member_unmute(*, actor: User, community: Community, user_id: int) -> Membership:
    require_perm(user=actor, community=community, perm="moderate")
    target = _target_membership(community, user_id)
    _require_outranks(actor, community, target)
    if target.muted_until is None:
        raise Conflict(ErrorCode.NOT_MUTED, _("该成员未被禁言"))
    Membership.objects.filter(pk=target.pk).update(muted_until=None)
    _audit(community=community, actor=actor, kind=ModerationKind.UNMUTE, target_user=target.user,
           target_type=ReportTarget.MEMBER, target_id=target.user_id)
    target.refresh_from_db()
    track("community.unmute", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return target


@transaction.atomic
def member_ban(*, actor: User, community: Community, user_id: int, reason: str) -> Membership:
    """Ban a member (or an applicant, or someone who left): they lose access and cannot rejoin."""
    require_perm(user=actor, community=community, perm="ban")
    reason = _clean_reason(reason)
    target = _target_membership(community, user_id)
    if target.status == MembershipStatus.BANNED:
        raise Conflict(ErrorCode.ALREADY_BANNED, _("该成员已被封禁"))
    _require_outranks(actor, community, target)
    if not _deactivate(target, to_status=MembershipStatus.BANNED, role=Role.MEMBER):
        rows = Membership.objects.filter(pk=target.pk).exclude(
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.BANNED]).update(
            status=MembershipStatus.BANNED, role=Role.MEMBER)
        if not rows:
            raise Conflict(ErrorCode.ALREADY_BANNED, _("该成员已被封禁"))
    _audit(community=community, actor=actor, kind=ModerationKind.BAN, target_user=target.user,
           target_type=ReportTarget.MEMBER, target_id=target.user_id, reason=reason)
    notification_create(recipient=target.user, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.banned", name=community.name, reason=reason))
    target.refresh_from_db()
    track("community.ban", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return target


@transaction.atomic
def member_unban(*, actor: User, community: Community, user_id: int) -> Membership:
    """Lift a ban: the user may join (or apply) again; they are not put back automatically."""
    require_perm(user=actor, community=community, perm="ban")
    target = _target_membership(community, user_id)
    rows = Membership.objects.filter(pk=target.pk, status=MembershipStatus.BANNED).update(
        status=MembershipStatus.LEFT, muted_until=None)
    if not rows:
        raise Conflict(ErrorCode.NOT_BANNED, _("该成员未被封禁"))
    _audit(community=community, actor=actor, kind=ModerationKind.UNBAN, target_user=target.user,
           target_type=ReportTarget.MEMBER, target_id=target.user_id)
    target.refresh_from_db()
    track("community.unban", user=actor, obj=community, community_id=community.pk, target_user_id=user_id)
    return target


# --- reports --------------------------------------------------------------------------------------------


def _report_target_exists(community: Community, target_type: str, target_id: int) -> bool:
    if target_type == ReportTarget.MEMBER:
        return Membership.objects.filter(community=community, user_id=target_id).exclude(
            status=MembershipStatus.LEFT).exists()
    exists = hooks.REPORT_TARGETS.get(target_type)  # posts and comments: registered by content
    return exists is not None and bool(exists(community.pk, target_id))


@transaction.atomic
def report_create(*, reporter: User, community: Community, target_type: str, target_id: int,
                  reason: str) -> Report:
    """Report a post, a comment or a member of this community to its moderators."""
    require_perm(user=reporter, community=community, perm="report")
    if target_type not in ReportTarget.values:
        raise InvalidInput(ErrorCode.INVALID_REPORT_TARGET, _("举报对象类型无效"))
    reason = _clean_reason(reason)
    if target_type == ReportTarget.MEMBER and target_id == reporter.pk:
        raise InvalidInput(ErrorCode.CANNOT_REPORT_SELF, _("不能举报自己"))
    if not _report_target_exists(community, target_type, target_id):
        raise InvalidInput(ErrorCode.REPORT_TARGET_NOT_FOUND, _("举报对象不存在或不属于本社群"))
    if Report.objects.filter(community=community, reporter=reporter, target_type=target_type,
                             target_id=target_id, status=ReportStatus.OPEN).exists():
        raise Conflict(ErrorCode.ALREADY_REPORTED, _("你已举报过，请等待管理员处理"))
    report = Report.objects.create(community=community, reporter=reporter, target_type=target_type,
                                   target_id=target_id, reason=reason)
    track("community.report", user=reporter, obj=report, community_id=community.pk, target_type=target_type)
    return report


def _close_report(*, actor: User, community: Community, report_id: int, status: str, kind: str,
                  note: str) -> Report:
    require_perm(user=actor, community=community, perm="moderate")
    note = _clean_reason(note, required=False)
    report = Report.objects.filter(pk=report_id, community=community).first()
    if report is None:
        raise errors.report_not_found()
    rows = Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
        status=status, handled_by=actor, handled_at=timezone.now())
    if not rows:
        raise errors.report_closed()
    target_user_id = report.target_id if report.target_type == ReportTarget.MEMBER else None
    _audit(community=community, actor=actor, kind=kind, target_user=(
        user_get(user_id=target_user_id, include_inactive=True) if target_user_id else None),
        target_type=report.target_type, target_id=report.target_id, reason=note,
        detail={"report_id": report.pk, "report_reason": report.reason})
    report.refresh_from_db()
    return report


@transaction.atomic
def report_resolve(*, actor: User, community: Community, report_id: int, note: str = "") -> Report:
    report = _close_report(actor=actor, community=community, report_id=report_id, status=ReportStatus.RESOLVED,
                           kind=ModerationKind.RESOLVE_REPORT, note=note)
    track("community.report_resolve", user=actor, obj=report, community_id=community.pk)
    return report


@transaction.atomic
def report_dismiss(*, actor: User, community: Community, report_id: int, note: str = "") -> Report:
    report = _close_report(actor=actor, community=community, report_id=report_id,
                           status=ReportStatus.DISMISSED, kind=ModerationKind.DISMISS_REPORT, note=note)
    track("community.report_dismiss", user=actor, obj=report, community_id=community.pk)
    return report


# --- the audit trail, for other apps ---------------------------------------------------------------------


@transaction.atomic
def moderation_record(*, community: Community, actor: User, kind: str, target_user: Any = None,
                      target_type: str = "", target_id: int | None = None, reason: str = "",
                      until: dt.datetime | None = None, detail: dict[str, Any] | None = None) -> ModerationAction:
    """Write the one audit row of a moderation action done by another app (post removal, comment fold...).

    It checks nothing and tracks nothing: the calling service has already checked the permission
    (`has_perm(..., perm="moderate")`) and calls `track()` for its own action.
    """
    return _audit(community=community, actor=actor, kind=kind, target_user=target_user, target_type=target_type,
                  target_id=target_id, reason=reason, until=until, detail=detail)


# --- counters kept by other apps ----------------------------------------------------------------------------------


def community_post_count_change(*, community_id: int, delta: int) -> None:
    """Move the community's post counter (published posts) by `delta`, by conditional F() update (never below
    zero). The content app calls it when a post is published or leaves the published state."""
    qs = Community.objects.filter(pk=community_id)
    if delta < 0:
        qs = qs.filter(post_count__gte=-delta)
    qs.update(post_count=F("post_count") + delta)
