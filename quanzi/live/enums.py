from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("预告")
    LIVE = "live", _("直播中")
    ENDED = "ended", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("已显示")
    HELD = "held", _("待审核")  # the sensitive-word filter held it: only its author sees it
