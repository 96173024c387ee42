from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PostKind(models.TextChoices):
    NOTE = "note", _("笔记")
    ARTICLE = "article", _("文章")
    QUESTION = "question", _("问答")
    POLL = "poll", pgettext_lazy("post kind", "投票")
    EVENT = "event", pgettext_lazy("post kind", "活动")


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    SCHEDULED = "scheduled", _("定时发布")
    HELD = "held", _("待审核")
    REMOVED = "removed", _("已删除")
    REJECTED = "rejected", _("审核未通过")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("正常")
    FOLDED = "folded", _("已折叠")
    HELD = "held", _("待审核")


class ReactionKind(models.TextChoices):
    LIKE = "like", _("点赞")
    FAVOURITE = "favourite", _("收藏")
