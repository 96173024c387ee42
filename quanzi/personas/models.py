"""Personas (用户画像): the tags a job computes for each member (`MemberTag`, with the score and the evidence
that explain it), the tags and groups a member switched off (`TagSwitchOff`: kept apart from the tags, so a
recomputation never brings a switched-off tag back), and the segments (人群) community owners and operators
build on tags and metrics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.personas.enums import TagGroup


class MemberTag(models.Model):
    """One tag of one member: `code` is "<kind>:<value>" (`category:12`, `hours:evening`); the label and the
    reason are written from `tags.KINDS` at read time in the reader's language, from `value_label` (a name the
    data holds, e.g. the category's) and `evidence` (the counts behind it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    group = models.CharField(_("分组"), max_length=10, choices=TagGroup.choices)
    code = models.CharField(_("标签"), max_length=80)
    value_label = models.CharField(_("取值名称"), max_length=80, blank=True, default="")
    score = models.PositiveSmallIntegerField(_("强度"), default=0)  # 0–100
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("会员标签")
        verbose_name_plural = _("会员标签")
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="uniq_member_tag")]
        indexes = [models.Index(fields=["code", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.code}"


class TagSwitchOff(models.Model):
    """A member switched a tag off (`code`), or a whole group (`code` empty). A switched-off tag is used nowhere:
    not in segments, not in targeting, not in recommendations (`selectors.active_tags`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    group = models.CharField(_("分组"), max_length=10, choices=TagGroup.choices)
    code = models.CharField(_("标签"), max_length=80, blank=True, default="")
    created_at = models.DateTimeField(_("关闭时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已关闭的标签")
        verbose_name_plural = _("已关闭的标签")
        constraints = [models.UniqueConstraint(fields=["user", "group", "code"], name="uniq_tag_switch_off")]


class Segment(models.Model):
    """A saved audience: the members of a community (or, with `community` empty, of the platform) who pass
    `filters` (see `segments.SegmentFilters`)."""

    name = models.CharField(_("名称"), max_length=40)
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+", verbose_name=_("社群（空为全平台）"))
    filters = models.JSONField(_("条件"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("创建人"))
    member_count = models.PositiveIntegerField(_("人数（上次计算）"), default=0)
    counted_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人群")
        verbose_name_plural = _("人群")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
