from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Vertical(models.TextChoices):
    MOTHER_BABY = "mother_baby", _("母婴")
    BEAUTY = "beauty", _("美妆")
    FITNESS = "fitness", _("健身")
    DIGITAL = "digital", _("数码")
    FOOD = "food", _("美食")
    HOME = "home", _("家居")
    PETS = "pets", _("宠物")
    TRAVEL = "travel", _("旅行")
    FASHION = "fashion", _("穿搭")
    OTHER = "other", _("其他")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("公开，直接加入")
    APPLY = "apply", _("申请加入")
    INVITE = "invite", _("仅限邀请")


class Role(models.TextChoices):
    OWNER = "owner", _("群主")
    ADMIN = "admin", _("管理员")
    KOL = "kol", _("达人/团长")
    MEMBER = "member", pgettext_lazy("role", "成员")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("已加入")
    REJECTED = "rejected", _("已拒绝")
    LEFT = "left", _("已退出")
    BANNED = "banned", _("已封禁")


class ReportTarget(models.TextChoices):
    POST = "post", _("帖子")
    COMMENT = "comment", pgettext_lazy("report target", "评论")
    MEMBER = "member", pgettext_lazy("report target", "成员")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")
    DISMISSED = "dismissed", _("已驳回")


class ModerationKind(models.TextChoices):
    APPROVE = "approve", _("通过入群申请")
    REJECT = "reject", _("拒绝入群申请")
    MUTE = "mute", _("禁言")
    UNMUTE = "unmute", _("解除禁言")
    BAN = "ban", _("封禁")
    UNBAN = "unban", _("解除封禁")
    REMOVE_POST = "remove_post", _("删除帖子")
    RESTORE_POST = "restore_post", _("恢复帖子")
    FOLD_COMMENT = "fold_comment", _("折叠评论")
    SET_ROLE = "set_role", _("设置角色")
    RESOLVE_REPORT = "resolve_report", _("处理举报")
    DISMISS_REPORT = "dismiss_report", _("驳回举报")
    APPROVE_POST = "approve_post", _("审核通过帖子")
    UPDATE = "update", _("修改社群资料")
