"""Account writes: sign-up, login, tokens, passwords, profile, persona with consent, follows, notifications."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from quanzi.accounts import errors, throttle
from quanzi.accounts.enums import Gender, IncomeBand, NotificationKind, PersonaField
from quanzi.accounts.errors import ErrorCode
from quanzi.accounts.hooks import (
    SignupContext,
    notification_sent,
    notification_wanted,
    profile_updated,
    signed_up,
    signup_checks_run,
)
from quanzi.accounts.models import ApiToken, ConsentRecord, Follow, Notification, Persona, User
from quanzi.core.errors import InvalidInput
from quanzi.core.events import track
from quanzi.core.images import AVATAR_SIDE, clean_image
from quanzi.core.messages import Message, message_columns, msg
from quanzi.core.personal_data import persona_check

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# how stale ApiToken.last_used_at may get before a request writes it again: "last used" to five minutes is all
# anyone reads (the admin, a member's list of devices), and each write is a request that waits on the disk
TOKEN_TOUCH_SECONDS = 300


def _clean_login(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    phone = (phone or "").strip() or None
    email = (email or "").strip().lower() or None
    if not phone and not email:
        raise InvalidInput(ErrorCode.LOGIN_NEEDED, _("请填写手机号或邮箱"))
    if phone and not PHONE_RE.match(phone):
        raise errors.invalid_phone()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise errors.invalid_email() from exc
    return phone, email


def _require_strong_password(password: str, user: User) -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS: length, common passwords, similarity to the phone,
    email and nickname, all digits, too few distinct characters), as one 400 `weak_password` with every reason."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(ErrorCode.WEAK_PASSWORD, " ".join(exc.messages)) from exc


@transaction.atomic
def user_signup(*, password: str, nickname: str, phone: str | None = None, email: str | None = None,
                ip: str | None = None, context: SignupContext | None = None) -> User:
    """Create a member. `ip` (the client address, from the API or the page) is rate limited per hour. `context`
    (an invite code typed, the page's session) goes to the sign-up hooks: checked before, handed over after."""
    throttle.signup_attempt(ip=ip)
    context = context or SignupContext(ip=ip or "")
    signup_checks_run(context)
    phone, email = _clean_login(phone, email)
    nickname = (nickname or "").strip()
    if not 1 <= len(nickname) <= 40:
        raise InvalidInput(ErrorCode.INVALID_NICKNAME, _("昵称需 1–40 个字符"))
    user = User(phone=phone, email=email, nickname=nickname)
    _require_strong_password(password, user)
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
    signed_up(user=user, context=context)
    return user


def user_authenticate(*, login: str, password: str, ip: str | None = None) -> User:
    """Check a login and password, under the per-account lockout and the per-IP limit (accounts/throttle.py).

    A locked account is refused (429 `login_locked`) before any password hash is computed. An unknown login costs
    the same hash as a known one (the backend hashes a dummy) and counts towards a lockout the same way."""
    attempt = throttle.login_start(login=login, ip=ip)
    user = authenticate(None, username=login, password=password)
    if user is None:
        throttle.login_failed(attempt)  # the failure that reaches the limit locks: 429
        raise errors.bad_credentials()
    assert isinstance(user, User)
    throttle.login_succeeded(attempt)
    track("user.login", user=user, obj=user)
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change a password: the old one must be right (wrong guesses lock like logins do), the new one must pass
    the validators. Every API token of the user is revoked, and every session ends because the session auth hash
    follows the password (a page keeps its own session with update_session_auth_hash)."""
    attempt = throttle.attempt_start(throttle.password_subject(user.pk), locked=errors.password_locked)
    if not user.check_password(old_password):
        throttle.attempt_failed(attempt, locked=errors.password_locked)
        raise errors.wrong_password()
    throttle.attempt_succeeded(attempt)
    _require_strong_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user).delete()
    track("user.password_change", user=user, obj=user)
    return user


@transaction.atomic
def logout_all(*, user: User) -> int:
    """Log out everywhere: delete every API token and end every session of the user. Returns the tokens revoked.

    Sessions: bumping `auth_epoch` changes the user's session auth hash (User._get_session_auth_hash), so
    Django's auth middleware rejects every existing session on its next request, including the caller's.
    Deleting session rows instead would mean decoding every row of the session table to find the user's."""
    revoked, _rows = ApiToken.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])
    track("user.logout_all", user=user, obj=user, tokens=revoked)
    return revoked


# --- API tokens ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown to the client once; only its hash is stored
    expires_at: dt.datetime


def _token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=throttle.conf("TOKEN_TTL_HOURS"))


def _token_max_age() -> dt.timedelta:
    return dt.timedelta(days=throttle.conf("TOKEN_MAX_AGE_DAYS"))


@transaction.atomic
def token_issue(*, user: User, name: str = "api", session_started_at: dt.datetime | None = None) -> IssuedToken:
    """Mint an API token. It expires after the token lifetime, and never later than the session start (the
    login; a refresh carries it over) plus the maximum age."""
    now = timezone.now()
    started = session_started_at or now
    expires_at = min(now + _token_ttl(), started + _token_max_age())
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), name=name[:60], expires_at=expires_at,
                            session_started_at=started, user_stamp=user.token_stamp(),
                            last_used_at=now)  # minting it is its first use (a login or a refresh)
    return IssuedToken(key=key, expires_at=expires_at)


def token_create(*, user: User, name: str = "api") -> str:
    """Mint an API token and return its key (only its hash is stored)."""
    return token_issue(user=user, name=name).key


def _token_valid(key: str) -> ApiToken | None:
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now()).first())
    if token is None or not token.user.is_active:
        return None
    if not constant_time_compare(token.user_stamp, token.user.token_stamp()):
        return None  # the password changed, or "log out everywhere", since this token was minted
    return token


_TOKEN_USER_SQL: list[str] = []  # built once from the models' tables and columns (see _token_user_sql)
_USER_FIELDS: list[str] = []  # the attnames of User's concrete fields, in the order the statement selects them


def _token_user_sql() -> str:
    if not _TOKEN_USER_SQL:
        q = connection.ops.quote_name
        fields = User._meta.concrete_fields
        _USER_FIELDS.extend(f.attname for f in fields)
        user_columns = ", ".join(f"u.{q(str(f.column))}" for f in fields)
        _TOKEN_USER_SQL.append(
            f"SELECT {user_columns}, t.{q('id')}, t.{q('user_stamp')}, "
            f"CASE WHEN t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} < %s THEN 1 ELSE 0 END "
            f"FROM {q(ApiToken._meta.db_table)} t INNER JOIN {q(User._meta.db_table)} u "
            f"ON u.{q(str(User._meta.pk.column))} = t.{q('user_id')} "
            f"WHERE t.{q('key_hash')} = %s AND t.{q('expires_at')} > %s")
    return _TOKEN_USER_SQL[0]


def token_user(key: str) -> User | None:
    """The user a bearer token authenticates, or None (unknown, expired, revoked, minted before a password change
    or "log out everywhere", or the user deactivated): the same rules as `_token_valid`, read from the database on
    every call, so a revocation holds at once in every process.

    Every API request runs this, so it is one raw statement (the token joined to its user) on a plain cursor, its
    row turned into a User by `Model.from_db` (the ORM's own loading path: field converters and the deferred-field
    rules apply as for a queryset). Building and compiling a queryset, or the bookkeeping of `Manager.raw()`
    (column-to-field matching on every call), each cost about as much as the rest of a refused flash-sale buy
    (bench/flashsale.py)."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    stale_before = now - dt.timedelta(seconds=TOKEN_TOUCH_SECONDS)
    sql = _token_user_sql()
    params = [adapt(stale_before), ApiToken.hash_key(key), adapt(now)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and getattr(settings, "QUANZI_DB_PREPARED_STATEMENTS", True):
            row = _fetchone_prepared(cursor, sql, params)
        else:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        return None
    n = len(_USER_FIELDS)
    values = list(row[:n])
    for i, col, converters in _user_converters():
        for converter in converters:
            values[i] = converter(values[i], col, connection)
    user = User.from_db(connection.alias, _USER_FIELDS, values)
    token_pk, stamp, stale = row[n], row[n + 1], row[n + 2]
    if not user.is_active or not constant_time_compare(stamp, user.token_stamp()):
        return None  # the password changed, or "log out everywhere", since this token was minted
    # writing "last used" on every request made each API call a write (and a commit), which capped every logged-in
    # endpoint (bench/flashsale.py); it is written when it is older than TOKEN_TOUCH_SECONDS
    if stale:  # raw too: the first request of each token in a minute pays for it
        _token_touch(token_pk, adapt(now))
    return user


def _fetchone_prepared(cursor: Any, sql: str, params: list[Any]) -> Any:
    """Run the token lookup as a server-side prepared statement on PostgreSQL. Django's cursors bind parameters on
    the client and never prepare, so PostgreSQL parsed and planned this join on every API request: ~0.2 ms of the
    server's CPU, four times the execution (bench/flashsale.py). The statement is prepared once per connection.
    Django's cursor still opens the connection (and its health check) and logs the query when queries are logged;
    behind PgBouncer in transaction mode use 1.21 or later with `max_prepared_statements`, or set
    QUANZI_DB_PREPARED_STATEMENTS = False (docs/deploy.md)."""
    import psycopg

    log = cursor.debug_sql(sql, params) if connection.queries_logged else contextlib.nullcontext()
    with log, connection.wrap_database_errors, psycopg.Cursor(cursor.cursor.connection) as prepared:
        prepared.execute(sql, params, prepare=True)
        return prepared.fetchone()


def _token_touch(token_pk: int, when: Any) -> None:
    """Write a token's "last used". On PostgreSQL outside a transaction, with asynchronous commit: the value is
    advisory (a crash may lose the last fraction of a second of them), and waiting for the WAL flush cost ~3.5 ms
    per request on this disk, more than the rest of a refused flash-sale buy (bench/flashsale.py: 2,000 shoppers
    each with their first request of the minute)."""
    q = connection.ops.quote_name
    sql = f"UPDATE {q(ApiToken._meta.db_table)} SET {q('last_used_at')} = %s WHERE {q('id')} = %s"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(sql, [when, token_pk])
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, token_pk])


_USER_CONVERTERS: dict[str, list[tuple[int, Any, list[Any]]]] = {}  # per database vendor


def _user_converters() -> list[tuple[int, Any, list[Any]]]:
    """The database backend's value converters of User's fields (e.g. SQLite's text → datetime, PostgreSQL's none):
    what a queryset's compiler would apply to the row, worked out once per vendor."""
    vendor = connection.vendor
    if vendor not in _USER_CONVERTERS:
        found = []
        for i, field in enumerate(User._meta.concrete_fields):
            col = field.get_col(User._meta.db_table)
            converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if converters:
                found.append((i, col, converters))
        _USER_CONVERTERS[vendor] = found
    return _USER_CONVERTERS[vendor]


@transaction.atomic
def token_refresh(*, key: str) -> tuple[IssuedToken, User]:
    """Swap a valid token for a new one with a fresh expiry; the old one is revoked. The new expiry never passes
    the first login + the maximum age, after which the client logs in again (401)."""
    token = _token_valid(key)
    if token is None:
        raise errors.token_invalid()
    deleted, _rows = ApiToken.objects.filter(pk=token.pk).delete()
    if not deleted:  # a concurrent refresh of the same token won
        raise errors.token_invalid()
    if timezone.now() >= token.session_started_at + _token_max_age():
        raise errors.token_invalid()
    issued = token_issue(user=token.user, name=token.name, session_started_at=token.session_started_at)
    track("user.token_refresh", user=token.user, obj=token.user)
    return issued, token.user


@transaction.atomic
def token_revoke(*, user: User, key: str) -> None:
    ApiToken.objects.filter(user=user, key_hash=ApiToken.hash_key(key)).delete()


@transaction.atomic
def profile_update(*, user: User, nickname: str | None = None, bio: str | None = None,
                   avatar: Any = None) -> User:
    if nickname is not None:
        nickname = nickname.strip()
        if not 1 <= len(nickname) <= 40:
            raise InvalidInput(ErrorCode.INVALID_NICKNAME, _("昵称需 1–40 个字符"))
        user.nickname = nickname
    if bio is not None:
        if len(bio) > 280:
            raise InvalidInput(ErrorCode.BIO_TOO_LONG, _("简介最多 280 个字符"))
        user.bio = bio
    if avatar is not None:
        user.avatar = clean_image(avatar, max_side=AVATAR_SIDE)  # re-encoded under a random name
    # Only the profile fields: the follower counters on this (possibly stale) object move by F() elsewhere.
    user.save(update_fields=["nickname", "bio", "avatar"])
    track("user.profile_update", user=user, obj=user)
    profile_updated(user_id=user.pk)
    return user


def _is_month_day(value: Any) -> bool:
    """ "MM-DD" of a real day of a leap year (02-29 is a birthday too)."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-" or not (value[:2] + value[3:]).isdigit():
        return False
    try:
        dt.date(2000, int(value[:2]), int(value[3:]))
    except ValueError:
        return False
    return True


def _validate_persona_value(field: str, value: Any) -> Any:
    if field == PersonaField.GENDER:
        if value not in Gender.values:
            raise InvalidInput(ErrorCode.INVALID_GENDER, _("性别取值无效"))
    elif field == PersonaField.BIRTH_YEAR:
        year = timezone.now().year
        if not isinstance(value, int) or not (year - 110 <= value <= year - 10):
            raise InvalidInput(ErrorCode.INVALID_BIRTH_YEAR, _("出生年份无效"))
    elif field == PersonaField.BIRTHDAY:
        value = value.strip() if isinstance(value, str) else value
        if not _is_month_day(value):
            raise InvalidInput(ErrorCode.INVALID_BIRTHDAY, _("生日请填写月-日，如 03-15"))
    elif field == PersonaField.REGION:
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 40:
            raise InvalidInput(ErrorCode.INVALID_REGION, _("地区需 1–40 个字符"))
        value = value.strip()
    elif field == PersonaField.INCOME_BAND:
        if value not in IncomeBand.values:
            raise InvalidInput(ErrorCode.INVALID_INCOME_BAND, _("收入区间取值无效"))
    else:
        raise InvalidInput(ErrorCode.UNKNOWN_PERSONA_FIELD, _("未知的画像字段"))
    return value


@transaction.atomic
def persona_set(*, user: User, field: str, value: Any, consent: bool) -> Persona:
    """Store one persona field. Without an explicit consent, nothing is stored."""
    if not consent:
        raise InvalidInput(ErrorCode.CONSENT_REQUIRED, _("保存画像信息需要您明确同意"))
    value = _validate_persona_value(field, value)
    # sensitive fields (income: financial; a birth year under 14: a minor's) also need their separate consent,
    # checked by privacy through core's registry (accounts cannot import it)
    persona_check(user_id=user.pk, field=field, value=value)
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
        raise InvalidInput(ErrorCode.UNKNOWN_PERSONA_FIELD, _("未知的画像字段"))
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
        raise InvalidInput(ErrorCode.CANNOT_FOLLOW_SELF, _("不能关注自己"))
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
                        message=msg("notify.follow", name=follower.nickname), url=f"/u/{follower.pk}/")
    track("user.follow", user=follower, obj=followee)
    return row


@transaction.atomic
def unfollow(*, follower: User, followee_id: int) -> None:
    deleted, _rows = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
    if deleted:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") - 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") - 1)
        track("user.unfollow", user=follower, object_id=followee_id)


def notification_create(*, recipient: User | int, kind: str, message: Message, url: str = "",
                        actor: User | None = None) -> Notification | None:
    """Tell `recipient` something: `message` (`core.messages.msg(...)`) is stored as its id and parameters and
    shown in the recipient's language when they read it, whatever language the actor uses."""
    recipient_id = recipient if isinstance(recipient, int) else recipient.pk
    if actor is not None and actor.pk == recipient_id:
        return None  # nobody is told about their own actions
    row = None
    if notification_wanted(recipient_id=recipient_id, kind=kind):  # the member's settings (notify)
        row = Notification.objects.create(recipient_id=recipient_id, actor=actor, kind=kind, url=url,
                                          **message_columns(message, model=Notification, text="text"))
    notification_sent(recipient_id=recipient_id, kind=kind, message=message, url=url, notification=row)
    return row


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def operator_grant(*, user_id: int) -> None:
    """Make a user a platform operator (staff and superuser of the back office). No page or API offers this: the
    command line does (the demo's operator; `createsuperuser` for a new account)."""
    User.objects.filter(pk=user_id).update(is_staff=True, is_superuser=True)


def system_account_create(*, nickname: str) -> User:
    """An account that is not a person (the platform as the seller of its own virtual goods): it cannot log in
    (inactive, no usable password, no phone or e-mail) and exists so records that need an owner have one."""
    user = User(nickname=nickname[:40], is_active=False)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def phone_change(*, user: User, phone: str) -> User:
    """Set the member's phone (its ownership already proved by a one-time code: privacy.services.phone_change)."""
    phone = phone.strip()
    if not PHONE_RE.match(phone):
        raise errors.invalid_phone()
    if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
        raise errors.login_taken()
    user.phone = phone
    try:
        with transaction.atomic():
            user.save(update_fields=["phone"])
    except IntegrityError as exc:  # taken by a concurrent sign-up since the check
        raise errors.login_taken() from exc
    track("user.phone_change", user=user, obj=user)
    return user
