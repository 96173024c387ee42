from __future__ import annotations

from django.db.models import QuerySet

from quanzi.accounts.models import Follow, Notification, Persona, User


def user_get(*, user_id: int, include_inactive: bool = False) -> User | None:
    """An active user by id (`include_inactive`: any user, e.g. for an audit row about a closed account)."""
    qs = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    return qs.filter(pk=user_id).first()


def user_get_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=phone).first()


def following_ids(*, user: User) -> list[int]:
    return list(Follow.objects.filter(follower=user).values_list("followee_id", flat=True))


def is_following(*, follower: User, followee_id: int) -> bool:
    return bool(follower.is_authenticated) and Follow.objects.filter(
        follower=follower, followee_id=followee_id).exists()


def follower_list(*, user_id: int) -> QuerySet[User]:
    return User.objects.filter(following_set__followee_id=user_id).order_by("-following_set__created_at")


def following_list(*, user_id: int) -> QuerySet[User]:
    return User.objects.filter(follower_set__follower_id=user_id).order_by("-follower_set__created_at")


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor").order_by("-created_at", "-id")


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def persona_get(*, user: User) -> Persona:
    """The member's persona, or an empty unsaved one: reading never writes."""
    return Persona.objects.filter(user=user).first() or Persona(user=user)


def persona_birthday_user_ids(*, month_days: list[str]) -> list[int]:
    """Members who consented to keep their birthday and whose birthday ("MM-DD") is one of `month_days`."""
    return list(Persona.objects.filter(birthday__in=month_days, user__is_active=True)
                .order_by("user_id").values_list("user_id", flat=True))


def user_rows_after(*, after_id: int, limit: int) -> list[dict[str, object]]:
    """Users with id > after_id for the analytics export: id and sign-up time only (nothing personal)."""
    return [dict(r) for r in User.objects.filter(id__gt=after_id).order_by("id").values("id", "date_joined")[:limit]]


def follow_rows_after(*, after_id: int, limit: int) -> list[dict[str, object]]:
    """Follows with id > after_id for the analytics export."""
    return [dict(r) for r in Follow.objects.filter(id__gt=after_id).order_by("id").values(
        "id", "follower_id", "followee_id", "created_at")[:limit]]


def user_ids_by_nickname(*, nicknames: list[str]) -> dict[str, list[int]]:
    """Active users named exactly so: nickname -> their ids, lowest first (nicknames are not unique; content's
    @mentions pick among them)."""
    out: dict[str, list[int]] = {}
    for pk, nickname in User.objects.filter(is_active=True, nickname__in=list(nicknames)).order_by("pk")\
            .values_list("pk", "nickname")[:200]:
        out.setdefault(nickname, []).append(pk)
    return out
