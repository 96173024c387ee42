"""The error codes of the API, for its OpenAPI description: every app's `errors.ErrorCode`, generated at import
time so the list is always the one the code raises (quanzi/core/tests/test_error_codes.py checks it)."""

from __future__ import annotations

from enum import StrEnum

from quanzi.accounts.errors import ErrorCode as AccountsCode
from quanzi.ads.errors import ErrorCode as AdsCode
from quanzi.aftersales.errors import ErrorCode as AftersalesCode
from quanzi.catalog.errors import ErrorCode as CatalogCode
from quanzi.chat.errors import ErrorCode as ChatCode
from quanzi.communities.errors import ErrorCode as CommunitiesCode
from quanzi.content.errors import ErrorCode as ContentCode
from quanzi.core.errors import ErrorCode as CoreCode
from quanzi.growth.coupons.errors import ErrorCode as CouponsCode
from quanzi.growth.flashsale.errors import ErrorCode as FlashsaleCode
from quanzi.growth.groupbuy.errors import ErrorCode as GroupbuyCode
from quanzi.growth.redpackets.errors import ErrorCode as RedpacketsCode
from quanzi.insight.errors import ErrorCode as InsightCode
from quanzi.kolmarket.errors import ErrorCode as KolMarketCode
from quanzi.live.errors import ErrorCode as LiveCode
from quanzi.loyalty.lotteries.errors import ErrorCode as LotteriesCode
from quanzi.loyalty.membership.errors import ErrorCode as MembershipCode
from quanzi.loyalty.points.errors import ErrorCode as PointsCode
from quanzi.loyalty.tasks.errors import ErrorCode as TasksCode
from quanzi.malls.errors import ErrorCode as MallsCode
from quanzi.notify.errors import ErrorCode as NotifyCode
from quanzi.orders.errors import ErrorCode as OrdersCode
from quanzi.paidcontent.errors import ErrorCode as PaidContentCode
from quanzi.payments.errors import ErrorCode as PaymentsCode
from quanzi.personas.errors import ErrorCode as PersonasCode
from quanzi.privacy.errors import ErrorCode as PrivacyCode
from quanzi.recommend.errors import ErrorCode as RecommendCode
from quanzi.referrals.distribution.errors import ErrorCode as DistributionCode
from quanzi.referrals.invites.errors import ErrorCode as InvitesCode
from quanzi.settlements.errors import ErrorCode as SettlementsCode
from quanzi.wxlogin.errors import ErrorCode as WxloginCode

# (section, its enum), in the order of the routers
ERROR_CODES: list[tuple[str, type[StrEnum]]] = [
    ("any endpoint", CoreCode),
    ("/accounts", AccountsCode),
    ("/wxlogin", WxloginCode),
    ("/communities", CommunitiesCode),
    ("/content", ContentCode),
    ("/catalog", CatalogCode),
    ("/orders", OrdersCode),
    ("/payments", PaymentsCode),
    ("/aftersales", AftersalesCode),
    ("/settlements", SettlementsCode),
    ("/growth/flashsale", FlashsaleCode),
    ("/growth/coupons", CouponsCode),
    ("/growth/groupbuy", GroupbuyCode),
    ("/growth/redpackets", RedpacketsCode),
    ("/loyalty/points", PointsCode),
    ("/loyalty/membership", MembershipCode),
    ("/loyalty/tasks", TasksCode),
    ("/loyalty/lotteries", LotteriesCode),
    ("/referrals/invites", InvitesCode),
    ("/referrals/distribution", DistributionCode),
    ("/personas", PersonasCode),
    ("/insight (dashboard pages)", InsightCode),
    ("privacy (/api/v1/privacy, pages /me/privacy/)", PrivacyCode),
    ("/recommend", RecommendCode),
    ("ads (pages /ads/)", AdsCode),
    ("/paid", PaidContentCode),
    ("/kolmarket (pages /kol-market/)", KolMarketCode),
    ("/malls (pages /malls/)", MallsCode),
    ("/chat", ChatCode),
    ("/notify", NotifyCode),
    ("/live (and the live room's WebSocket error frames)", LiveCode),
]


def error_codes_markdown() -> str:
    """A Markdown section listing each app's codes (an endpoint may also answer the codes of the apps it calls)."""
    lines = ["", "", "### 错误码 Error codes", "",
             "Every error is the HTTP status with `{code, message}`; `code` is one of these (by the app that raises "
             "it; an endpoint may also pass on the codes of the apps it calls).", ""]
    for section, enum in ERROR_CODES:
        lines.append(f"- **{section}**: " + ", ".join(f"`{c.value}`" for c in enum))
    return "\n".join(lines)
