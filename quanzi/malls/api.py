"""/api/v1/malls: a mall page (communities, calendar, joint campaigns, offers); operators open nothing but run
their own mall: tenants, partners, notices, the calendar, joint campaigns; tenants sign up and join campaigns;
tenants and partners offer cross-promotion coupons. Thin: parse, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.growth.coupons import display
from quanzi.malls import selectors, services
from quanzi.malls.models import CalendarItem, JointCampaign, Mall, MallPartner, MallTenant
from quanzi.malls.schemas import (
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    EntryIn,
    ItemIn,
    ItemOut,
    MallIn,
    MallOut,
    MallPageOut,
    MallSignupIn,
    NoticeIn,
    NoticeOut,
    PartnerApplyIn,
    PartnerOut,
    PromoIn,
    PromoOut,
    SignupOut,
    TenantInviteIn,
    TenantOut,
    UserIdIn,
)

router = Router(tags=["malls 商场"], auth=required)


def _mall_out(mall: Mall) -> dict[str, Any]:
    communities = [("customer", mall.customer_community), ("tenant", mall.tenant_community),
                   ("partner", mall.partner_community)]
    return {"id": mall.pk, "slug": mall.slug, "name": mall.name, "address": mall.address,
            "logo_url": mall.logo.url if mall.logo else "",
            "communities": [{"kind": k, "slug": c.slug, "name": c.name, "member_count": c.member_count}
                            for k, c in communities]}


def _item_out(item: CalendarItem, *, signed_up: bool = False, signups: list[str] | None = None) -> dict[str, Any]:
    return {"id": item.pk, "kind": item.kind, "title": item.title, "description": item.description,
            "starts_on": item.starts_on, "ends_on": item.ends_on, "signup_open": item.signup_open,
            "signup_deadline": item.signup_deadline, "status": item.status, "signed_up": signed_up,
            "signups": signups or []}


def _campaign_out(c: JointCampaign) -> dict[str, Any]:
    return {"id": c.pk, "title": c.title, "intro": c.intro, "starts_at": c.starts_at, "ends_at": c.ends_at,
            "status": c.status}


def _offer_out(t: Any) -> dict[str, Any]:
    return {"template_id": t.pk, "name": t.name, "value": display.value_text(t),
            "condition": display.condition_text(t), "scope": display.scope_text(t),
            "claimed": int(getattr(t, "viewer_claimed", 0)), "per_member_limit": t.per_member_limit}


def _partner_out(p: MallPartner) -> dict[str, Any]:
    return {"id": p.pk, "merchant_id": p.merchant_id, "business_name": p.merchant.business_name, "kind": p.kind,
            "intro": p.intro, "status": p.status}


def _tenant_out(t: MallTenant) -> dict[str, Any]:
    return {"merchant_id": t.merchant_id, "business_name": t.merchant.business_name, "status": t.status,
            "unit": t.unit}


@router.post("", response={201: MallOut})
def mall_create(request: HttpRequest, data: MallIn) -> Status:
    """Platform operators (staff) open a mall for its first operator, with its three communities. 403
    `mall_not_staff` for anyone else."""
    mall = services.mall_create(actor=current_user(request), owner_id=data.owner_id, name=data.name,
                                slug=data.slug, address=data.address)
    return Status(201, _mall_out(mall))


@router.get("/{slug}", response=MallPageOut, auth=optional)
def mall_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The mall page: its three communities, the calendar's next items, current joint campaigns, the partners'
    offers to its customers and its partners."""
    mall = selectors.mall_get(slug=slug)
    page = selectors.mall_page(mall=mall, user=viewer(request))
    return {**_mall_out(mall), "items": [_item_out(i) for i in page.items],
            "campaigns": [_campaign_out(c) for c in page.campaigns], "offers": [_offer_out(t) for t in page.offers],
            "partners": [_partner_out(p) for p in page.partners]}


@router.post("/{slug}/operators", response={201: None})
def operator_add(request: HttpRequest, slug: str, data: UserIdIn) -> Status:
    """The mall's first operator adds a colleague (admin of the three communities). 403 `not_mall_owner` /
    `not_mall_operator`."""
    services.operator_add(actor=current_user(request), mall=selectors.mall_get(slug=slug), user_id=data.user_id)
    return Status(201, None)


@router.post("/{slug}/tenants", response={201: TenantOut})
def tenant_invite(request: HttpRequest, slug: str, data: TenantInviteIn) -> Status:
    """An operator invites a merchant of the platform. 403 `not_mall_operator` on another mall."""
    row = services.tenant_invite(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                 merchant_id=data.merchant_id, unit=data.unit)
    return Status(201, _tenant_out(row))


@router.post("/{slug}/tenants/accept", response=TenantOut)
def tenant_accept(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The invited merchant accepts and joins the tenant community. 400 `mall_no_invitation`."""
    return _tenant_out(services.tenant_accept(actor=current_user(request), mall=selectors.mall_get(slug=slug)))


@router.post("/{slug}/partners", response={201: PartnerOut})
def partner_apply(request: HttpRequest, slug: str, data: PartnerApplyIn) -> Status:
    row = services.partner_apply(actor=current_user(request), mall=selectors.mall_get(slug=slug), kind=data.kind,
                                 intro=data.intro)
    return Status(201, _partner_out(row))


@router.post("/{slug}/partners/{partner_id}/approve", response=PartnerOut)
def partner_approve(request: HttpRequest, slug: str, partner_id: int) -> dict[str, Any]:
    return _partner_out(services.partner_approve(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                                 partner_id=partner_id))


@router.post("/{slug}/partners/{partner_id}/reject", response=PartnerOut)
def partner_reject(request: HttpRequest, slug: str, partner_id: int) -> dict[str, Any]:
    return _partner_out(services.partner_reject(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                                partner_id=partner_id))


@router.post("/{slug}/notices", response={201: NoticeOut})
def notice_post(request: HttpRequest, slug: str, data: NoticeIn) -> Status:
    """An operator's notice to the tenants (a post in the tenant community)."""
    notice = services.notice_post(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                  title=data.title, body=data.body)
    return Status(201, {"id": notice.pk, "post_id": notice.post_id, "title": notice.post.title})


@router.get("/{slug}/calendar", response=list[ItemOut])
def calendar(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The shared calendar for the mall's operators, tenants and partners (403 `not_mall_tenant` otherwise)."""
    mall = selectors.mall_get(slug=slug)
    who = selectors.require_insider(user=current_user(request), mall=mall)
    return [_item_out(r.item, signed_up=r.signed_up, signups=r.signups)
            for m in selectors.calendar(mall=mall, viewer=who) for r in m.rows]


@router.post("/{slug}/calendar", response={201: ItemOut})
def calendar_item_create(request: HttpRequest, slug: str, data: ItemIn) -> Status:
    item = services.calendar_item_create(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                         **data.model_dump())
    return Status(201, _item_out(item))


@router.post("/{slug}/calendar/{item_id}/cancel", response=ItemOut)
def calendar_item_cancel(request: HttpRequest, slug: str, item_id: int) -> dict[str, Any]:
    return _item_out(services.calendar_item_cancel(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                                   item_id=item_id))


@router.post("/{slug}/calendar/{item_id}/signups", response={201: SignupOut})
def calendar_signup(request: HttpRequest, slug: str, item_id: int, data: MallSignupIn) -> Status:
    """A tenant signs its shop up. 403 `not_mall_tenant`; 409 `mall_signup_closed`, `mall_already_signed_up`."""
    signup = services.calendar_signup(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                      item_id=item_id, note=data.note)
    return Status(201, {"id": signup.pk, "item_id": signup.item_id, "merchant_id": signup.merchant_id})


@router.post("/{slug}/campaigns", response={201: CampaignOut})
def campaign_create(request: HttpRequest, slug: str, data: CampaignIn) -> Status:
    campaign = services.campaign_create(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                        **data.model_dump())
    return Status(201, _campaign_out(campaign))


@router.get("/{slug}/campaigns/{campaign_id}", response=CampaignDetailOut, auth=optional)
def campaign_get(request: HttpRequest, slug: str, campaign_id: int) -> dict[str, Any]:
    """A joint campaign with each participating tenant's products and claimable coupons."""
    v = selectors.campaign_view(mall=selectors.mall_get(slug=slug), campaign_id=campaign_id, user=viewer(request))
    return {**_campaign_out(v.campaign), "running": v.running, "entries": [
        {"merchant_id": e.merchant.pk, "business_name": e.merchant.business_name,
         "products": [{"id": p.id, "title": p.title, "price_fen": p.price_fen, "image_url": p.image_url}
                      for p in e.products],
         "coupons": [_offer_out(t) for t in e.coupons]} for e in v.entries]}


@router.post("/{slug}/campaigns/{campaign_id}/entries", response=CampaignOut)
def campaign_join(request: HttpRequest, slug: str, campaign_id: int, data: EntryIn) -> dict[str, Any]:
    """A tenant joins (or updates what it brings to) a joint campaign with its own products and coupons."""
    entry = services.campaign_join(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                   campaign_id=campaign_id, product_ids=data.product_ids,
                                   coupon_template_ids=data.coupon_template_ids)
    return _campaign_out(entry.campaign)


@router.post("/{slug}/campaigns/{campaign_id}/end", response=CampaignOut)
def campaign_end(request: HttpRequest, slug: str, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(services.campaign_end(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                               campaign_id=campaign_id))


@router.post("/{slug}/promotions", response={201: PromoOut})
def promo_offer(request: HttpRequest, slug: str, data: PromoIn) -> Status:
    """A partner offers its coupon to the mall's customers, or a tenant its coupon to a partner's guests."""
    promo = services.promo_offer(actor=current_user(request), mall=selectors.mall_get(slug=slug),
                                 template_id=data.template_id, partner_id=data.partner_id)
    return Status(201, {"id": promo.pk, "template_id": promo.template_id, "direction": promo.direction,
                        "partner_id": promo.partner_id, "status": promo.status})


@router.post("/{slug}/promotions/{promo_id}/end", response=PromoOut)
def promo_end(request: HttpRequest, slug: str, promo_id: int) -> dict[str, Any]:
    promo = services.promo_end(actor=current_user(request), mall=selectors.mall_get(slug=slug), promo_id=promo_id)
    return {"id": promo.pk, "template_id": promo.template_id, "direction": promo.direction,
            "partner_id": promo.partner_id, "status": promo.status}
