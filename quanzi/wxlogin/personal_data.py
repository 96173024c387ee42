"""WeChat's part of a member's personal data (core/personal_data.py). Registered in `WxloginConfig.ready()`.

Erase (注销): every binding is ended and its openid, unionid, WeChat nickname and avatar are removed, so the WeChat
account can sign up again as a new member and nothing links it to the deleted one; the bind history keeps only
that a binding existed and ended (action `unbind`, via `deletion`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from quanzi.core import personal_data
from quanzi.wxlogin.models import BindAction, WechatBindEvent, WechatIdentity


@transaction.atomic
def erase_identities(user_id: int) -> None:
    now = timezone.now()
    for identity in WechatIdentity.objects.filter(user_id=user_id).order_by("pk"):
        if identity.unbound_at is None:
            WechatBindEvent.objects.create(identity=identity, user_id=user_id, action=BindAction.UNBIND,
                                           via="deletion", consent_version=identity.consent_version)
        WechatIdentity.objects.filter(pk=identity.pk).update(
            unbound_at=identity.unbound_at or now, openid=f"erased-{identity.pk}", unionid="", nickname="",
            avatar_url="")


def register() -> None:
    personal_data.register("wechat", erase=erase_identities, erase_order=30)
