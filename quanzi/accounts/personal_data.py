"""Accounts' part of a member's personal data (core/personal_data.py): the profile section of the export, and the
anonymisation of the account when it is deleted (注销). Registered in `AccountsConfig.ready()`.

The user row itself stays, anonymised: orders, payments and posts point at it with PROTECT keys and are kept (the
orders and payments for the legal period), so the row becomes a tombstone with no name, no login and no picture."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from quanzi.accounts.models import ApiToken, Follow, Notification, Persona, User
from quanzi.core import personal_data

DELETED_NAME = "已注销用户"  # shown wherever the member's name was (posts, comments, the merchant's order list)


def export_profile(user_id: int) -> list[dict[str, Any]]:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return []
    row = personal_data.rows_of(User.objects.filter(pk=user_id), exclude=("groups", "user_permissions"))[0]
    persona = Persona.objects.filter(user_id=user_id).first()
    row["persona"] = (personal_data.rows_of(Persona.objects.filter(pk=persona.pk))[0] if persona else {})
    return [row]


@transaction.atomic
def erase_account(user_id: int) -> None:
    """Name → "已注销用户"; phone, e-mail, avatar, bio and persona gone; no usable password; every session and
    API token ended; follows both ways removed (with the counters they moved); the inbox emptied. Consent records
    stay: they prove what the member allowed while the account lived (kept for the retention period)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    if user.avatar:
        user.avatar.delete(save=False)
    user.nickname = DELETED_NAME
    user.phone = None
    user.email = None
    user.avatar = ""
    user.bio = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["nickname", "phone", "email", "avatar", "bio", "is_active", "password"])
    # the epoch ends every session (the session auth hash follows it) and every token's stamp
    User.objects.filter(pk=user_id).update(auth_epoch=F("auth_epoch") + 1)
    ApiToken.objects.filter(user_id=user_id).delete()
    Persona.objects.filter(user_id=user_id).delete()
    for followee_id in list(Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True)):
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") - 1)
    for follower_id in list(Follow.objects.filter(followee_id=user_id).values_list("follower_id", flat=True)):
        User.objects.filter(pk=follower_id).update(following_count=F("following_count") - 1)
    Follow.objects.filter(follower_id=user_id).delete()
    Follow.objects.filter(followee_id=user_id).delete()
    User.objects.filter(pk=user_id).update(follower_count=0, following_count=0)
    Notification.objects.filter(recipient_id=user_id).delete()


def register() -> None:
    personal_data.register("profile", export=export_profile, erase=erase_account,
                           models=("accounts.Persona",), erase_order=90)


def logged_in_since(*, user_id: int, since: Any) -> bool:
    """Whether the member logged in after `since`: a page login (Django sets `last_login`) or an API token minted
    since (an API or mini-program login). Privacy reads it to cancel a deletion the member came back from."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    if user.last_login and user.last_login > since:
        return True
    return ApiToken.objects.filter(user_id=user_id, created_at__gt=since).exists()
