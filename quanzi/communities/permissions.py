"""What each community role may do: the written list shown to members, and the one check every service uses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.communities.enums import Role

# perm code -> human description
PERMISSIONS = {
    "view": _("查看社群内容"),
    "post": _("发帖、评论、点赞、打卡、投票、报名活动"),
    "invite": _("生成邀请码邀请好友"),
    "report": _("举报帖子、评论或成员"),
    "pick_products": _("挑选社群货架商品、在帖子中挂商品卡片"),
    "approve_members": _("审核入群申请"),
    "moderate": _("处理举报、禁言、删除帖子、折叠评论、审核待审帖子"),
    "ban": _("封禁或解封成员"),
    "set_kol": _("设置或取消达人/团长"),
    "set_admin": _("设置或取消管理员"),
    "edit_community": _("修改社群资料、群规和可见性"),
    "view_insight": _("查看社群数据看板，圈选会员人群"),
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MEMBER: frozenset({"view", "post", "invite", "report"}),
    Role.KOL: frozenset({"view", "post", "invite", "report", "pick_products"}),
    Role.ADMIN: frozenset({"view", "post", "invite", "report", "pick_products", "approve_members", "moderate",
                           "ban", "set_kol", "view_insight"}),
    Role.OWNER: frozenset(PERMISSIONS),
}

# Who outranks whom: an admin can mute/ban a member or KOL, never the owner or another admin.
ROLE_RANK = {Role.MEMBER: 0, Role.KOL: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_permissions(role: str) -> list[tuple[str, str]]:
    """[(code, description)] for a role, in the order of PERMISSIONS: the list a member reads."""
    allowed = ROLE_PERMISSIONS.get(role, frozenset())
    return [(code, str(text)) for code, text in PERMISSIONS.items() if code in allowed]
