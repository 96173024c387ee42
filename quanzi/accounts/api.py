from __future__ import annotations

from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from quanzi.accounts import errors, selectors, services, throttle
from quanzi.accounts.enums import PersonaField
from quanzi.accounts.errors import ErrorCode
from quanzi.accounts.hooks import SignupContext
from quanzi.accounts.models import Persona, User
from quanzi.accounts.schemas import (
    AuthOut,
    CountOut,
    LoginIn,
    MarkReadIn,
    MeOut,
    NotificationOut,
    PasswordChangedOut,
    PasswordChangeIn,
    PersonaIn,
    PersonaOut,
    ProfileIn,
    SignupIn,
    UserOut,
)
from quanzi.api_auth import TokenAuth, current_user, optional, required
from quanzi.core.errors import InvalidInput
from quanzi.core.pagination import PageNumber

router = Router(tags=["accounts 账户"])


def _auth_body(issued: services.IssuedToken, user: User) -> dict[str, object]:
    return {"token": issued.key, "expires_at": issued.expires_at, "user": user}


def _bearer_key(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


@router.post("/signup", response={201: AuthOut}, auth=None)
def signup(request: HttpRequest, data: SignupIn) -> Status:
    ip = throttle.client_ip(request)
    user = services.user_signup(phone=data.phone, email=data.email, password=data.password, nickname=data.nickname,
                                ip=ip, context=SignupContext(ip=ip or "", invite_code=data.invite_code,
                                                             device=request.headers.get("X-Device-Id", "")[:64]))
    return Status(201, _auth_body(services.token_issue(user=user), user))


@router.post("/login", response=AuthOut, auth=None)
def login(request: HttpRequest, data: LoginIn) -> dict[str, object]:
    """Too many wrong passwords lock the account for a while: 429 `login_locked` (with Retry-After)."""
    user = services.user_authenticate(login=data.login, password=data.password, ip=throttle.client_ip(request))
    return _auth_body(services.token_issue(user=user), user)


@router.post("/token/refresh", response=AuthOut, auth=[TokenAuth()])
def token_refresh(request: HttpRequest) -> dict[str, object]:
    """A new token for the (still valid) bearer token, which is revoked. Refreshes end at the maximum age counted
    from the login; then log in again."""
    issued, user = services.token_refresh(key=_bearer_key(request) or "")
    return _auth_body(issued, user)


@router.post("/logout", response={204: None}, auth=required)
def logout(request: HttpRequest) -> Status:
    """Revokes the token this request came with (other devices stay logged in; see /logout-all)."""
    key = _bearer_key(request)
    if key:
        services.token_revoke(user=current_user(request), key=key)
    return Status(204, None)


@router.post("/logout-all", response={204: None}, auth=required)
def logout_all(request: HttpRequest) -> Status:
    """Log out everywhere: every token and every session of this user, this one included."""
    services.logout_all(user=current_user(request))
    return Status(204, None)


@router.post("/password", response=PasswordChangedOut, auth=required)
def password_change(request: HttpRequest, data: PasswordChangeIn) -> dict[str, object]:
    """Change the password. Every token is revoked and every other session ends; a bearer client gets a new
    token in the answer, a session stays logged in."""
    me = current_user(request)
    key = _bearer_key(request)
    via_token = bool(key) and services.token_user(key or "") is not None  # before the change revokes it
    user = services.password_change(user=me, old_password=data.old_password, new_password=data.new_password)
    body: dict[str, object] = {"token": None, "expires_at": None}
    if request.session.get(SESSION_KEY) == str(user.pk):
        update_session_auth_hash(request, user)  # this browser session stays logged in, the others end
    if via_token:
        issued = services.token_issue(user=user)
        body = {"token": issued.key, "expires_at": issued.expires_at}
    return body


@router.get("/me", response=MeOut, auth=required)
def me(request: HttpRequest) -> User:
    return current_user(request)


@router.patch("/me", response=MeOut, auth=required)
def me_update(request: HttpRequest, data: ProfileIn) -> User:
    return services.profile_update(user=current_user(request), nickname=data.nickname, bio=data.bio)


@router.post("/me/avatar", response=MeOut, auth=required)
def me_avatar(request: HttpRequest, file: UploadedFile = File(...)) -> User:  # noqa: B008
    return services.profile_update(user=current_user(request), avatar=file)


@router.get("/me/persona", response=PersonaOut, auth=required)
def persona_get(request: HttpRequest) -> Persona:
    return selectors.persona_get(user=current_user(request))


def _field(field: str) -> str:
    if field not in PersonaField.values:
        raise InvalidInput(ErrorCode.UNKNOWN_PERSONA_FIELD, gettext("未知的画像字段"))
    return field


@router.put("/me/persona/{field}", response=PersonaOut, auth=required)
def persona_set(request: HttpRequest, field: str, data: PersonaIn) -> Persona:
    return services.persona_set(user=current_user(request), field=_field(field), value=data.value,
                                consent=data.consent)


@router.delete("/me/persona/{field}", response=PersonaOut, auth=required)
def persona_withdraw(request: HttpRequest, field: str) -> Persona:
    return services.consent_withdraw(user=current_user(request), field=_field(field))


@router.get("/users/{user_id}", response=UserOut, auth=optional)
def user_detail(request: HttpRequest, user_id: int) -> User:
    user = selectors.user_get(user_id=user_id)
    if user is None:
        raise errors.user_not_found()
    return user


@router.post("/users/{user_id}/follow", response={204: None}, auth=required)
def follow(request: HttpRequest, user_id: int) -> Status:
    services.follow(follower=current_user(request), followee_id=user_id)
    return Status(204, None)


@router.delete("/users/{user_id}/follow", response={204: None}, auth=required)
def unfollow(request: HttpRequest, user_id: int) -> Status:
    services.unfollow(follower=current_user(request), followee_id=user_id)
    return Status(204, None)


@router.get("/users/{user_id}/followers", response=list[UserOut], auth=optional)
@paginate(PageNumber)
def followers(request: HttpRequest, user_id: int):  # type: ignore[no-untyped-def]
    return selectors.follower_list(user_id=user_id)


@router.get("/users/{user_id}/following", response=list[UserOut], auth=optional)
@paginate(PageNumber)
def following(request: HttpRequest, user_id: int):  # type: ignore[no-untyped-def]
    return selectors.following_list(user_id=user_id)


@router.get("/notifications", response=list[NotificationOut], auth=required)
@paginate(PageNumber)
def notifications(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.notification_list(user=current_user(request))


@router.post("/notifications/read", response=CountOut, auth=required)
def notifications_read(request: HttpRequest, data: MarkReadIn) -> dict[str, int]:
    return {"count": services.notifications_mark_read(user=current_user(request), ids=data.ids)}
