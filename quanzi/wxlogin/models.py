"""WeChat identities bound to accounts, the audit of every bind and unbind, and the short-lived login records
(an OAuth `state`, a visitor's identity waiting for "create an account" or "log in and bind")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BindAction(models.TextChoices):
    BIND = "bind", _("绑定")
    UNBIND = "unbind", _("解绑")
    LOGIN = "login", _("登录")


class WechatIdentity(models.Model):
    """One binding of a WeChat openid (under one appid) to an account. An unbound row stays (unbound_at set) as
    history; a new binding is a new row. At most one live row per (appid, openid) and per (user, appid)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_identities")
    appid = models.CharField(_("AppID"), max_length=64)
    openid = models.CharField(_("OpenID"), max_length=128)
    unionid = models.CharField(_("UnionID"), max_length=128, blank=True, default="", db_index=True)
    scope = models.CharField(_("授权范围"), max_length=32, blank=True, default="")
    nickname = models.CharField(_("微信昵称"), max_length=64, blank=True, default="")
    avatar_url = models.CharField(_("微信头像"), max_length=500, blank=True, default="")
    consent_version = models.CharField(_("同意的条款版本"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    bound_at = models.DateTimeField(_("绑定时间"))
    unbound_at = models.DateTimeField(_("解绑时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("微信身份")
        verbose_name_plural = _("微信身份")
        constraints = [
            models.UniqueConstraint(fields=["appid", "openid"], condition=Q(unbound_at__isnull=True),
                                    name="wx_openid_bound_once"),
            models.UniqueConstraint(fields=["user", "appid"], condition=Q(unbound_at__isnull=True),
                                    name="wx_one_identity_per_app"),
        ]
        indexes = [models.Index(fields=["appid", "openid"])]

    def __str__(self) -> str:
        return f"{self.appid}:{self.openid}"


class WechatBindEvent(models.Model):
    """Append-only audit: who bound, unbound or logged in with which identity, how, and under which consent."""

    identity = models.ForeignKey(WechatIdentity, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("动作"), max_length=10, choices=BindAction.choices)
    via = models.CharField(_("方式"), max_length=20)  # oauth_base / oauth_userinfo / mini / unionid / page
    consent_version = models.CharField(_("同意的条款版本"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("微信绑定记录")
        verbose_name_plural = _("微信绑定记录")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.identity}"


class OAuthState(models.Model):
    """One OAuth round trip. The `state` sent to WeChat is `nonce` + an HMAC of it (services.state_sign); the row
    makes it one-use (`used_at`), and the browser's session holds the nonce too (CSRF: the callback must come
    back to the browser that started it)."""

    nonce = models.CharField(max_length=32, unique=True)
    appid = models.CharField(max_length=64)
    scope = models.CharField(max_length=32)
    next_url = models.CharField(max_length=500, default="/")
    bind_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")  # set when a logged-in member binds
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)


class PendingIdentity(models.Model):
    """A visitor's WeChat identity that matched no account: kept a short while (`expires_at`) for the visitor to
    create an account (with consent) or log in and bind. Never holds a session_key or an access token."""

    ticket_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the ticket the visitor holds
    appid = models.CharField(max_length=64)
    openid = models.CharField(max_length=128)
    unionid = models.CharField(max_length=128, blank=True, default="")
    scope = models.CharField(max_length=32, blank=True, default="")
    nickname = models.CharField(max_length=64, blank=True, default="")
    avatar_url = models.CharField(max_length=500, blank=True, default="")
    next_url = models.CharField(max_length=500, default="/")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
