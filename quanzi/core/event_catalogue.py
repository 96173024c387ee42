"""The event catalogue: the contract of the event log (`core.Event`, written by `core.events.track()`).

Every event name is defined here once, with

- its meaning (one sentence in Chinese, then English),
- the type of object it is about (`Event.object_type`, the model name of `track(obj=...)`), or None when the
  event has no object,
- its properties (`Event.props`, the extra keyword arguments of `track()`): name -> type, required or optional.
  A prop passed as None is not stored, so "optional" also covers "None when it does not apply".

The columns `user`, `community_id` and `share_token` are not props: they are `track()`'s own arguments.

The rule: `track()` checks every call against this table. An unknown name, an undeclared or missing prop, a prop of
the wrong type or an object of the wrong type raises ValueError in tests and with DEBUG; in production it is logged
as an error and the event is still recorded (the log never loses data). `core/tests/test_event_catalogue.py` also
scans the source and fails on a `track()` name that is not here. So: a new event is added here first, in the same
change as its `track()` call; a change of meaning gets a new name.

Readers (insight, recommend, growth) rely on these names and props and on nothing else.
This module is pure Python: no Django import, so any tool can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Allowed prop types. `list` also accepts a tuple; `int` never accepts a bool.
PropType = type[int] | type[str] | type[bool] | type[list[Any]] | type[float]


@dataclass(frozen=True)
class Prop:
    type: PropType
    required: bool = True

    def accepts(self, value: Any) -> bool:
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.type is list:
            return isinstance(value, list | tuple)
        return isinstance(value, self.type)


@dataclass(frozen=True)
class EventSpec:
    name: str
    meaning: str
    object: str | None = None  # model name of `obj`, None: the event has no object
    props: Mapping[str, Prop] = field(default_factory=dict)
    object_optional: bool = False  # True: `obj` may be left out (it is not always known)
    app: str = ""


def req(t: PropType) -> Prop:
    return Prop(t, required=True)


def opt(t: PropType) -> Prop:
    return Prop(t, required=False)


def E(name: str, meaning: str, obj: str | None = None, object_optional: bool = False,
      **props: Prop) -> EventSpec:
    return EventSpec(name=name, meaning=meaning, object=obj, props=MappingProxyType(dict(props)),
                     object_optional=object_optional)


def _app(app: str, *specs: EventSpec) -> list[EventSpec]:
    return [EventSpec(name=s.name, meaning=s.meaning, object=s.object, props=s.props,
                      object_optional=s.object_optional, app=app) for s in specs]


_SPECS: list[EventSpec] = [
    # --- accounts ------------------------------------------------------------------------------------------------
    *_app(
        "accounts",
        E("user.signup", "用户注册。A user signed up.", "user"),
        E("user.login", "用户登录。A user logged in.", "user"),
        E("user.password_change", "用户修改密码。A user changed their password.", "user"),
        E("user.logout_all", "用户退出所有设备（吊销全部令牌）。A user logged out everywhere.", "user",
          tokens=req(int)),  # API tokens revoked
        E("user.token_refresh", "刷新 API 令牌。An API token was refreshed.", "user"),
        E("user.profile_update", "用户修改资料。A user edited their profile.", "user"),
        E("user.persona_set", "用户（已同意后）填写画像字段。A user set a persona field, with consent.", "user",
          field=req(str)),
        E("user.consent_withdraw", "用户撤回画像字段的同意（字段被清除）。A user withdrew consent; the field is "
          "erased.", "user", field=req(str)),
        E("user.follow", "关注另一位用户（对象是被关注者）。A user followed another (the object).", "user"),
        # object_id is the unfollowed user's id, passed as a prop (accounts: should become obj= or followee_id=).
        E("user.unfollow", "取消关注。A user unfollowed another.", None, object_id=req(int)),
        E("user.phone_change", "用户（验证码确认后）更换手机号。A user changed their phone, confirmed by a code.",
          "user"),
    ),
    # --- communities ---------------------------------------------------------------------------------------------
    *_app(
        "communities",
        E("community.create", "创建社群。A community was created.", "community", vertical=req(str)),
        E("community.update", "修改社群资料。A community's settings were changed.", "community",
          fields=req(list)),  # names of the changed fields
        E("community.join", "加入社群（公开社群或凭邀请码）。A user joined a community.", "community",
          invitation_id=opt(int)),
        E("community.apply", "申请加入需审核的社群。A user applied to join a community.", "community",
          invitation_id=opt(int)),
        E("community.leave", "退出社群。A member left a community.", "community"),
        E("community.approve", "管理员通过入群申请。An admin approved an application.", "community",
          target_user_id=req(int)),
        E("community.reject", "管理员拒绝入群申请。An admin rejected an application.", "community",
          target_user_id=req(int)),
        E("community.invitation_create", "创建邀请码。An invitation was created.", "invitation"),
        E("community.invitation_revoke", "作废邀请码。An invitation was revoked.", "invitation"),
        E("community.role_set", "设置成员角色。A member's role was changed.", "community",
          target_user_id=req(int), role=req(str)),
        E("community.mute", "禁言成员。A member was muted.", "community", target_user_id=req(int)),
        E("community.unmute", "解除禁言。A member was unmuted.", "community", target_user_id=req(int)),
        E("community.ban", "封禁成员。A member was banned.", "community", target_user_id=req(int)),
        E("community.unban", "解除封禁。A member was unbanned.", "community", target_user_id=req(int)),
        E("community.report", "举报帖子、评论或成员。A member reported content or a member.", "report",
          target_type=req(str)),
        E("community.report_resolve", "举报已处理。A report was resolved.", "report"),
        E("community.report_dismiss", "举报被驳回。A report was dismissed.", "report"),
        E("page.discover", "浏览发现社群页。The discover page was viewed.", None, vertical=opt(str)),
    ),
    # --- content -------------------------------------------------------------------------------------------------
    *_app(
        "content",
        E("post.create", "发帖（可能定时发布或待审核）。A post was written (maybe scheduled or held).", "post",
          kind=req(str), status=req(str), images=req(int), held_words=opt(list)),
        E("post.images_add", "给帖子追加图片。Images were added to a post.", "post", count=req(int)),
        E("post.publish", "定时帖发布（任务到点发布，或提前发布）。A scheduled post was published.", "post",
          early=opt(bool), author_id=opt(int)),
        E("post.reschedule", "修改定时发布时间。A scheduled post was moved.", "post", publish_at=req(str)),
        E("post.delete_own", "作者删除自己的帖子。An author deleted their post.", "post"),
        E("post.view", "浏览帖子；经分享链接时带分享码（分享归因）。A post was viewed; through a share link it "
          "carries the share token.", "post", sharer_id=opt(int), via=opt(str)),
        E("post.like", "点赞帖子。A post was liked.", "post"),
        E("post.unlike", "取消点赞。A like was taken back.", "post"),
        E("post.favourite", "收藏帖子。A post was added to favourites.", "post"),
        E("post.unfavourite", "取消收藏。A favourite was taken back.", "post"),
        E("post.share", "生成分享链接（分享码在 share_token）。A share link was made.", "post",
          channel=req(str)),
        E("post.approve", "审核通过帖子。A held post was approved.", "post"),
        E("post.reject", "审核拒绝帖子。A held post was rejected.", "post"),
        E("post.remove", "管理员删除帖子。A moderator removed a post.", "post", reason=req(str)),
        E("post.restore", "恢复被删除的帖子。A removed post was restored.", "post"),
        E("comment.create", "发表评论或回复。A comment or reply was written.", "comment",
          post_id=req(int), reply=req(bool), held=opt(bool)),
        E("comment.fold", "折叠评论。A comment was folded.", "comment"),
        E("comment.approve", "审核通过评论。A held comment was approved.", "comment"),
        E("answer.accept", "提问者采纳回答。An answer was accepted.", "post", comment_id=req(int)),
        E("poll.vote", "投票。A member voted in a poll.", "post", options=req(list)),
        E("event.signup", "报名线下活动。A member signed up for an offline event.", "post"),
        E("event.cancel", "取消活动报名。A member cancelled an event signup.", "post"),
        E("community.checkin", "社群打卡。A member checked in.", "checkin", streak=req(int)),
        E("sensitive_word.create", "添加敏感词。A sensitive word was added.", "sensitiveword"),
        E("sensitive_word.delete", "删除敏感词。A sensitive word was deleted.", None, word_id=req(int)),
    ),
    # --- catalog -------------------------------------------------------------------------------------------------
    *_app(
        "catalog",
        E("merchant.apply", "申请入驻成为商家。A user applied to become a merchant.", "merchant"),
        E("merchant.approve", "运营通过商家入驻。An operator approved a merchant.", "merchant", status=req(str)),
        E("merchant.creator_open", "为知识付费作者开通收款商家账户。A creator's payee merchant account was opened.",
          "merchant"),
        E("merchant.reject", "运营拒绝商家入驻。An operator rejected a merchant.", "merchant", status=req(str)),
        E("merchant.suspend", "运营暂停商家。An operator suspended a merchant.", "merchant", status=req(str)),
        E("category.create", "创建类目。A category was created.", "category"),
        E("brand.create", "创建品牌。A brand was created.", "brand"),
        E("product.create", "商家创建商品。A merchant created a product.", "product"),
        E("product.update", "商家修改商品。A merchant edited a product.", "product"),
        E("product.shelf_on", "商品上架。A product went on sale.", "product"),
        E("product.shelf_off", "商品下架。A product was taken off sale.", "product"),
        E("product.image_add", "给商品添加图片。An image was added to a product.", "product"),
        E("product.view", "浏览商品详情（页面或 API）。A product's detail was viewed, on the page or through "
          "the API.", "product", via=req(str)),  # "page" | "api"
        E("product.card_click", "点击帖子里的商品卡片（归因触点）。A product card in a post was clicked (a touch "
          "for the order credit).", "product", post_id=req(int)),
        E("sku.create", "创建 SKU。A SKU was created.", "sku", product_id=req(int)),
        E("sku.update", "修改 SKU。A SKU was edited.", "sku", price_fen=req(int)),
        E("sku.stock_adjust", "商家调整库存。A merchant adjusted stock.", "sku", delta=req(int)),
        E("shelf.add", "商品加入社群货架。A product was put on a community's shelf.", "product"),
        E("shelf.remove", "商品移出社群货架。A product was taken off a community's shelf.", None,
          product_id=req(int), removed=req(int)),
        E("post.product_attach", "给帖子挂商品卡片。A product card was attached to a post.", "product",
          post_id=req(int)),
        E("post.product_detach", "摘下帖子里的商品卡片。A product card was removed from a post.", None,
          post_id=req(int), product_id=req(int)),
    ),
    # --- orders --------------------------------------------------------------------------------------------------
    *_app(
        "orders",
        E("address.create", "新增收货地址。An address was added.", "address"),
        E("address.update", "修改收货地址。An address was edited.", "address"),
        E("address.delete", "删除收货地址。An address was deleted.", None, address_id=req(int)),
        E("shipping_template.set", "商家设置运费模板。A merchant set the shipping template.", "shippingtemplate"),
        E("cart.add", "加入购物车。A SKU was added to the cart.", "sku", quantity=req(int)),
        E("cart.remove", "移出购物车。A SKU was removed from the cart.", None, sku_id=req(int)),
        E("cart.set_quantity", "修改购物车数量。A cart quantity was changed.", None, sku_id=req(int),
          quantity=req(int)),
        E("cart.clear", "清空购物车。The cart was emptied.", None, removed=req(int)),
        E("order.place", "下单（一次结算可拆成多个商家订单）。A checkout placed orders.", "checkoutsession",
          total_fen=req(int), order_ids=req(list), adjustments=req(list)),
        E("order.paid", "订单已支付。An order was paid.", "order", amount_fen=req(int)),
        E("order.paid_unusable", "付款到达时订单已不能接受（随后退款）。A payment came for an order that can no "
          "longer take it.", "order", amount_fen=req(int), status=req(str)),
        E("order.cancel", "取消订单。An order was cancelled.", "order"),
        E("order.settle", "订单超时状态推进（自动取消、自动确认收货、完成）。An order's time-outs moved it on.",
          "order", from_status=req(str), to_status=req(str)),
        E("order.ship", "商家发货。A merchant shipped an order.", "order", carrier=req(str)),
        E("order.tracking", "添加物流轨迹。A tracking event was added.", "order"),
        E("order.confirm_receipt", "买家确认收货。The buyer confirmed receipt.", "order"),
        E("order.refund", "订单退款入账。A refund was booked on an order.", "order", amount_fen=req(int),
          refund_ref=req(str)),
        E("order.lines_cancel", "发货前取消部分订单行（库存退回）。Order lines were cancelled before shipment.",
          "order", ref=req(str), units=req(int)),
        E("order.hold", "插件暂缓订单发货（如拼团未成团）。A plug-in held an order's shipment.", "order",
          source=req(str)),
        E("order.hold_release", "解除暂缓发货。A shipment hold was released.", "order", source=req(str)),
    ),
    # --- payments ------------------------------------------------------------------------------------------------
    *_app(
        "payments",
        E("payment.create", "发起支付。A payment was started.", "payment", order_id=req(int), gateway=req(str),
          amount_fen=req(int), kind=opt(str)),
        E("payment.query_found", "查单发现支付结果（通知丢失）。An order query found how a payment ended.",
          "payment", order_id=req(int), status=req(str)),
        E("payment.closed", "在支付渠道关闭支付单（订单已取消或过期）。A payment was closed at its provider.",
          "payment", order_id=req(int), gateway=req(str)),
        E("payment.reconciled", "与渠道账单对账。A day was reconciled against a provider's bill.", None,
          gateway=req(str), day=req(str), status=req(str), differences=req(int)),
        E("refund.callback", "收到退款通知并处理。A refund notification was applied.", "refund",
          order_id=req(int), gateway=req(str), status=req(str)),
        E("refund.callback_rejected", "退款通知被拒绝。A refund notification was rejected.", None,
          gateway=req(str), code=req(str)),
        E("payment.sandbox_confirm", "沙箱网关确认支付（开发用）。The sandbox gateway confirmed a payment.",
          "payment", order_id=req(int)),
        E("payment.callback_rejected", "支付回调被拒绝（验签失败等）。A gateway callback was rejected.", "payment",
          object_optional=True, gateway=req(str), code=req(str)),
        E("payment.callback_ignored", "支付回调被忽略（状态不适用）。A gateway callback was ignored.", "payment",
          gateway=req(str), status=req(str)),
        E("payment.succeeded", "支付成功。A payment succeeded.", "payment", order_id=req(int), gateway=req(str),
          amount_fen=req(int)),
        E("payment.succeeded_refunded", "支付成功但订单已不能接受，原路退回。A payment succeeded for an order "
          "that could not take it and was refunded.", "payment", order_id=req(int), gateway=req(str),
          amount_fen=req(int), kind=req(str)),
        E("refund.create", "发起退款。A refund was started.", "refund", order_id=req(int), amount_fen=req(int),
          kind=req(str)),
        E("refund.processing", "退款处理中。A refund is being processed.", "refund", order_id=req(int)),
        E("refund.succeeded", "退款成功。A refund succeeded.", "refund", order_id=req(int), amount_fen=req(int)),
        E("refund.failed", "退款失败。A refund failed.", "refund", order_id=req(int), code=req(str)),
        E("refund.retry", "重试失败的退款。A failed refund was retried.", "refund", order_id=req(int)),
        E("payment.combined_create", "发起合单支付（一次结算的多个订单）。A combined payment was started.",
          "combinedpayment", checkout_id=req(int), gateway=req(str), amount_fen=req(int), orders=req(int),
          kind=opt(str)),
        E("payment.combined_succeeded", "合单支付成功，逐单入账。A combined payment succeeded.", "combinedpayment",
          gateway=req(str), amount_fen=req(int), result=req(str)),
        E("payment.combined_closed", "合单支付关闭。A combined payment was closed.", "combinedpayment",
          gateway=req(str)),
    ),
    # --- aftersales ----------------------------------------------------------------------------------------------
    *_app(
        "aftersales",
        E("aftersale.request", "买家申请售后。A buyer asked for an after-sales refund or return.",
          "aftersalerequest", order_id=req(int), kind=req(str), reason=req(str), amount_fen=req(int)),
        E("aftersale.photos", "售后申请上传凭证图片。Photos were added to an after-sales request.",
          "aftersalerequest", count=req(int)),
        E("aftersale.cancel", "买家撤销售后申请。The buyer withdrew a request.", "aftersalerequest"),
        E("aftersale.approve", "商家同意售后。The merchant approved a request.", "aftersalerequest",
          kind=req(str)),
        E("aftersale.reject", "商家拒绝售后。The merchant rejected a request.", "aftersalerequest"),
        E("aftersale.return_ship", "买家寄回商品。The buyer shipped the goods back.", "aftersalerequest",
          carrier=req(str)),
        E("aftersale.return_receive", "商家收到退货。The merchant received the return.", "aftersalerequest"),
        E("aftersale.refund_submit", "提交售后退款（或重试）。The refund of a request was submitted.",
          "aftersalerequest", retry=req(bool)),
        E("aftersale.refunded", "售后退款完成。A request was refunded.", "aftersalerequest",
          amount_fen=req(int)),
        E("aftersale.close_overdue", "买家逾期未寄回，售后关闭。A request closed because the return was "
          "overdue.", "aftersalerequest"),
        E("aftersale.order_lines_not_cancelled", "售后退款后未能取消订单行（需人工处理）。The order lines of a "
          "refunded request could not be cancelled.", "aftersalerequest", order_id=req(int), code=req(str)),
        E("review.create", "买家评价商品。A buyer reviewed a product.", "review", product_id=req(int),
          rating=req(int)),
        E("review.photos", "评价追加图片。Photos were added to a review.", "review", count=req(int)),
        E("review.fold", "折叠评价。A review was folded.", "review", product_id=req(int)),
        E("review.unfold", "取消折叠评价。A review was unfolded.", "review", product_id=req(int)),
    ),
    # --- settlements ---------------------------------------------------------------------------------------------
    *_app(
        "settlements",
        E("settlement.generate", "生成商家结算单。A merchant's settlement statement was generated.",
          "settlementstatement", merchant_id=req(int), period=req(str), net_fen=req(int)),
        E("settlement.confirm", "确认结算单。A statement was confirmed.", "settlementstatement",
          merchant_id=req(int)),
        E("settlement.export", "导出结算单 Excel。A statement was exported.", "settlementstatement"),
        E("page.settlement", "浏览结算单页面。A statement page was viewed.", "settlementstatement"),
    ),
    # --- growth: group-buy (拼团) ----------------------------------------------------------------------------------
    *_app(
        "growth.groupbuy",
        E("groupbuy.campaign_create", "创建拼团活动。A group-buy campaign was created.", "groupbuycampaign",
          sku_id=req(int), group_size=req(int), group_price_fen=req(int)),
        E("groupbuy.campaign_status", "拼团活动暂停、恢复或结束。A campaign was paused, resumed or ended.",
          "groupbuycampaign", from_status=req(str), to_status=req(str)),
        E("groupbuy.group_open", "开团（下单占团长名额）。A member opened a group with an order.", "groupbuygroup",
          campaign_id=req(int), order_id=req(int), quantity=req(int)),
        E("groupbuy.group_join", "参团（下单占名额）。A member took a place in a group with an order.",
          "groupbuygroup", campaign_id=req(int), order_id=req(int), quantity=req(int)),
        E("groupbuy.place_paid", "参团付款，名额计入。A place was paid and counts.", "groupbuygroup",
          order_id=req(int), paid_count=req(int)),
        E("groupbuy.place_release", "未付款订单取消，名额释放。An unpaid place was freed.", "groupbuygroup",
          order_id=req(int)),
        E("groupbuy.place_withdraw", "成团前售后退款，退出拼团。A paid member took the money back before the "
          "group filled.", "groupbuygroup", order_id=req(int)),
        E("groupbuy.group_succeed", "成团（满员，或按商家设置到期以实际人数成团）。A group succeeded.",
          "groupbuygroup", campaign_id=req(int), members=req(int), short=req(bool)),
        E("groupbuy.group_fail", "拼团失败（到期未满员或活动结束）。A group failed.", "groupbuygroup",
          campaign_id=req(int), paid=req(int), reason=req(str)),
        E("groupbuy.member_refund", "拼团退款（未成团，或成团后才付款）。A member was refunded by the group-buy.",
          "groupbuygroup", order_id=req(int), amount_fen=req(int), reason=req(str)),
        E("groupbuy.group_share", "分享拼团链接。A member shared a group's link.", "groupbuygroup"),
        E("groupbuy.group_view", "浏览拼团页。A group's page was viewed.", "groupbuygroup", via=req(str),
          sharer_id=opt(int)),
        E("groupbuy.export", "导出拼团数据 Excel。Group-buy data was exported.", "groupbuycampaign",
          object_optional=True, rows=req(int)),
    ),
    # --- growth: flash sales (秒杀) ----------------------------------------------------------------------------------
    *_app(
        "growth.flashsale",
        E("flashsale.session_create", "创建秒杀场次（草稿）。A flash-sale session was created.", "flashsession",
          starts_at=req(str), merchant_id=opt(int)),
        E("flashsale.item_add", "场次加入秒杀商品。A SKU was put in a session.", "flashitem", session_id=req(int),
          sku_id=req(int), flash_price_fen=req(int), allotment=req(int)),
        E("flashsale.session_schedule", "场次排期，名额移出库存。A session was scheduled; its units left stock.",
          "flashsession", items=req(int), units=req(int)),
        E("flashsale.session_pause", "场次暂停。A session was paused.", "flashsession"),
        E("flashsale.session_resume", "场次恢复。A session was resumed.", "flashsession"),
        E("flashsale.session_end", "场次结束，剩余名额归还库存。A session ended; what was left went back to stock.",
          "flashsession", units_returned=req(int)),
        E("flashsale.reserve", "抢到秒杀名额并下单（待支付）。A member took flash-sale units with an order.",
          "flashreservation", item_id=req(int), order_id=req(int), quantity=req(int), goods_fen=req(int)),
        E("flashsale.paid", "秒杀订单已支付。A flash-sale order was paid.", "flashreservation", item_id=req(int),
          order_id=req(int), goods_fen=req(int)),
        E("flashsale.release", "秒杀订单取消或超时，名额释放。A flash-sale order was cancelled; its units came "
          "back.", "flashreservation", item_id=req(int), order_id=req(int), quantity=req(int),
          to_allotment=req(bool)),
        E("flashsale.refund", "秒杀订单退款。A flash-sale order was refunded.", "flashreservation",
          item_id=req(int), order_id=req(int), amount_fen=req(int)),
        E("flashsale.ticket_failed", "秒杀排队下单未成功，名额退回。A queued winner's order could not be placed; "
          "its units went back.", "flashticket", item_id=req(int), code=req(str)),
        E("flashsale.export", "导出秒杀数据 Excel。Flash-sale figures were exported.", "flashsession",
          object_optional=True, rows=req(int)),
        E("page.flashsale", "浏览秒杀页。The flash-sale page was viewed.", "flashsession", object_optional=True),
    ),
    # --- growth: coupons (优惠券) ----------------------------------------------------------------------------------
    *_app(
        "growth.coupons",
        E("coupon_template.create", "创建优惠券（活动）。A coupon template was created.", "coupontemplate",
          kind=req(str), scope=req(str), merchant_id=opt(int), quota=opt(int)),
        E("coupon_template.status", "优惠券暂停、恢复或结束领取。A coupon template was paused, resumed or ended.",
          "coupontemplate", from_status=req(str), to_status=req(str)),
        E("coupon.claim", "会员得到一张券（领取、运营发放、入群礼、首单礼）。A member got a coupon.", "coupon",
          template_id=req(int), source=req(str)),
        E("coupon.grant", "运营批量发券。An operator granted a coupon to a list of members.", "coupontemplate",
          granted=req(int), skipped=req(int)),
        E("coupon.redeem", "下单用券（核销）。A coupon was used at checkout.", "coupon", checkout_id=req(int),
          order_ids=req(list), amount_fen=req(int)),
        E("coupon.return", "订单取消或全额退款，券退回。A coupon came back to its member.", "coupon",
          order_id=req(int), reason=req(str)),
        E("coupon.export", "导出优惠券或核销明细 Excel。Coupons or redemptions were exported.", None,
          what=req(str), merchant_id=opt(int), rows=req(int)),
        E("page.coupon_center", "浏览领券中心。The coupon centre was viewed.", None),
        E("coupon.packet_create", "把一批优惠券作为券包发到社群。A coupon packet was posted into a community.",
          "couponpacket", template_id=req(int), shares=req(int)),
        E("coupon.packet_claim", "从券包领到一张优惠券。A member took a coupon from a coupon packet.", "couponpacket",
          coupon_id=req(int)),
    ),
    # --- growth: red packets and the member balance (红包与余额) -----------------------------------------------------
    *_app(
        "growth.redpackets",
        E("redpacket.create", "用余额发红包到社群。A member funded a red packet into a community.", "redpacket",
          amount_fen=req(int), shares=req(int)),
        E("redpacket.claim", "领取红包，金额进入余额。A member claimed a share of a red packet.", "redpacket",
          amount_fen=req(int), position=req(int)),
        E("redpacket.expire", "红包过期，未领金额退回发红包的人。A red packet expired; the rest went back.",
          "redpacket", returned_fen=req(int)),
        E("balance.grant", "运营发放余额。An operator credited a member's balance.", "balanceentry",
          member_id=req(int), amount_fen=req(int)),
        E("balance.spend", "下单使用余额抵扣。A checkout spent balance.", None, checkout_id=req(int),
          order_ids=req(list), amount_fen=req(int)),
        E("balance.return", "订单取消或退款，余额退回。Balance came back from an order.", "balanceentry",
          order_id=req(int), amount_fen=req(int), reason=req(str)),
        E("page.redpacket", "浏览红包页。The red-packet page was viewed.", "redpacket"),
    ),
    # --- loyalty: points (积分) ---
    *_app(
        "loyalty.points",
        E("points.earn", "订单完成，按商品实付获得积分。A completed order earned points.", "pointsentry",
          member_id=req(int), order_id=req(int), points=req(int)),
        E("points.grant", "发放积分（任务、签到、邀请、运营）。Points were granted as a reward.", "pointsentry",
          member_id=req(int), points=req(int)),
        E("points.redeem", "下单使用积分抵扣。A checkout redeemed points.", None, checkout_id=req(int),
          order_ids=req(list), points=req(int)),
        E("points.return", "订单取消或退款，积分退回。Redeemed points came back from an order.", "pointsentry",
          member_id=req(int), order_id=req(int), points=req(int), reason=req(str)),  # cancelled | refunded
        E("points.clawback", "已获积分的订单退款，扣回积分。Points an order earned were clawed back on a refund.",
          "pointsentry", member_id=req(int), order_id=req(int), points=req(int), owed=req(int)),
        E("points.expire", "积分批次过期。A lot of points expired.", "pointsentry", member_id=req(int),
          points=req(int), lot_id=req(int)),
        E("points.mall_redeem", "积分商城兑换。A member redeemed a points-mall item.", "mallredemption",
          item_id=req(int), points=req(int), kind=req(str)),
        E("points.mall_ship", "积分兑换的实物已发货。Redeemed goods were shipped.", "mallredemption",
          item_id=req(int)),
        E("points.mall_cancel", "运营取消积分兑换，积分退回。An operator cancelled a redemption.", "mallredemption",
          item_id=req(int), points=req(int)),
        E("page.points", "浏览我的积分页。The points page was viewed.", None),
        E("page.points_mall", "浏览积分商城。The points mall was viewed.", None),
    ),
    # --- loyalty: membership (等级与付费会员) ---
    *_app(
        "loyalty.membership",
        E("growth.grant", "成长值变动（购物、活动奖励、退款扣回、运营调整）。A member's growth value moved.",
          "growthentry", member_id=req(int), amount=req(int), kind=req(str), order_id=opt(int)),
        E("level.change", "会员等级变化（升级或因退款降级）。A member's level changed.", "growthentry",
          member_id=req(int), from_level=req(str), to_level=req(str), growth=req(int), up=req(bool)),
        E("membership.buy", "下单购买付费会员方案。A member placed the order of a membership plan.", "plan",
          order_id=req(int)),
        E("membership.start", "付费会员期开始（付款或免费试用），续费顺延。A paid membership period started.",
          "membershipperiod", member_id=req(int), plan_id=req(int), days=req(int), order_id=opt(int),
          stacked=req(bool)),
        E("membership.refund_request", "会员申请退订付费会员。A member asked for a membership refund.",
          "membershipperiod", amount_fen=req(int), rule=req(str)),
        E("membership.end", "退款结束付费会员期。A refund ended a paid membership period.", "membershipperiod",
          member_id=req(int), order_id=req(int), refunded_fen=req(int)),
        E("membership.monthly_coupons", "按等级发放每月礼券。The level's monthly coupons were granted.", None,
          month=req(str), granted=req(int), failed=req(int)),
        E("membership.birthday_coupons", "按等级发放生日礼券。The level's birthday coupons were granted.", None,
          day=req(str), granted=req(int), failed=req(int)),
        E("page.membership", "浏览我的等级页。The level page was viewed.", None),
        E("page.membership_plans", "浏览付费会员页。The paid-membership page was viewed.", None),
    ),
    # --- loyalty: tasks (任务、签到奖励与徽章) ---
    *_app(
        "loyalty.tasks",
        E("task.progress", "记录一次任务行为（同一事实只记一次）。A fact tasks count was recorded once.", "taskfact",
          member_id=req(int), trigger=req(str)),
        E("task.claim", "领取任务奖励（每任务每周期一次）。A member claimed a task's reward for a period.",
          "taskclaim", task_id=req(int), code=req(str), period_key=req(str), rewards=req(int)),
        E("checkin.reward", "发放打卡奖励（每人每社群每天一次）。A check-in reward was paid.", "checkinreward",
          member_id=req(int), count=req(int), row=req(int), mode=req(str), rewards=req(int)),
        E("badge.award", "获得徽章。A member was awarded a badge.", "badgeaward", member_id=req(int), code=req(str)),
        E("page.tasks", "浏览任务中心。The task centre was viewed.", None),
        E("page.checkin_rewards", "浏览打卡日历与奖励页。The check-in calendar page was viewed.", None),
    ),
    # --- loyalty: lotteries (抽奖) ---
    *_app(
        "loyalty.lotteries",
        E("lottery.create", "发起抽奖（公布种子哈希）。A lottery was created; its seed hash is public.", "lottery",
          eligibility=req(str), tiers=req(int), prizes=req(int), top_value_fen=req(int)),
        E("lottery.enter", "会员获得抽奖号码（报名或付款订单）。A member got a lucky number.", "lottery",
          number=req(int), source=req(str), order_id=opt(int)),
        E("lottery.entry_revoke", "订单全额退款，号码作废。A lucky number was revoked by a full refund.", "lottery",
          number=req(int), order_id=req(int)),
        E("lottery.draw", "开奖（公布种子）。A lottery was drawn and its seed published.", "lottery",
          entries=req(int), winners=req(int), by=req(str)),
        E("lottery.prize_grant", "奖品发放（积分、优惠券、成长值）。A winner's reward was granted.", "lotterywinner",
          kind=req(str), amount=req(int)),
        E("lottery.prize_ship", "实物奖品已寄出。The organiser shipped a goods prize.", "lotterywinner"),
        E("lottery.cancel", "取消抽奖。A lottery was cancelled before its draw.", "lottery"),
        E("page.lottery", "浏览抽奖页。The lottery page was viewed.", "lottery"),
    ),
    # --- referrals: invites (邀请与推荐关系) ---
    *_app(
        "referrals.invites",
        E("invite.visit", "打开邀请链接（落地页）。Someone opened a member's invite link.", "invitevisit",
          inviter_id=req(int), target_kind=req(str)),
        E("invite.bind", "新会员与邀请人绑定（或按规则改绑）。A member was bound to an inviter.", "binding",
          inviter_id=req(int), source=req(str), policy=req(str), moved=req(bool)),
        E("invite.flag", "同一 IP 或设备短时间内多个账号绑定，标记待运营核查。A binding was flagged.", "inviteflag",
          kind=req(str), count=req(int)),
        E("invite.flag_review", "运营核查风控标记。An operator reviewed a flag.", "inviteflag", status=req(str)),
        E("invite.first_order", "被邀请人首单付款。An invitee's first order was paid.", "inviteoutcome",
          inviter_id=req(int), order_id=req(int)),
        E("invite.reward", "首单完成，发放邀请奖励和新人礼。The first order completed: rewards granted.",
          "inviteoutcome", inviter_id=req(int), order_id=req(int)),
        E("invite.void", "首单在完成前全额退款，不发奖励。The first order was refunded in full.", "inviteoutcome",
          order_id=req(int)),
        E("invite.poster", "生成分享海报。A member made a share poster.", None, target_kind=req(str)),
        E("page.invite", "浏览我的邀请页。The invite page was viewed.", None),
        E("page.invite_leaderboard", "浏览社群邀请排行榜。A community's inviter leaderboard was viewed.", None),
    ),
    # --- referrals: distribution (分销佣金) ---
    *_app(
        "referrals.distribution",
        E("promoter.apply", "会员申请成为推广员（不收任何费用）。A member applied to promote.", "promoter",
          mode=req(str), status=req(str)),
        E("promoter.appoint", "运营或群主指定推广员。An operator or community owner appointed a promoter.",
          "promoter", member_id=req(int)),
        E("promoter.status", "推广员状态变更（审核、停用、恢复）。A promoter's status changed.", "promoter",
          from_status=req(str), to_status=req(str)),
        E("commission.accrue", "订单支付，写入待结算佣金。A paid order accrued pending commission.", None,
          order_id=req(int), entries=req(int), amount_fen=req(int), max_level=req(int)),
        E("commission.reverse", "订单退款，按比例冲回佣金。A refund reversed commission pro rata.", None,
          order_id=req(int), entries=req(int), amount_fen=req(int)),
        E("commission.release", "售后期结束，佣金转为可提现。An order's commission became withdrawable.", None,
          order_id=req(int), entries=req(int), amount_fen=req(int)),
        E("withdrawal.request", "推广员申请提现。A promoter asked to withdraw commission.", "withdrawal",
          amount_fen=req(int), fee_fen=req(int)),
        E("withdrawal.status", "提现状态变更（通过、打款、驳回）。A withdrawal moved.", "withdrawal",
          from_status=req(str), to_status=req(str)),
        E("distribution.rule_set", "设置社群或商品的分销规则。A community's or product's commission rule was set.",
          None, community_id=opt(int), product_id=opt(int)),
        E("page.promoter_centre", "浏览推广中心。The promoter centre was viewed.", None),
        E("page.withdrawal_queue", "运营浏览提现审核队列。An operator viewed the withdrawal queue.", None,
          status=req(str)),
    ),
    # --- personas ----------------------------------------------------------------------------------------------------
    *_app(
        "personas",
        E("persona.tag_switch", "会员打开或关闭自己的画像标签（或整组）。A member switched a persona tag (or a whole "
          "group) on or off.", None, group=req(str), code=opt(str), on=req(bool)),
        E("segment.save", "群主或运营保存人群。A community owner or operator saved a segment.", "segment",
          members=req(int)),
        E("segment.delete", "删除人群。A segment was deleted.", None, segment_id=req(int)),
        E("segment.target_coupon", "用人群限定优惠券。A coupon campaign was limited to a segment.", "segment",
          template_id=req(int)),
    ),
    # --- recommend ---
    *_app(
        "recommend",
        E("recommend.train", "训练推荐模型并保存推荐列表。A recommendation model was trained and its lists stored.",
          "trainedmodel", algorithm=req(str), users=req(int), items=req(int), seconds=req(float)),
        E("recommend.preference_set", "会员修改推荐设置（个性化开关、向关注者展示购买）。A member changed their "
          "recommendation settings.", None, personalised=req(bool), share_purchases=req(bool)),
        E("recommend.hide", "会员标记不感兴趣（不再推荐）。A member hid an item from their recommendations.", None,
          item_kind=req(str), item_id=req(int)),
        E("recommend.unhide", "会员撤销不感兴趣。A member took back a 不感兴趣.", None, item_kind=req(str),
          item_id=req(int)),
    ),
    # --- chat (私信与客服) ---
    *_app(
        "chat",
        E("chat.open", "打开私信或联系商家客服（首次创建会话）。A direct or customer-service conversation was opened.",
          "conversation", kind=req(str), card_type=opt(str)),
        E("chat.message", "发送一条私信或客服消息。A chat message was sent.", "message",
          conversation_kind=req(str), side=req(str), kind=req(str)),
        E("chat.setting", "修改谁可以私信我。A member changed who may message them.", None,
          who_can_message=req(str)),
        E("chat.block", "拉黑或取消拉黑。A member blocked or unblocked someone.", None, blocked_id=req(int),
          on=req(bool)),
        E("chat.assign", "客服会话分配给客服人员（或退回待接入）。A service conversation was assigned.",
          "conversation", agent_id=opt(int)),
        E("chat.agent", "商家添加或移除客服人员。A shop added or removed a service agent.", "serviceagent",
          on=req(bool)),
        E("chat.report", "举报私信会话。A member reported a conversation.", "chatreport"),
        E("chat.report_close", "运营处理私信举报。An operator closed a chat report.", "chatreport",
          status=req(str)),
    ),
    # --- ads (广告) ---
    *_app(
        "ads",
        E("ad.topup_create", "商家下单充值广告余额（去收银台）。A merchant ordered an ad-balance top-up.", "adtopup",
          amount_fen=req(int), order_id=req(int)),
        E("ad.topup_paid", "广告余额充值到账。An ad-balance top-up was paid and booked.", "adtopup",
          amount_fen=req(int), merchant_id=req(int)),
        E("ad.topup_refund", "商家退回广告余额中未用的充值。A merchant took back the unspent part of a top-up.",
          "adtopup", amount_fen=req(int)),
        E("ad.campaign_create", "商家创建广告计划。A merchant created an ad campaign.", "adcampaign",
          placement=req(str), billing=req(str), budget_fen=req(int)),
        E("ad.campaign_update", "商家修改广告计划。A merchant changed an ad campaign.", "adcampaign"),
        E("ad.campaign_submit", "提交广告审核并预留预算。A campaign was sent to review, its budget reserved.",
          "adcampaign", budget_fen=req(int)),
        E("ad.campaign_review", "运营审核广告创意。An operator approved or rejected a creative.", "adcampaign",
          approved=req(bool)),
        E("ad.campaign_end", "广告计划结束，未用预算退回。A campaign ended; the unspent budget went back.",
          "adcampaign", spent_fen=req(int)),
        E("ad.impression", "广告展示（CPM 计费）。An ad was shown (billed for CPM).", "adcampaign",
          placement=req(str), charge_fen=req(int), event_id=req(int)),
        E("ad.click", "广告点击（CPC 计费）。An ad was clicked (billed for CPC).", "adcampaign",
          placement=req(str), charge_fen=req(int), event_id=req(int)),
        E("ad.conversion", "点击广告后下单付款，订单归因于广告。An order paid after an ad click was credited to it.",
          "adcampaign", order_id=req(int), amount_fen=req(int), conversion_id=req(int)),
    ),
    # --- paid content (知识付费) ---
    *_app(
        "paidcontent",
        E("paid.create", "作者发布付费内容（付费帖、课程或专栏）。An author published paid content.", None,
          kind=req(str), item_id=req(int), price_fen=req(int)),
        E("paid.lesson_add", "作者为课程添加课时。An author added a lesson to a course.", "lesson",
          course_id=req(int), trial=req(bool)),
        E("paid.article_add", "作者在专栏发布文章。An author published a column article.", "columnarticle",
          column_id=req(int)),
        E("paid.seller_allow", "群主授权或取消成员发布付费内容。An owner let a member sell (or stopped it).", None,
          member_id=req(int), allow=req(bool)),
        E("paid.buy", "下单购买付费内容（去收银台）。A member ordered paid content.", "purchase",
          kind=req(str), item_id=req(int), order_id=req(int), price_fen=req(int)),
        E("paid.grant", "付款成功，开通付费内容。A verified payment opened paid content.", "purchase",
          member_id=req(int), kind=req(str), item_id=req(int), order_id=req(int)),
        E("paid.revoke", "退款或取消，收回付费内容。A refund or cancellation closed paid content.", "purchase",
          member_id=req(int), kind=req(str), item_id=req(int), order_id=req(int), why=req(str)),
        E("paid.term_start", "专栏订阅期开始，续订顺延。A column term started (a renewal extends it).", "columnterm",
          member_id=req(int), column_id=req(int), days=req(int), renewal=req(bool)),
        E("paid.term_remind", "专栏到期前提醒订阅者。A subscriber was told their column ends soon.", "columnterm",
          member_id=req(int), column_id=req(int)),
        E("paid.term_expire", "专栏订阅期到期。A column term ended.", "columnterm", member_id=req(int),
          column_id=req(int)),
        E("paid.lesson_read", "买家首次阅读课时（学习进度）。A buyer opened a lesson for the first time.", "lesson",
          course_id=req(int)),
    ),
    # --- notify --------------------------------------------------------------------------------------------------
    *_app(
        "notify",
        E("notify.preference_set", "会员开关某类通知的某个渠道。A member turned a channel on or off for a group of "
          "notices.", None, group=req(str), channel=req(str), enabled=req(bool)),
        E("notify.preferences_saved", "会员保存通知设置页。A member saved the notification settings page.", None,
          changed=req(int)),
    ),
    # --- live selling (直播) -------------------------------------------------------------------------------------
    *_app(
        "live",
        E("live.session_schedule", "主播预告一场直播。A host scheduled a live session.", "livesession"),
        E("live.session_start", "主播开播。The host started the live session.", "livesession"),
        E("live.session_end", "主播结束直播。The host ended the live session.", "livesession"),
        E("live.pin", "主播挂出商品（可带直播价）。The host pinned a product, maybe at a live price.", "livesession",
          product_id=req(int), live_price_fen=opt(int)),
        E("live.comment", "直播间评论（held：敏感词待审）。A comment in a live room (held: sensitive words).",
          "livesession", held=req(bool)),
        E("live.buy_click", "直播间点击购买挂出的商品。A viewer tapped buy on a pinned product.", "livesession",
          product_id=req(int)),
    ),
    # --- malls ---------------------------------------------------------------------------------------------------
    *_app(
        "malls",
        E("mall.create", "平台开通商场及其三个社群。A mall and its three communities were created.", "mall"),
        E("mall.tenant_join", "商户接受邀请入驻商场。A merchant accepted a mall's invitation.", "malltenant",
          merchant_id=req(int)),
        E("mall.partner_approve", "商场通过合作伙伴申请。A mall approved a partner.", "mallpartner",
          merchant_id=req(int)),
        E("mall.signup", "商户报名商场日历上的活动。A tenant signed its shop up to a calendar campaign.",
          "calendarsignup", item_id=req(int)),
        E("mall.campaign_join", "商户参加联合活动（商品与券）。A tenant joined a joint campaign.", "campaignentry",
          campaign_id=req(int), products=req(int), coupons=req(int)),
        E("mall.promo_offer", "商户或合作伙伴提供互推券。A cross-promotion coupon was offered.", "crosspromotion",
          template_id=req(int), direction=req(str)),
    ),
    # --- kolmarket (达人广场) ---
    *_app(
        "kolmarket",
        E("kol.list", "达人入驻或退出达人广场。A KOL listed themselves in (or left) the KOL directory.", "kolprofile",
          listed=req(bool)),
        E("deal.propose", "商家向达人发起合作邀约。A merchant proposed a cooperation deal to a KOL.", "deal",
          kol_id=req(int), products=req(int), fixed_fee_fen=req(int)),
        E("deal.status", "合作状态变更（接受、还价、拒绝、撤回、过期、结束）。A deal moved.", "deal",
          from_status=req(str), to_status=req(str)),
        E("deal.credit", "达人带来的订单计入合作。An order line credited to a KOL was counted under a deal.", "deal",
          order_id=req(int), amount_fen=req(int)),
        E("deal.fee", "达人完成约定内容，记入固定合作费和平台服务费。A deal's fixed fee became owed.", "deal",
          amount_fen=req(int), service_fee_fen=req(int)),
    ),
    # --- privacy -------------------------------------------------------------------------------------------------
    *_app(
        "privacy",
        E("privacy.consent", "用户授予或撤回某一用途的同意。A member granted or withdrew consent for a purpose.",
          None, purpose=req(str), granted=req(bool)),
        E("privacy.export", "用户导出个人数据（完成）。A member's data export was built.", None, rows=req(int)),
        E("privacy.deletion_request", "用户申请注销账号（冷静期开始）。A member asked to delete their account.",
          None),
        E("privacy.deletion_cancel", "注销申请在冷静期内撤销。A deletion request was cancelled.", None),
        E("privacy.deletion_done", "账号已注销，个人信息已匿名化。An account was deleted and anonymised.", None),
    ),
]


def _index(specs: list[EventSpec]) -> Mapping[str, EventSpec]:
    out: dict[str, EventSpec] = {}
    for s in specs:
        if s.name in out:
            raise ValueError(f"event {s.name!r} is defined twice in the catalogue")
        out[s.name] = s
    return MappingProxyType(out)


CATALOGUE: Mapping[str, EventSpec] = _index(_SPECS)


def problems(name: str, *, object_type: str = "", props: Mapping[str, Any] | None = None) -> list[str]:
    """What is wrong with one `track()` call against the catalogue; empty when it keeps the contract.

    `props` are the props as stored (None values already dropped); `object_type` is "" when there is no object."""
    spec = CATALOGUE.get(name)
    if spec is None:
        return [f"unknown event {name!r} (not in quanzi/core/event_catalogue.py)"]
    out: list[str] = []
    if spec.object is None:
        if object_type:
            out.append(f"{name}: takes no object, got {object_type!r}")
    elif object_type and object_type != spec.object:
        out.append(f"{name}: object must be {spec.object!r}, got {object_type!r}")
    elif not object_type and not spec.object_optional:
        out.append(f"{name}: needs an object ({spec.object!r})")
    props = props or {}
    for key, value in props.items():
        prop = spec.props.get(key)
        if prop is None:
            out.append(f"{name}: prop {key!r} is not declared")
        elif not prop.accepts(value):
            out.append(f"{name}: prop {key!r} must be {prop.type.__name__}, got {type(value).__name__}")
    out += [f"{name}: required prop {key!r} is missing" for key, prop in spec.props.items()
            if prop.required and key not in props]
    return out
