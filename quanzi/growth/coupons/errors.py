from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from quanzi.core.money import format_yuan


class ErrorCode(StrEnum):
    """Every error code the coupons app raises (templates, claiming, granting, using coupons at checkout); the API
    description lists them (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list
    complete."""

    CLAIM_ENDED = "claim_ended"
    CLAIM_LIMIT_REACHED = "claim_limit_reached"
    CLAIM_NOT_STARTED = "claim_not_started"
    CLAIM_PAUSED = "claim_paused"
    COUPON_BELOW_THRESHOLD = "coupon_below_threshold"
    COUPON_CAMPAIGN_PRICED = "coupon_campaign_priced"
    COUPON_EXHAUSTED = "coupon_exhausted"
    COUPON_EXPIRED = "coupon_expired"
    COUPON_NO_EFFECT = "coupon_no_effect"
    COUPON_NOT_FOUND = "coupon_not_found"
    COUPON_NOT_YET_VALID = "coupon_not_yet_valid"
    COUPON_OTHER_SCOPE = "coupon_other_scope"
    COUPON_STACK_CONFLICT = "coupon_stack_conflict"
    COUPON_USED = "coupon_used"
    GRANT_EMPTY = "grant_empty"
    GRANT_TOO_MANY = "grant_too_many"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_BATCH = "invalid_batch"
    INVALID_CLAIM_WINDOW = "invalid_claim_window"
    INVALID_KIND = "invalid_kind"
    INVALID_LIMIT = "invalid_limit"
    INVALID_NAME = "invalid_name"
    INVALID_PERCENT = "invalid_percent"
    INVALID_QUOTA = "invalid_quota"
    INVALID_REFUND_POLICY = "invalid_refund_policy"
    INVALID_SCOPE = "invalid_scope"
    INVALID_STATE = "invalid_state"
    INVALID_THRESHOLD = "invalid_threshold"
    INVALID_VALIDITY = "invalid_validity"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_CLAIMABLE = "not_claimable"
    NOT_COMMUNITY_MEMBER = "not_community_member"
    NOT_MERCHANT = "not_merchant"
    NOT_OPERATOR = "not_operator"
    TEMPLATE_NOT_FOUND = "template_not_found"
    COUPON_PACKET_NOT_FOUND = "coupon_packet_not_found"
    COUPON_PACKET_FINISHED = "coupon_packet_finished"
    COUPON_PACKET_EXPIRED = "coupon_packet_expired"
    COUPON_PACKET_ALREADY_CLAIMED = "coupon_packet_already_claimed"
    INVALID_SHARES = "invalid_shares"
    POST_NOT_ALLOWED = "post_not_allowed"
    NOT_IN_AUDIENCE = "not_in_audience"
    INVALID_AUDIENCE = "invalid_audience"


# --- templates ---------------------------------------------------------------------------------------------------


def template_not_found() -> NotFound:
    return NotFound(ErrorCode.TEMPLATE_NOT_FOUND, _("优惠券不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("仅平台运营人员可以操作"))


def not_merchant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MERCHANT, _("只有已入驻的商家可以管理店铺优惠券"))


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})


# --- claiming ----------------------------------------------------------------------------------------------------


def not_claimable() -> Conflict:
    return Conflict(ErrorCode.NOT_CLAIMABLE, _("这张券不能领取，只能由平台发放"))


def claim_not_started() -> Conflict:
    return Conflict(ErrorCode.CLAIM_NOT_STARTED, _("还没到领取时间"))


def claim_ended() -> Conflict:
    return Conflict(ErrorCode.CLAIM_ENDED, _("领取已结束"))


def claim_paused() -> Conflict:
    return Conflict(ErrorCode.CLAIM_PAUSED, _("领取已暂停"))


def exhausted() -> Conflict:
    return Conflict(ErrorCode.COUPON_EXHAUSTED, _("优惠券已被抢光"))


def claim_limit_reached(limit: int) -> Conflict:
    return Conflict(ErrorCode.CLAIM_LIMIT_REACHED, _("每人限领 %(n)s 张，你已领完") % {"n": limit})


def not_in_audience() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_IN_AUDIENCE, _("这张券仅限指定人群领取，你暂不在该人群中"))


def invalid_audience() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_AUDIENCE, _("人群不存在，或你不能用它限定这张券"))


def not_community_member(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_COMMUNITY_MEMBER, _("加入「%(name)s」后才能领取") % {"name": name})


def grant_empty() -> InvalidInput:
    return InvalidInput(ErrorCode.GRANT_EMPTY, _("请填写要发放的会员（手机号或用户 ID）"))


def grant_too_many(limit: int) -> InvalidInput:
    return InvalidInput(ErrorCode.GRANT_TOO_MANY, _("一次最多发放给 %(n)s 位会员") % {"n": limit})


# --- using -------------------------------------------------------------------------------------------------------


def coupon_not_found() -> NotFound:
    return NotFound(ErrorCode.COUPON_NOT_FOUND, _("优惠券不存在或不属于你"))


def coupon_used() -> Conflict:
    return Conflict(ErrorCode.COUPON_USED, _("优惠券已使用"))


def not_yet_valid(when: str) -> Conflict:
    return Conflict(ErrorCode.COUPON_NOT_YET_VALID, _("优惠券 %(when)s 起可用") % {"when": when})


def expired() -> Conflict:
    return Conflict(ErrorCode.COUPON_EXPIRED, _("优惠券已过期"))


def other_scope() -> Conflict:
    return Conflict(ErrorCode.COUPON_OTHER_SCOPE, _("本单没有适用这张券的商品"))


def campaign_priced() -> Conflict:
    return Conflict(ErrorCode.COUPON_CAMPAIGN_PRICED, _("适用的商品已享活动价，活动价不能再用券"))


def below_threshold(threshold_fen: int, short_fen: int) -> Conflict:
    return Conflict(ErrorCode.COUPON_BELOW_THRESHOLD, _("满 %(t)s 可用，还差 %(s)s") % {
        "t": format_yuan(threshold_fen), "s": format_yuan(short_fen)}, short_fen=short_fen)


def no_effect() -> Conflict:
    return Conflict(ErrorCode.COUPON_NO_EFFECT, _("这张券对本单没有优惠（例如本单已包邮）"))


def stack_conflict() -> Conflict:
    return Conflict(ErrorCode.COUPON_STACK_CONFLICT, _("每单最多使用一张平台券和每家店铺一张店铺券"))


# --- coupon packets (券包) ----------------------------------------------------------------------------------------


def packet_not_found() -> NotFound:
    return NotFound(ErrorCode.COUPON_PACKET_NOT_FOUND, _("券包不存在"))


def packet_finished() -> Conflict:
    return Conflict(ErrorCode.COUPON_PACKET_FINISHED, _("手慢了，券包已被领完"))


def packet_expired() -> Conflict:
    return Conflict(ErrorCode.COUPON_PACKET_EXPIRED, _("券包已过期"))


def packet_already_claimed() -> Conflict:
    return Conflict(ErrorCode.COUPON_PACKET_ALREADY_CLAIMED, _("你已领过这个券包"))


def invalid_shares(most: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_SHARES, _("份数需为 1–%(n)s") % {"n": most})


def post_not_allowed(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.POST_NOT_ALLOWED, _("你不能在「%(name)s」发券包") % {"name": name})
