from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What a member's data is used for, each with its own consent (PIPL art. 14: specific, informed)."""

    PERSONA = "persona", _("画像信息（性别、年龄、生日、地区、收入）")
    RECOMMENDATION = "recommendation", _("个性化推荐")
    MARKETING = "marketing", _("营销消息（活动、优惠券提醒）")
    # sensitive personal information (PIPL art. 28-29): a separate consent each
    SENSITIVE_FINANCIAL = "sensitive_financial", _("敏感信息：财务状况（收入区间）")
    SENSITIVE_MINOR = "sensitive_minor", _("敏感信息：未满十四周岁（监护人同意）")


SENSITIVE_PURPOSES = frozenset({Purpose.SENSITIVE_FINANCIAL, Purpose.SENSITIVE_MINOR})


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("冷静期中")
    CANCELLED = "cancelled", _("已撤销")
    DONE = "done", _("已注销")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    READY = "ready", _("可下载")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class CodePurpose(models.TextChoices):
    DELETE_ACCOUNT = "delete_account", _("注销账号")
    CHANGE_PHONE = "change_phone", _("更换手机号")


class AuditKind(models.TextChoices):
    STAFF_ACTION = "staff_action", _("运营操作")
    DENIED = "denied", _("拒绝访问")
