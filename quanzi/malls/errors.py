"""Mall error codes: a machine code and a Chinese message the user reads."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the malls app raises; the API description lists them (quanzi/api_errors.py) and
    quanzi/core/tests/test_error_codes.py keeps this list complete."""

    MALL_ALREADY_OPERATOR = "mall_already_operator"
    MALL_ALREADY_PARTNER = "mall_already_partner"
    MALL_ALREADY_SIGNED_UP = "mall_already_signed_up"
    MALL_ALREADY_TENANT = "mall_already_tenant"
    MALL_CAMPAIGN_ENDED = "mall_campaign_ended"
    MALL_CAMPAIGN_NOT_FOUND = "mall_campaign_not_found"
    MALL_INVALID_ADDRESS = "mall_invalid_address"
    MALL_INVALID_COUPON = "mall_invalid_coupon"
    MALL_INVALID_DATES = "mall_invalid_dates"
    MALL_INVALID_KIND = "mall_invalid_kind"
    MALL_INVALID_NAME = "mall_invalid_name"
    MALL_INVALID_PRODUCT = "mall_invalid_product"
    MALL_INVALID_SLUG = "mall_invalid_slug"
    MALL_INVALID_TEXT = "mall_invalid_text"
    MALL_ITEM_NOT_FOUND = "mall_item_not_found"
    MALL_NOT_FOUND = "mall_not_found"
    MALL_MERCHANT_NOT_FOUND = "mall_merchant_not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_MALL_OPERATOR = "not_mall_operator"
    NOT_MALL_OWNER = "not_mall_owner"
    NOT_MALL_PARTNER = "not_mall_partner"
    MALL_NOT_STAFF = "mall_not_staff"
    NOT_MALL_TENANT = "not_mall_tenant"
    NOT_MALL_TENANT_OR_PARTNER = "not_mall_tenant_or_partner"
    MALL_NO_INVITATION = "mall_no_invitation"
    MALL_PARTNER_NOT_FOUND = "mall_partner_not_found"
    MALL_PROMO_NOT_FOUND = "mall_promo_not_found"
    MALL_PROMO_TAKEN = "mall_promo_taken"
    MALL_SIGNUP_CLOSED = "mall_signup_closed"
    MALL_SLUG_TAKEN = "mall_slug_taken"
    MALL_USER_NOT_FOUND = "mall_user_not_found"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def mall_not_found() -> NotFound:
    return NotFound(ErrorCode.MALL_NOT_FOUND, _("商场不存在"))


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MALL_OPERATOR, _("你不是该商场的运营者，不能管理它的社群"))


def not_owner() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MALL_OWNER, _("只有商场的主运营者可以添加运营者"))


def not_tenant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MALL_TENANT, _("你的店铺不是该商场已入驻的商户"))


def not_partner() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MALL_PARTNER, _("你的店铺不是该商场的合作伙伴"))


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def item_not_found() -> NotFound:
    return NotFound(ErrorCode.MALL_ITEM_NOT_FOUND, _("日历项不存在"))


def campaign_not_found() -> NotFound:
    return NotFound(ErrorCode.MALL_CAMPAIGN_NOT_FOUND, _("联合活动不存在"))


def partner_not_found() -> NotFound:
    return NotFound(ErrorCode.MALL_PARTNER_NOT_FOUND, _("合作伙伴不存在"))


def promo_not_found() -> NotFound:
    return NotFound(ErrorCode.MALL_PROMO_NOT_FOUND, _("互推优惠券不存在"))


def conflict(code: ErrorCode, message: str) -> Conflict:
    return Conflict(code, message)
