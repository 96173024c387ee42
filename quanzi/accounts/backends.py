from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from quanzi.accounts.models import User


class PhoneOrEmailBackend(ModelBackend):
    """Log in with a phone number or an email address and a password."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        login = (username or kwargs.get("email") or kwargs.get("phone") or "").strip()
        if not login or password is None:
            return None
        lookup = {"email__iexact": login} if "@" in login else {"phone": login}
        user = User.objects.filter(**lookup).first()
        if user is None:
            User().set_password(password)  # same cost either way: no timing oracle for "user exists"
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
