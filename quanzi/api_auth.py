"""API authentication: bearer tokens for clients, the session (with CSRF) for the site's own pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from quanzi.accounts.models import User
from quanzi.accounts.services import token_user
from quanzi.core.errors import NotAuthenticated


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The site's session, CSRF-checked — but only when it carries a logged-in user. ninja checks CSRF first, so a
    visitor's write without any login answered 403 "CSRF check Failed" where the same call without a token
    answered 401: a forged request can only act as the session's user, and there is none. Now it is 401
    `not_authenticated` (or, on a public endpoint, the visitor's answer) either way."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


def _anonymous(request: HttpRequest) -> Any:
    return True  # lets a public endpoint run for visitors; handlers read `request.user`


required = [TokenAuth(), SessionAuth()]
optional = [TokenAuth(), SessionAuth(), _anonymous]


def current_user(request: HttpRequest) -> User:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()
    assert isinstance(user, User)
    return user


def viewer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]
