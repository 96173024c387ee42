"""The invite a landing page remembers in the visitor's session until they sign up (first or last click, as the
policy says), and the sign-up hooks that read it (accounts.hooks.signup_check / on_signed_up)."""

from __future__ import annotations

import logging
from typing import Any

from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindPolicy, BindSource

log = logging.getLogger(__name__)

SESSION_KEY = "qz_invite"


def remember(session: Any, *, code: str, target_kind: str, community_id: int | None) -> None:
    """Keep the invite for a later sign-up: under "last click" the newest link replaces it; otherwise the first
    one opened stays."""
    if session is None:
        return
    if session.get(SESSION_KEY) and selectors.policy_get().policy != BindPolicy.LAST_CLICK:
        return
    session[SESSION_KEY] = {"code": code, "kind": target_kind, "community_id": community_id}


def remembered(session: Any) -> dict[str, Any] | None:
    value = session.get(SESSION_KEY) if session is not None else None
    return value if isinstance(value, dict) and value.get("code") else None


def check_signup(context: Any) -> None:
    """accounts.hooks.signup_check: a code typed in the form must exist, else no account is made."""
    services.check_signup_code(context.invite_code)


def bind_on_signup(user: Any, context: Any) -> None:
    """accounts.hooks.on_signed_up: bind the new member to the code they typed (it wins: they chose it), else to
    the invite link the session remembers."""
    if (context.invite_code or "").strip():
        services.referral_bind_code(invitee=user, code=context.invite_code, at_signup=True, ip=context.ip,
                                    device=context.device)
        return
    invite = remembered(context.session)
    if invite is None:
        return
    inviter_id = selectors.user_id_by_code(code=str(invite["code"]))
    if inviter_id is None:
        return
    community_id = invite.get("community_id")
    services.referral_bind(invitee=user, inviter_id=inviter_id, source=BindSource.LINK,
                           community_id=community_id if isinstance(community_id, int) else None,
                           ip=context.ip, device=context.device, at_signup=True)
    context.session.pop(SESSION_KEY, None)
