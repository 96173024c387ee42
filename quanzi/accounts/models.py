from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from quanzi.accounts.enums import Gender, IncomeBand, NotificationKind, PersonaField
from quanzi.core.messages import shown


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str | None = None, password: str | None = None, **extra: object) -> User:
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("nickname", "operator")
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member. Logs in by phone or email; at least one of them is set."""

    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(_("邮箱"), unique=True, null=True, blank=True)
    nickname = models.CharField(_("昵称"), max_length=40)
    avatar = models.ImageField(_("头像"), upload_to="avatars/%Y/%m/", blank=True)
    bio = models.CharField(_("简介"), max_length=280, blank=True, default="")
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("运营人员"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    follower_count = models.PositiveIntegerField(_("粉丝数"), default=0)
    following_count = models.PositiveIntegerField(_("关注数"), default=0)
    # Bumped by "log out everywhere" (services.logout_all). It is mixed into the session auth hash and the API
    # token stamp, so every session and token issued before the bump stops authenticating at once, the way a
    # password change ends them, without scanning the session table (whose rows are opaque, encoded blobs).
    auth_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.nickname or self.phone or self.email or f"user-{self.pk}"

    def get_short_name(self) -> str:
        """The name the admin greets (欢迎，运营) and Django's auth pages show: the nickname, as elsewhere."""
        return str(self)

    def get_full_name(self) -> str:
        return str(self)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash is an HMAC of the password hash; ours adds the epoch once it is non-zero, so sessions made
        # before this change stay valid (epoch 0 gives Django's value) and a bump ends all of them.
        if not self.auth_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # private in the stubs
        return salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                           f"{self.password}\x00{self.auth_epoch}", secret=secret, algorithm="sha256").hexdigest()

    def token_stamp(self) -> str:
        """What a token remembers of its user: it changes with the password and with "log out everywhere", so a
        token minted before either stops working, whatever path changed the password (site, API, admin, CLI)."""
        return auth_stamp(self.password, self.auth_epoch)


def auth_stamp(password: str, epoch: int) -> str:
    return hashlib.sha256(f"{password}\x00{epoch}".encode()).hexdigest()[:32]


class Persona(models.Model):
    """Optional persona fields (用户画像). Each field is stored only while a consent record allows it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="persona")
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    # "MM-DD" (no year: the year is its own field, with its own consent); a level's birthday coupon reads it
    birthday = models.CharField(_("生日（月-日）"), max_length=5, blank=True, default="", db_index=True)
    region = models.CharField(_("地区"), max_length=40, blank=True, default="")
    income_band = models.CharField(_("收入区间"), max_length=10, choices=IncomeBand.choices, blank=True, default="")

    class Meta:
        verbose_name = _("用户画像")
        verbose_name_plural = _("用户画像")

    def __str__(self) -> str:
        return str(self.user)


class ConsentRecord(models.Model):
    """Append-only: every grant and every withdrawal of consent for one persona field (PIPL)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    field = models.CharField(_("字段"), max_length=20, choices=PersonaField.choices)
    granted = models.BooleanField(_("同意"))
    policy_version = models.CharField(_("隐私政策版本"), max_length=20, default="2026-11")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")
        indexes = [models.Index(fields=["user", "field", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_field_display()}"


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="uniq_follow"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followee")), name="no_self_follow"),
        ]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followee}"


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the key is stored; the key is shown once.

    A token authenticates until `expires_at`; a refresh swaps it for a new one with a fresh expiry, never past
    `session_started_at` (the login) + the maximum age. It also dies when the user's `token_stamp()` changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=60, default="api")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    session_started_at = models.DateTimeField()
    user_stamp = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Notification(models.Model):
    """One line in a user's inbox. Our text is stored as a message (`core.messages`: `message_id` + `params`) and
    shown in the reader's language (`display_text`); `text` keeps it in the site's language (and is all that rows
    written before messages were stored have)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    text = models.CharField(_("内容"), max_length=200)
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True, default="")
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return shown(self.text, self.message_id, self.params)


