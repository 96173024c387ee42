from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)


class ErrorCode(StrEnum):
    """Every error code the group-buy app raises (campaigns, groups, places); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_IN_GROUP = "already_in_group"
    ALREADY_IN_OPEN_GROUP = "already_in_open_group"
    CAMPAIGN_CONFLICT = "campaign_conflict"
    CAMPAIGN_ENDED = "campaign_ended"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_NOT_STARTED = "campaign_not_started"
    CAMPAIGN_OVERLAP = "campaign_overlap"
    CAMPAIGN_PAUSED = "campaign_paused"
    COMMUNITY_NOT_FOUND = "community_not_found"
    GROUP_CLOSED = "group_closed"
    GROUP_EXPIRED = "group_expired"
    GROUP_FULL = "group_full"
    GROUP_NOT_FOUND = "group_not_found"
    GROUP_NOT_IN_CAMPAIGN = "group_not_in_campaign"
    GROUPBUY_SINGLE_ITEM = "groupbuy_single_item"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_FILL_TIME = "invalid_fill_time"
    INVALID_GROUP_PRICE = "invalid_group_price"
    INVALID_GROUP_SIZE = "invalid_group_size"
    INVALID_LEADER_PRICE = "invalid_leader_price"
    INVALID_MEMBER_LIMIT = "invalid_member_limit"
    INVALID_SCHEDULE = "invalid_schedule"
    INVALID_TITLE = "invalid_title"
    MEMBER_LIMIT_EXCEEDED = "member_limit_exceeded"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_CAMPAIGN_OWNER = "not_campaign_owner"
    NOT_COMMUNITY_MEMBER = "not_community_member"
    SKU_NOT_FOUND = "sku_not_found"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def campaign_not_found() -> NotFound:
    return NotFound(ErrorCode.CAMPAIGN_NOT_FOUND, _("拼团活动不存在"))


def group_not_found() -> NotFound:
    return NotFound(ErrorCode.GROUP_NOT_FOUND, _("拼团不存在"))


def sku_not_found() -> NotFound:
    return NotFound(ErrorCode.SKU_NOT_FOUND, _("商品规格不存在或已停售"))


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在"))


def not_campaign_owner() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_CAMPAIGN_OWNER, _("只有该商品的商家和平台运营人员可以管理拼团活动"))


def not_community_member(name: str) -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_COMMUNITY_MEMBER,
                            _("本活动仅限「%(name)s」的成员参与，请先加入社群") % {"name": name})


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def campaign_not_started() -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_NOT_STARTED, _("拼团活动还没开始"))


def campaign_ended() -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_ENDED, _("拼团活动已结束"))


def campaign_paused() -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_PAUSED, _("拼团活动已暂停"))


def campaign_overlap() -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_OVERLAP, _("这个规格在同一时段已有拼团活动"))


def campaign_conflict() -> Conflict:
    return Conflict(ErrorCode.CAMPAIGN_CONFLICT, _("拼团价不能与其他活动价同时使用"))


def group_full() -> Conflict:
    return Conflict(ErrorCode.GROUP_FULL, _("这个团的名额已满（未付款的名额超时后会释放），可以自己开一个团"))


def group_closed() -> Conflict:
    return Conflict(ErrorCode.GROUP_CLOSED, _("这个团已经结束了，可以自己开一个团"))


def group_expired() -> Conflict:
    return Conflict(ErrorCode.GROUP_EXPIRED, _("这个团已过截止时间，可以自己开一个团"))


def group_not_in_campaign() -> InvalidInput:
    return InvalidInput(ErrorCode.GROUP_NOT_IN_CAMPAIGN, _("这个团不属于所选的拼团活动"))


def already_in_group() -> Conflict:
    return Conflict(ErrorCode.ALREADY_IN_GROUP, _("你已经在这个团里了，邀请好友来参团吧"))


def already_in_open_group() -> Conflict:
    return Conflict(ErrorCode.ALREADY_IN_OPEN_GROUP, _("你在这个活动里已有一个进行中的团，成团或结束后才能再参加"))


def single_item() -> InvalidInput:
    return InvalidInput(ErrorCode.GROUPBUY_SINGLE_ITEM, _("拼团订单只能单独购买拼团商品的这一规格"))


def member_limit_exceeded(left: int) -> Conflict:
    return Conflict(ErrorCode.MEMBER_LIMIT_EXCEEDED,
                    _("超出每人限购件数，本活动你还可以买 %(n)s 件") % {"n": left}, left=left)


def illegal_transition(what: str, current: str, target: str) -> DomainError:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("%(what)s不能从「%(a)s」变为「%(b)s」")
                    % {"what": what, "a": current, "b": target})
