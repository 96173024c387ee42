from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, Ln
from django.utils.translation import gettext_lazy as _

from quanzi.communities.models import Community
from quanzi.content.enums import CommentStatus, PostKind, PostStatus, ReactionKind
from quanzi.core.messages import shown

# The hot score's half-life: a post's interaction points count half as much every 6 hours (docs/notes/load.md).
HOT_HALF_LIFE_HOURS = 6
HOT_POINTS = F("like_count") + 2 * F("comment_count") + 3 * F("share_count") + F("favourite_count") + 1


def hot_score_expression() -> models.Expression:
    """ln(points) + publish_ts · ln 2 / half-life: the log of points decayed exponentially from the post's publish
    time. Ordering by it is ordering by points · 2^(-age / half-life) at any moment (the "now" term is the same
    for every row), so the score is stored once, indexed, and only changes when the counters do."""
    return Ln(Cast(HOT_POINTS, FloatField())) + Cast(F("publish_ts"), FloatField()) * Value(
        math.log(2) / (HOT_HALF_LIFE_HOURS * 3600), output_field=FloatField())


class Post(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posts", verbose_name=_("社群"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts",
                               verbose_name=_("作者"))
    kind = models.CharField(_("类型"), max_length=10, choices=PostKind.choices, default=PostKind.NOTE)
    title = models.CharField(_("标题"), max_length=120, blank=True, default="")
    body = models.TextField(_("正文"), blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED,
                              db_index=True)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True, default="")
    # our own status reasons (held for a sensitive word) as a message (core.messages); a moderator's is typed text
    status_message_id = models.CharField(_("状态说明消息"), max_length=60, blank=True, default="")
    status_params = models.JSONField(_("状态说明参数"), default=dict, blank=True)
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    # publish_at as Unix seconds: lets the hot score's time decay run in SQL on SQLite and PostgreSQL alike.
    publish_ts = models.BigIntegerField(default=0, editable=False)
    accepted_answer = models.ForeignKey("Comment", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("采纳的回答"))
    like_count = models.PositiveIntegerField(_("点赞数"), default=0)
    favourite_count = models.PositiveIntegerField(_("收藏数"), default=0)
    comment_count = models.PositiveIntegerField(_("评论数"), default=0)
    share_count = models.PositiveIntegerField(_("分享数"), default=0)
    view_count = models.PositiveIntegerField(_("浏览数"), default=0)
    search_text = models.TextField(default="", blank=True, editable=False)
    # computed by the database from the counters and publish_ts on every write (also by `.update()`), so the hot
    # feeds read it through an index instead of scoring every row per request
    hot_score = models.GeneratedField(expression=hot_score_expression(), output_field=models.FloatField(),
                                      db_persist=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("帖子")
        verbose_name_plural = _("帖子")
        indexes = [
            models.Index(fields=["community", "status", "publish_at"]),
            models.Index(fields=["author", "status", "publish_at"]),
            models.Index(fields=["hot_score", "id"], name="content_post_hot"),
            models.Index(fields=["community", "hot_score", "id"], name="content_post_comm_hot"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:30]

    def save(self, *args: object, **kwargs: object) -> None:
        # publish_ts is derived from publish_at (for the hot score in SQL); keep them in step on every save.
        self.publish_ts = int(self.publish_at.timestamp()) if self.publish_at is not None else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "publish_at" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "publish_ts"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def effective_status(self) -> str:
        """A scheduled post whose time has come reads as published, even before the job flips it."""
        from django.utils import timezone

        if self.status == PostStatus.SCHEDULED and self.publish_at is not None and self.publish_at <= timezone.now():
            return str(PostStatus.PUBLISHED)
        return str(self.status)

    @property
    def display_status_reason(self) -> str:
        """The status reason in the reader's language (ours), or as the moderator typed it."""
        return shown(self.status_reason, self.status_message_id, self.status_params)

    # Viewer state, filled by selectors.posts_with_viewer_state() through prefetches (no query here).
    @property
    def viewer_kinds(self) -> set[str]:
        return {r.kind for r in getattr(self, "viewer_reactions", [])}

    @property
    def liked(self) -> bool:
        return "like" in self.viewer_kinds

    @property
    def favourited(self) -> bool:
        return "favourite" in self.viewer_kinds


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("图片"), upload_to="posts/%Y/%m/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("帖子图片")
        verbose_name_plural = _("帖子图片")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.post} · {self.position + 1}"


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(_("多选"), default=False)
    closes_at = models.DateTimeField(_("截止时间"))
    voter_count = models.PositiveIntegerField(_("投票人数"), default=0)

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")

    def __str__(self) -> str:
        return str(self.post)

    @property
    def is_closed(self) -> bool:
        from django.utils import timezone

        return self.closes_at <= timezone.now()

    @property
    def viewer_option_ids(self) -> set[int]:
        """Options the viewer chose (prefetched as `viewer_votes`)."""
        return {v.option_id for v in getattr(self, "viewer_votes", [])}


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("选项"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    vote_count = models.PositiveIntegerField(_("票数"), default=0)

    class Meta:
        verbose_name = _("投票选项")
        verbose_name_plural = _("投票选项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [models.UniqueConstraint(fields=["option", "user"], name="uniq_poll_vote")]
        indexes = [models.Index(fields=["poll", "user"])]


class OfflineEvent(models.Model):
    """An offline activity (线下活动) attached to an event post."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="event")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=120)
    capacity = models.PositiveIntegerField(_("名额"))
    signup_count = models.PositiveIntegerField(_("已报名"), default=0)
    signup_deadline = models.DateTimeField(_("报名截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("线下活动")
        verbose_name_plural = _("线下活动")

    def __str__(self) -> str:
        return str(self.post)

    @property
    def is_full(self) -> bool:
        return self.signup_count >= self.capacity

    @property
    def viewer_signed_up(self) -> bool:
        """True when the viewer signed up (prefetched as `viewer_signups`)."""
        return bool(getattr(self, "viewer_signups", []))


class EventSignup(models.Model):
    event = models.ForeignKey(OfflineEvent, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="uniq_event_signup")]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
                               verbose_name=_("回复的评论"))
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=CommentStatus.choices,
                              default=CommentStatus.VISIBLE)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True, default="")
    status_message_id = models.CharField(_("状态说明消息"), max_length=60, blank=True, default="")
    status_params = models.JSONField(_("状态说明参数"), default=dict, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        indexes = [models.Index(fields=["post", "parent", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:20]}"

    @property
    def display_status_reason(self) -> str:
        """The status reason in the reader's language (ours), or as the moderator typed it."""
        return shown(self.status_reason, self.status_message_id, self.status_params)


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("点赞/收藏")
        verbose_name_plural = _("点赞/收藏")
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="uniq_reaction")]
        indexes = [models.Index(fields=["user", "kind", "created_at"])]


class Share(models.Model):
    """A share mints a token; views and orders through it are credited to the post, sharer and community."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shares")
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    channel = models.CharField(_("渠道"), max_length=20, default="link")
    view_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分享")
        verbose_name_plural = _("分享")

    def __str__(self) -> str:
        return f"{self.token} · {self.sharer}"


class CheckIn(models.Model):
    """Daily check-in (打卡): one per member per community per Asia/Shanghai day."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="checkins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(_("日期"))
    streak = models.PositiveIntegerField(_("连续天数"), default=1)
    note = models.CharField(_("打卡内容"), max_length=140, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("打卡")
        verbose_name_plural = _("打卡")
        constraints = [models.UniqueConstraint(fields=["community", "user", "day"], name="uniq_checkin_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day:%Y-%m-%d}"


class SensitiveWord(models.Model):
    """Operators edit this list; posts matching it are held for review."""

    word = models.CharField(_("敏感词"), max_length=40, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")

    def __str__(self) -> str:
        return self.word


class Topic(models.Model):
    """A #topic (话题), made the first time a post names it (`content.refs`: Chinese or ASCII, folded to lower
    case)."""

    name = models.CharField(_("话题"), max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("话题")
        verbose_name_plural = _("话题")

    def __str__(self) -> str:
        return f"#{self.name}"


class PostTopic(models.Model):
    """A post names a topic: the topic page lists its posts newest first through the (topic, post) index."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="post_links")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="topic_links")

    class Meta:
        verbose_name = _("帖子话题")
        verbose_name_plural = _("帖子话题")
        constraints = [models.UniqueConstraint(fields=["topic", "post"], name="uniq_post_topic")]

    def __str__(self) -> str:
        return f"{self.topic} · #{self.post_id}"


class Mention(models.Model):
    """`@nickname` in a post (comment empty) or in a comment, resolved to a member when it was written: the text
    links to them from then on, even if they change their nickname later or someone else takes it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("被提到的人"))
    nickname = models.CharField(_("昵称"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提及")
        verbose_name_plural = _("提及")
        indexes = [models.Index(fields=["post", "comment"])]

    def __str__(self) -> str:
        return f"@{self.nickname} · #{self.post_id}"
