"""Account writes: sign-up, login, tokens, profile, persona with consent, follows, notifications."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts import errors
from quanzi.accounts.enums import Gender, IncomeBand, NotificationKind, PersonaField
from quanzi.accounts.models import ApiToken, ConsentRecord, Follow, Notification, Persona, User
from quanzi.core.errors import InvalidInput
from quanzi.core.events import track
from quanzi.core.images import validate_image

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _clean_login(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    phone = (phone or "").strip() or None
    email = (email or "").strip().lower() or None
    if not phone and not email:
        raise InvalidInput("login_needed", _("请填写手机号或邮箱"))
    if phone and not PHONE_RE.match(phone):
        raise errors.invalid_phone()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise errors.invalid_email() from exc
    return phone, email


@transaction.atomic
def user_signup(*, password: str, nickname: str, phone: str | None = None, email: str | None = None) -> User:
    phone, email = _clean_login(phone, email)
    nickname = (nickname or "").strip()
    if not 1 <= len(nickname) <= 40:
        raise InvalidInput("invalid_nickname", _("昵称需 1–40 个字符"))
    user = User(phone=phone, email=email, nickname=nickname)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("weak_password", " ".join(exc.messages)) from exc
    if (phone and User.objects.filter(phone=phone).exists()) or (
        email and User.objects.filter(email__iexact=email).exists()
    ):
        raise errors.login_taken()
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same login
        raise errors.login_taken() from exc
    track("user.signup", user=user, obj=user)
    return user


def user_authenticate(*, login: str, password: str) -> User:
    user = authenticate(None, username=login, password=password)
    if user is None:
        raise errors.bad_credentials()
    assert isinstance(user, User)
    track("user.login", user=user, obj=user)
    return user


@transaction.atomic
def token_create(*, user: User, name: str = "api") -> str:
    """Mint an API token and return its key (only its hash is stored)."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), name=name[:60])
    return key


def token_user(key: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def token_revoke(*, user: User, key: str) -> None:
    ApiToken.objects.filter(user=user, key_hash=ApiToken.hash_key(key)).delete()


@transaction.atomic
def profile_update(*, user: User, nickname: str | None = None, bio: str | None = None,
                   avatar: Any = None) -> User:
    if nickname is not None:
        nickname = nickname.strip()
        if not 1 <= len(nickname) <= 40:
            raise InvalidInput("invalid_nickname", _("昵称需 1–40 个字符"))
        user.nickname = nickname
    if bio is not None:
        if len(bio) > 280:
            raise InvalidInput("bio_too_long", _("简介最多 280 个字符"))
        user.bio = bio
    if avatar is not None:
        validate_image(avatar)
        user.avatar = avatar
    # Only the profile fields: the follower counters on this (possibly stale) object move by F() elsewhere.
    user.save(update_fields=["nickname", "bio", "avatar"])
    track("user.profile_update", user=user, obj=user)
    return user


def _validate_persona_value(field: str, value: Any) -> Any:
    if field == PersonaField.GENDER:
        if value not in Gender.values:
            raise InvalidInput("invalid_gender", _("性别取值无效"))
    elif field == PersonaField.BIRTH_YEAR:
        year = timezone.now().year
        if not isinstance(value, int) or not (year - 110 <= value <= year - 10):
            raise InvalidInput("invalid_birth_year", _("出生年份无效"))
    elif field == PersonaField.REGION:
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 40:
            raise InvalidInput("invalid_region", _("地区需 1–40 个字符"))
        value = value.strip()
    elif field == PersonaField.INCOME_BAND:
        if value not in IncomeBand.values:
            raise InvalidInput("invalid_income_band", _("收入区间取值无效"))
    else:
        raise InvalidInput("unknown_persona_field", _("未知的画像字段"))
    return value


@transaction.atomic
def persona_set(*, user: User, field: str, value: Any, consent: bool) -> Persona:
    """Store one persona field. Without an explicit consent, nothing is stored."""
    if not consent:
        raise InvalidInput("consent_required", _("保存画像信息需要您明确同意"))
    value = _validate_persona_value(field, value)
    persona, _created = Persona.objects.get_or_create(user=user)
    ConsentRecord.objects.create(user=user, field=field, granted=True)
    setattr(persona, field, value)
    persona.save(update_fields=[field])
    track("user.persona_set", user=user, obj=user, field=field)
    return persona


@transaction.atomic
def consent_withdraw(*, user: User, field: str) -> Persona:
    """Withdrawing consent erases the field at once and records the withdrawal."""
    if field not in PersonaField.values:
        raise InvalidInput("unknown_persona_field", _("未知的画像字段"))
    persona, _created = Persona.objects.get_or_create(user=user)
    ConsentRecord.objects.create(user=user, field=field, granted=False)
    blank: Any = None if field == PersonaField.BIRTH_YEAR else ""
    setattr(persona, field, blank)
    persona.save(update_fields=[field])
    track("user.consent_withdraw", user=user, obj=user, field=field)
    return persona


@transaction.atomic
def follow(*, follower: User, followee_id: int) -> Follow:
    if follower.pk == followee_id:
        raise InvalidInput("cannot_follow_self", _("不能关注自己"))
    followee = User.objects.filter(pk=followee_id, is_active=True).first()
    if followee is None:
        raise errors.user_not_found()
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing:
        return existing
    row = Follow.objects.create(follower=follower, followee=followee)
    User.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
    User.objects.filter(pk=followee.pk).update(follower_count=F("follower_count") + 1)
    notification_create(recipient=followee, actor=follower, kind=NotificationKind.FOLLOW,
                        text=_("%(name)s 关注了你") % {"name": follower.nickname}, url=f"/u/{follower.pk}/")
    track("user.follow", user=follower, obj=followee)
    return row


@transaction.atomic
def unfollow(*, follower: User, followee_id: int) -> None:
    deleted, _rows = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
    if deleted:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") - 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") - 1)
        track("user.unfollow", user=follower, object_id=followee_id)


def notification_create(*, recipient: User | int, kind: str, text: str, url: str = "",
                        actor: User | None = None) -> Notification | None:
    recipient_id = recipient if isinstance(recipient, int) else recipient.pk
    if actor is not None and actor.pk == recipient_id:
        return None  # nobody is told about their own actions
    return Notification.objects.create(recipient_id=recipient_id, actor=actor, kind=kind, text=text[:200],
                                       url=url)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
