"""The message catalogue: texts we store for someone to read later, shown in the reader's language.

A text we write into a row for a person to read later (a notification, the reason of an order's status change, why
a post is held ...) is not stored translated: the writer's language is not the reader's (a merchant browsing in
English must not send a Chinese buyer English). It is stored as a message id and its parameters, and rendered when
it is shown, in the language active for whoever reads it (the page's or the API request's).

Every message id is defined here once, grouped by the app that writes it, with

- its Chinese source text, marked with `gettext_noop` so makemessages extracts it (the English is in the catalog),
  with `%(name)s` placeholders;
- its parameters: name -> kind. `TEXT` is shown as stored (a nickname, a title, a number, a reason a person
  typed); any other kind names a converter that turns a stable stored value into words in the reader's language
  (`"aftersale_reason"`: the label of `AfterSaleReason`). Apps register their converters in `AppConfig.ready()`
  (`converter(name, choices_converter(SomeChoices))`), so this module imports no app.

Writers pass `msg("order.expired")` / `msg("notify.reply", n=nickname, b=body)` wherever a text is stored;
`message_columns()` gives the columns to store (the text in the site's language, kept for old readers and as a
fallback, plus `message_id` and `params`); a plain `str` is free text a person typed and is stored as typed.
Readers show `shown(text, message_id, params)` (the models' `display_*` properties do).

The rule, as for the event catalogue: an unknown id, an undeclared or missing parameter raises ValueError in tests
and with DEBUG; in production it is logged and the reader sees the stored text. `core/tests/test_messages.py`
scans the source and fails on a `msg()` id that is not here, or a parameter it does not declare.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

if TYPE_CHECKING:
    from django.db import models

logger = logging.getLogger("quanzi.messages")

TEXT = "text"  # a parameter shown as stored
ParamValue = str | int
Converter = Callable[[Any], str]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class MessageSpec:
    id: str
    text: str  # the Chinese source text: the msgid the English catalog translates
    params: Mapping[str, str] = field(default_factory=dict)  # name -> TEXT or a converter's name
    app: str = ""


def M(message_id: str, text: str, **params: str) -> MessageSpec:
    return MessageSpec(id=message_id, text=text, params=MappingProxyType(dict(params)))


def _app(app: str, *specs: MessageSpec) -> list[MessageSpec]:
    return [MessageSpec(id=s.id, text=s.text, params=s.params, app=app) for s in specs]


_SPECS: list[MessageSpec] = [
    # --- accounts ------------------------------------------------------------------------------------------------
    *_app(
        "accounts",
        M("notify.follow", gettext_noop("%(name)s 关注了你"), name=TEXT),
    ),
    # --- communities ---------------------------------------------------------------------------------------------
    *_app(
        "communities",
        M("notify.join_approved", gettext_noop("你加入「%(name)s」的申请已通过"), name=TEXT),
        M("notify.join_rejected", gettext_noop("你加入「%(name)s」的申请未通过"), name=TEXT),
        M("notify.muted", gettext_noop("你在「%(name)s」被禁言：%(reason)s"), name=TEXT, reason=TEXT),
        M("notify.banned", gettext_noop("你已被「%(name)s」封禁：%(reason)s"), name=TEXT, reason=TEXT),
    ),
    # --- content -------------------------------------------------------------------------------------------------
    *_app(
        "content",
        M("notify.comment", gettext_noop("%(n)s 评论了你的帖子「%(t)s」"), n=TEXT, t=TEXT),
        M("notify.reply", gettext_noop("%(n)s 回复了你：%(b)s"), n=TEXT, b=TEXT),
        M("notify.like", gettext_noop("%(n)s 赞了你的帖子「%(t)s」"), n=TEXT, t=TEXT),
        M("notify.answer_accepted", gettext_noop("你在「%(t)s」的回答被采纳了"), t=TEXT),
        M("notify.post_approved", gettext_noop("你的帖子「%(t)s」已通过审核"), t=TEXT),
        M("notify.post_rejected", gettext_noop("你的帖子「%(t)s」未通过审核：%(r)s"), t=TEXT, r=TEXT),
        M("notify.post_removed", gettext_noop("你的帖子「%(t)s」已被管理员删除：%(r)s"), t=TEXT, r=TEXT),
        M("notify.post_restored", gettext_noop("你的帖子「%(t)s」已恢复"), t=TEXT),
        M("notify.comment_approved", gettext_noop("你的评论已通过审核")),
        M("notify.comment_folded", gettext_noop("你的评论已被管理员折叠")),
        M("notify.comment_folded_reason", gettext_noop("你的评论已被管理员折叠：%(r)s"), r=TEXT),
        M("content.post_held", gettext_noop("内容包含敏感词（%(words)s），已提交审核，通过后才会公开"),
          words=TEXT),
        M("content.comment_held", gettext_noop("评论包含敏感词（%(w)s），审核通过后才会公开"), w=TEXT),
    ),
    # --- catalog -------------------------------------------------------------------------------------------------
    *_app(
        "catalog",
        M("merchant.suspended_by_operator", gettext_noop("运营后台暂停")),
    ),
    # --- orders --------------------------------------------------------------------------------------------------
    *_app(
        "orders",
        M("order.placed", gettext_noop("下单")),
        M("order.expired", gettext_noop("超时未支付，自动取消")),
        M("order.not_paid_in_time", gettext_noop("超时未支付")),
        M("order.buyer_cancelled", gettext_noop("买家取消")),
        M("order.paid", gettext_noop("支付成功")),
        M("order.shipped", gettext_noop("商家已发货")),
        M("order.receipt_confirmed", gettext_noop("买家确认收货")),
        M("order.virtual_delivered", gettext_noop("虚拟商品付款后已自动发放")),
        M("order.auto_delivered", gettext_noop("发货后超时，自动确认收货")),
        M("order.completed", gettext_noop("售后期结束，订单完成")),
        M("order.refunded", gettext_noop("退款 %(ref)s"), ref=TEXT),
        # transactional notifications (orders.notices)
        M("notify.order_paid", gettext_noop("订单 %(n)s 已支付 %(amount)s"), n=TEXT, amount=TEXT),
        M("notify.order_shipped", gettext_noop("订单 %(n)s 已发货：%(c)s %(no)s"), n=TEXT, c=TEXT, no=TEXT),
        M("notify.order_delivered", gettext_noop("订单 %(n)s 已确认收货，欢迎评价"), n=TEXT),
        M("notify.shop_new_order", gettext_noop("新订单 %(n)s 已付款 %(amount)s，请尽快发货"), n=TEXT, amount=TEXT),
    ),
    # --- payments ------------------------------------------------------------------------------------------------
    *_app(
        "payments",
        M("payment.gateway_closed", gettext_noop("渠道通知交易关闭")),
        M("payment.gateway_paid", gettext_noop("渠道通知支付成功")),
        M("payment.refunded_in_full", gettext_noop("已全额退款")),
        M("payment.query_paid", gettext_noop("查单确认支付成功")),
        M("payment.query_closed", gettext_noop("查单确认交易已关闭")),
        M("payment.order_cancelled", gettext_noop("订单已取消，关闭支付")),
        M("refund.gateway_accepted", gettext_noop("渠道受理退款")),
        M("refund.gateway_succeeded", gettext_noop("渠道退款成功")),
        M("refund.resubmitted", gettext_noop("重新提交退款")),
        M("refund.order_refused", gettext_noop("订单未能入账（%(code)s），自动退款"), code=TEXT),
        M("refund.order_cancelled", gettext_noop("订单已取消，自动退款")),
        M("refund.paid_twice", gettext_noop("订单已由其他支付付款，自动退款")),
    ),
    # --- aftersales ----------------------------------------------------------------------------------------------
    *_app(
        "aftersales",
        M("aftersale.requested", gettext_noop("申请售后：%(reason)s"), reason="aftersale_reason"),
        M("aftersale.withdrawn", gettext_noop("买家撤销申请")),
        M("aftersale.approved", gettext_noop("商家同意")),
        M("aftersale.awaiting_return", gettext_noop("等待买家寄回商品")),
        M("aftersale.return_received", gettext_noop("商家确认收到退货")),
        M("aftersale.refund_started", gettext_noop("发起退款")),
        M("aftersale.refunded", gettext_noop("退款成功")),
        M("aftersale.closed_overdue", gettext_noop("超时未寄回商品，申请关闭")),
        M("order.aftersale_opened", gettext_noop("售后申请 %(n)s"), n=TEXT),
        M("order.aftersale_ended", gettext_noop("售后 %(n)s 结束"), n=TEXT),
        M("order.aftersale_ended_others_open", gettext_noop("售后 %(n)s 结束，仍有售后申请待处理"), n=TEXT),
        M("refund.aftersale", gettext_noop("售后 %(n)s"), n=TEXT),
        M("review.folded_by_operator", gettext_noop("违反评价规范（后台折叠）")),
        M("review.unfolded_by_operator", gettext_noop("后台取消折叠")),
        # transactional notifications (aftersales.notices)
        M("notify.aftersale_approved", gettext_noop("商家已同意你的售后申请 %(n)s，退款处理中"), n=TEXT),
        M("notify.aftersale_approved_return", gettext_noop("商家已同意你的售后申请 %(n)s，请寄回商品"), n=TEXT),
        M("notify.aftersale_rejected", gettext_noop("商家拒绝了你的售后申请 %(n)s：%(r)s"), n=TEXT, r=TEXT),
        M("notify.refund_arrived", gettext_noop("订单 %(n)s 的退款 %(amount)s 已退回%(m)s"), n=TEXT, amount=TEXT,
          m="payment_gateway"),
        M("notify.refund_arrived_plain", gettext_noop("订单 %(n)s 的退款 %(amount)s 已退回"), n=TEXT, amount=TEXT),
        M("notify.shop_aftersale", gettext_noop("订单 %(n)s 有新的售后申请：%(reason)s"), n=TEXT,
          reason="aftersale_reason"),
        M("notify.shop_return_shipped", gettext_noop("买家已寄回售后 %(n)s 的商品：%(c)s %(no)s"), n=TEXT, c=TEXT,
          no=TEXT),
    ),
    # --- growth: flash sales -------------------------------------------------------------------------------------
    *_app(
        "growth.flashsale",
        M("flashsale.ended_on_time", gettext_noop("到点结束")),
        M("notify.flashsale_placed", gettext_noop("秒杀抢到了！订单 %(n)s 请在 %(m)s 分钟内支付，超时名额会释放给别人"),
          n=TEXT, m=TEXT),
    ),
    # --- growth: group-buy ---------------------------------------------------------------------------------------
    *_app(
        "growth.groupbuy",
        # the hold on a member's order: how many places still wait for a payment, read when shown
        M("groupbuy.hold", gettext_noop("拼团中，还差 %(left)s 人成团，成团后发货"), left="groupbuy_places_left"),
        M("groupbuy.group_opened", gettext_noop("开团")),
        M("groupbuy.group_filled", gettext_noop("满员成团")),
        M("groupbuy.group_expired_short", gettext_noop("到期未满员，未成团")),
        M("groupbuy.group_campaign_ended", gettext_noop("活动已结束，未成团")),
        M("groupbuy.group_succeeded_at_expiry", gettext_noop("到期未满员，按商家设置以实际 %(n)s 人成团"), n=TEXT),
        M("groupbuy.campaign_created", gettext_noop("创建活动")),
        M("groupbuy.campaign_paused", gettext_noop("暂停活动")),
        M("groupbuy.campaign_resumed", gettext_noop("恢复活动")),
        M("groupbuy.campaign_ended", gettext_noop("结束活动")),
        M("groupbuy.refund_failed", gettext_noop("拼团未成团，自动退款")),
        M("groupbuy.refund_late", gettext_noop("拼团已结束，付款自动退回")),
        M("notify.groupbuy_succeeded", gettext_noop("你参加的拼团「%(t)s」已成团，商家会尽快发货"), t=TEXT),
        M("notify.groupbuy_succeeded_short",
          gettext_noop("你参加的拼团「%(t)s」到期未满员，商家设置按实际 %(n)s 人成团，会尽快发货"), t=TEXT, n=TEXT),
        M("notify.groupbuy_failed", gettext_noop("你参加的拼团「%(t)s」未能成团，%(amount)s 将原路退回"), t=TEXT,
          amount=TEXT),
        M("notify.groupbuy_late", gettext_noop("拼团「%(t)s」在你付款前已结束，%(amount)s 将原路退回"), t=TEXT,
          amount=TEXT),
        M("notify.groupbuy_member_paid", gettext_noop("%(n)s 已付款加入你的拼团「%(t)s」"), n=TEXT, t=TEXT),
    ),
    # --- loyalty: points ------------------------------------------------------------------------------------------
    *_app(
        "loyalty.points",
        M("notify.points_earned", gettext_noop("订单 %(n)s 已完成，获得 %(p)s 积分"), n=TEXT, p=TEXT),
        M("notify.points_mall_shipped", gettext_noop("你兑换的「%(t)s」已发货：%(c)s %(no)s"), t=TEXT, c=TEXT,
          no=TEXT),
        M("notify.points_mall_cancelled", gettext_noop("你兑换的「%(t)s」已取消，%(p)s 积分已退回"), t=TEXT, p=TEXT),
    ),
    # --- loyalty: tasks, check-in rewards, badges ----------------------------------------------------------------
    *_app(
        "loyalty.tasks",
        M("notify.task_completed", gettext_noop("任务「%(t)s」已完成，去任务中心领取奖励吧"), t=TEXT),
        M("notify.checkin_reward", gettext_noop("打卡第 %(n)s 天，奖励已发放"), n=TEXT),
        M("notify.badge_awarded", gettext_noop("你获得了徽章「%(b)s」"), b=TEXT),
    ),
    # --- loyalty: lotteries ----------------------------------------------------------------------------------------
    *_app(
        "loyalty.lotteries",
        M("lottery.created", gettext_noop("发起抽奖")),
        M("lottery.drawn", gettext_noop("开奖：%(n)s 个有效号码，%(w)s 个中奖"), n=TEXT, w=TEXT),
        M("lottery.cancelled", gettext_noop("取消抽奖")),
        M("notify.lottery_won", gettext_noop("恭喜！你在抽奖「%(t)s」中抽中「%(prize)s」（号码 %(n)s）"), t=TEXT,
          prize=TEXT, n=TEXT),
        M("notify.lottery_number", gettext_noop("你的订单获得抽奖「%(t)s」的幸运号码 %(n)s"), t=TEXT, n=TEXT),
        M("notify.lottery_number_revoked", gettext_noop("订单已全额退款，抽奖「%(t)s」的号码 %(n)s 已作废"), t=TEXT,
          n=TEXT),
    ),
    # --- referrals: invites -------------------------------------------------------------------------------------
    *_app(
        "referrals.invites",
        M("notify.invite_bound", gettext_noop("%(n)s 通过你的邀请加入了圈子，TA 首单完成后你会收到奖励"), n=TEXT),
        M("notify.invite_rewarded", gettext_noop("你邀请的 %(n)s 完成了首单，邀请奖励已发放：%(r)s"), n=TEXT,
          r="invite_reward"),
        M("notify.invite_gift", gettext_noop("新人礼已发放：%(r)s，感谢你加入圈子"), r="invite_reward"),
    ),
    # --- referrals: distribution ----------------------------------------------------------------------------------
    *_app(
        "referrals.distribution",
        M("promoter.applied", gettext_noop("会员申请成为推广员")),
        M("promoter.auto_active", gettext_noop("符合条件，自动成为推广员")),
        M("promoter.appointed", gettext_noop("指定为推广员")),
        M("promoter.approved", gettext_noop("推广员申请通过")),
        M("promoter.rejected", gettext_noop("推广员申请未通过")),
        M("promoter.suspended", gettext_noop("停用推广员")),
        M("promoter.restored", gettext_noop("恢复推广员")),
        M("withdrawal.requested", gettext_noop("申请提现")),
        M("withdrawal.approved", gettext_noop("审核通过")),
        M("withdrawal.paid", gettext_noop("打款成功（%(ch)s %(ref)s）"), ch=TEXT, ref=TEXT),
        M("withdrawal.rejected", gettext_noop("驳回：%(r)s"), r=TEXT),
        M("withdrawal.rejected_plain", gettext_noop("运营驳回")),
        M("notify.commission_pending", gettext_noop("你推广的订单带来佣金 %(amount)s，售后期结束后可提现"),
          amount=TEXT),
        M("notify.commission_reversed", gettext_noop("推广订单退款，佣金冲回 %(amount)s"), amount=TEXT),
        M("notify.promoter_active", gettext_noop("你已成为推广员，分享商品即可赚取佣金")),
        M("notify.promoter_rejected", gettext_noop("你的推广员申请未通过")),
        M("notify.withdrawal_paid", gettext_noop("提现 %(amount)s 已到账"), amount=TEXT),
        M("notify.withdrawal_rejected", gettext_noop("提现 %(amount)s 被驳回，金额已退回可提现佣金：%(r)s"),
          amount=TEXT, r=TEXT),
        M("notify.withdrawal_rejected_plain", gettext_noop("提现 %(amount)s 被驳回，金额已退回可提现佣金"),
          amount=TEXT),
    ),
    # --- loyalty: levels and paid membership ---------------------------------------------------------------------
    *_app(
        "loyalty.membership",
        M("notify.level_up", gettext_noop("恭喜升级为「%(name)s」，新的会员权益已生效"), name=TEXT),
        M("notify.membership_started", gettext_noop("「%(plan)s」已开通，有效期至 %(until)s"), plan=TEXT, until=TEXT),
        M("notify.membership_refunded", gettext_noop("「%(plan)s」已退款，会员权益已结束"), plan=TEXT),
        M("membership.refund_reason", gettext_noop("退订「%(plan)s」，退款 %(amount)s"), plan=TEXT, amount=TEXT),
    ),
    # --- ads --------------------------------------------------------------------------------------------------------
    *_app(
        "ads",
        M("ads.topup_refund_reason", gettext_noop("广告余额退款 %(amount)s"), amount=TEXT),
    ),
    # --- paid content (知识付费) ---------------------------------------------------------------------------------
    *_app(
        "paidcontent",
        M("notify.paid_refunded", gettext_noop("「%(title)s」已退款，阅读权限已收回"), title=TEXT),
        M("notify.paid_column_expiring", gettext_noop("你订阅的专栏「%(title)s」将于 %(until)s 到期，续订可顺延"),
          title=TEXT, until=TEXT),
        M("notify.paid_column_expired", gettext_noop("你订阅的专栏「%(title)s」已到期，续订后可继续阅读"),
          title=TEXT),
    ),
    # --- kolmarket (达人广场) -----------------------------------------------------------------------------------------
    *_app(
        "kolmarket",
        M("notify.kol_deal_proposed", gettext_noop("%(m)s 邀请你合作推广：佣金 %(rate)s，固定费 %(fee)s"), m=TEXT,
          rate=TEXT, fee=TEXT),
        M("notify.kol_deal_countered", gettext_noop("达人 %(n)s 还价：佣金 %(rate)s，固定费 %(fee)s"), n=TEXT,
          rate=TEXT, fee=TEXT),
        M("notify.kol_deal_accepted", gettext_noop("%(n)s 接受了合作，商品已上架到达人货架"), n=TEXT),
        M("notify.kol_deal_declined", gettext_noop("%(n)s 拒绝了合作"), n=TEXT),
        M("notify.kol_deal_withdrawn", gettext_noop("%(m)s 撤回了合作邀约"), m=TEXT),
        M("notify.kol_deal_expired", gettext_noop("与达人 %(n)s 的合作邀约已过回复期限"), n=TEXT),
    ),
    # --- notify: the moments that had no notice (merchant review, commission released, coupons expiring, @) ----
    *_app(
        "notify",
        M("notify.merchant_approved", gettext_noop("「%(name)s」的商家入驻申请已通过，可以上架商品了"), name=TEXT),
        M("notify.merchant_rejected", gettext_noop("「%(name)s」的商家入驻申请未通过：%(r)s"), name=TEXT, r=TEXT),
        M("notify.commission_released", gettext_noop("推广订单已完成，佣金 %(amount)s 已结算，可以提现了"),
          amount=TEXT),
        M("notify.coupon_expiring", gettext_noop("你的优惠券「%(name)s」将于 %(until)s 过期，别忘了使用"), name=TEXT,
          until=TEXT),
        M("notify.mention", gettext_noop("%(n)s 在「%(t)s」中提到了你"), n=TEXT, t=TEXT),
        M("notify.live_starting", gettext_noop("「%(c)s」的直播「%(t)s」开始了，快来看看"), c=TEXT, t=TEXT),
    ),
]


def _index(specs: list[MessageSpec]) -> Mapping[str, MessageSpec]:
    out: dict[str, MessageSpec] = {}
    for s in specs:
        if s.id in out:
            raise ValueError(f"message {s.id!r} is defined twice in the catalogue")
        out[s.id] = s
    return MappingProxyType(out)


CATALOGUE: Mapping[str, MessageSpec] = _index(_SPECS)


# --- converters: how a parameter that is itself translatable is shown ----------------------------------------------

_CONVERTERS: dict[str, Converter] = {}


def converter(name: str, fn: Converter) -> None:
    """Register how parameters of kind `name` are shown: `fn(stored value) -> text in the active language`.
    Called by the app that owns the value, in its `AppConfig.ready()`."""
    if name == TEXT or not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"invalid converter name {name!r}")
    _CONVERTERS[name] = fn


def converters() -> Mapping[str, Converter]:
    return MappingProxyType(_CONVERTERS)


def choices_converter(choices: type[models.Choices]) -> Converter:
    """A converter showing a stored choice value as its label (a value the enum no longer has: as stored)."""

    def label(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return label


# --- writing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One of our texts, to be shown later in the reader's language: a catalogue id and its parameters.
    Make one with `msg()`; `str(message)` renders it in the active language."""

    id: str
    params: dict[str, ParamValue] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.id, self.params)


Text = str | Message  # what a writer stores: free text a person typed (as typed), or one of our messages


def _strict() -> bool:
    """Tests and DEBUG fail loudly on a message that breaks the catalogue; production logs it."""
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def _report(wrong: list[str]) -> None:
    if _strict():
        raise ValueError("; ".join(wrong))
    logger.error("message breaks the catalogue: %s", "; ".join(wrong))


def problems(message_id: str, params: Mapping[str, Any] | None = None, *, reading: bool = False) -> list[str]:
    """What is wrong with a message against the catalogue; empty when it keeps the contract. `reading`: a stored
    row being shown, where a parameter the message no longer declares is ignored."""
    spec = CATALOGUE.get(message_id)
    if spec is None:
        return [f"unknown message {message_id!r} (not in quanzi/core/messages.py)"]
    params = params or {}
    out: list[str] = []
    if not reading:
        for name, value in params.items():
            if name not in spec.params:
                out.append(f"{message_id}: param {name!r} is not declared")
            elif not isinstance(value, str | int) or isinstance(value, bool):
                out.append(f"{message_id}: param {name!r} must be str or int, got {type(value).__name__}")
    out += [f"{message_id}: param {name!r} is missing" for name in spec.params if name not in params]
    out += [f"{message_id}: no converter {kind!r} is registered" for kind in spec.params.values()
            if kind != TEXT and kind not in _CONVERTERS]
    return out


def msg(message_id: str, /, **params: ParamValue) -> Message:
    """One of our messages, checked against the catalogue (raises in tests and with DEBUG, logs in production)."""
    wrong = problems(message_id, params)
    if wrong:
        _report(wrong)
    return Message(message_id, dict(params))


def message_columns(value: Text, *, model: type[models.Model], text: str, prefix: str = "") -> dict[str, Any]:
    """The columns that store `value` on `model`: `text` gets it in the site's language (cut to the column's
    length), `<prefix>message_id` and `<prefix>params` the message (empty for free text, which is kept as typed)."""
    max_length = model._meta.get_field(text).max_length  # type: ignore[union-attr]
    if isinstance(value, Message):
        with translation.override(settings.LANGUAGE_CODE):
            rendered = render(value.id, value.params)
        return {text: rendered[:max_length] if max_length else rendered, f"{prefix}message_id": value.id,
                f"{prefix}params": dict(value.params)}
    typed = value or ""
    return {text: typed[:max_length] if max_length else typed, f"{prefix}message_id": "", f"{prefix}params": {}}


# --- reading -------------------------------------------------------------------------------------------------------


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:  # production only: a missing parameter reads as empty
        return ""


def _convert(kind: str, value: Any) -> str:
    if kind == TEXT:
        return str(value)
    fn = _CONVERTERS.get(kind)
    if fn is None:
        return str(value)
    try:
        return fn(value)
    except Exception:  # a broken converter must not break a page
        logger.exception("message converter %r failed on %r", kind, value)
        return str(value)


def render(message_id: str, params: Mapping[str, Any] | None = None, *, fallback: str | None = None) -> str:
    """The message in the active language. A broken message (unknown id, missing parameter) raises in tests and
    with DEBUG; in production it is logged and `fallback` (the stored text) is shown, or what can be rendered."""
    params = params or {}
    wrong = problems(message_id, params, reading=True)
    if wrong:
        _report(wrong)
        if fallback is not None:
            return fallback
    spec = CATALOGUE.get(message_id)
    if spec is None:
        return message_id
    values = _Values({name: _convert(kind, params[name]) for name, kind in spec.params.items() if name in params})
    try:
        return gettext(spec.text) % values
    except (KeyError, ValueError, TypeError):  # a translation with a broken placeholder: the source text
        logger.exception("message %r: the translation does not format", message_id)
        return spec.text % values


def shown(text: str, message_id: str, params: Mapping[str, Any] | None) -> str:
    """What a reader sees of a stored text: its message in the active language when the row has one, otherwise the
    text as stored (free text a person typed, and rows written before messages were stored)."""
    if not message_id:
        return text
    return render(message_id, params or {}, fallback=text)
