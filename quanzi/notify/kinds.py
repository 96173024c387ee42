"""Which group each notification kind belongs to, and what a member gets before they change anything.

A kind another app adds later (accounts' `NotificationKind`) falls into `OTHER` until it is listed here: it is
still delivered in the inbox, and only there by default."""

from __future__ import annotations

from quanzi.accounts.enums import NotificationKind as K
from quanzi.notify.enums import Channel, KindGroup

GROUP_OF: dict[str, str] = {
    K.REPLY: KindGroup.INTERACTION, K.COMMENT: KindGroup.INTERACTION, K.LIKE: KindGroup.INTERACTION,
    K.FOLLOW: KindGroup.INTERACTION, K.ANSWER: KindGroup.INTERACTION, K.MENTION: KindGroup.INTERACTION,
    K.APPROVAL: KindGroup.COMMUNITY, K.MODERATION: KindGroup.COMMUNITY, K.MERCHANT: KindGroup.COMMUNITY,
    K.ORDER: KindGroup.TRADE, K.AFTERSALE: KindGroup.TRADE, K.GROUPBUY: KindGroup.TRADE,
    K.SHOP: KindGroup.SHOP,
    K.COUPON: KindGroup.BENEFITS, K.REDPACKET: KindGroup.BENEFITS, K.POINTS: KindGroup.BENEFITS,
    K.MEMBERSHIP: KindGroup.BENEFITS, K.TASK: KindGroup.BENEFITS, K.LOTTERY: KindGroup.BENEFITS,
    K.REFERRAL: KindGroup.BENEFITS, K.COMMISSION: KindGroup.BENEFITS,
    K.LIVE: KindGroup.LIVE,
}

# What is on before a member chooses: the inbox for everything; WeChat subscribe messages (free, and the member
# subscribed in the mini program) for what they are waiting for; SMS and email (cost money or go unread) only when
# the member turns them on.
DEFAULT_ON: dict[str, frozenset[str]] = {
    Channel.IN_APP: frozenset(KindGroup.values),
    Channel.WECHAT: frozenset({KindGroup.TRADE, KindGroup.SHOP, KindGroup.LIVE}),
    Channel.SMS: frozenset(),
    Channel.EMAIL: frozenset(),
}


def group_of(kind: str) -> str:
    return GROUP_OF.get(kind, KindGroup.OTHER)


def default_enabled(group: str, channel: str) -> bool:
    return group in DEFAULT_ON.get(channel, frozenset())
