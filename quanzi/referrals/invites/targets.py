"""What an invite link opens: the platform, a community, a product or a group-buy — its title, price and picture
(for the poster and the landing page) and the page the landing sends the visitor on to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError
from quanzi.referrals.invites import errors
from quanzi.referrals.invites.enums import TargetKind


@dataclass(frozen=True)
class Target:
    kind: str
    id: int | None
    title: str
    subtitle: str
    price_fen: int | None
    image: Any  # a FieldFile (product / community picture) or None
    url: str  # where the landing page sends the visitor on
    community_id: int | None
    product_id: int | None = None


def target_get(*, kind: str, target_id: int | None, viewer: Any, inviter: Any) -> Target:
    """The target as `viewer` may see it (an invite-only community or an off-shelf product reads as missing)."""
    try:
        return _resolve(kind, target_id, viewer, inviter)
    except DomainError as exc:
        raise errors.target_not_found() from exc


def _resolve(kind: str, target_id: int | None, viewer: Any, inviter: Any) -> Target:
    if kind == TargetKind.PLATFORM:
        return Target(kind=kind, id=None, title=_("圈子 · 兴趣社群好物"), subtitle=_("内容 + 社群 + 好物，一起逛一起买"),
                      price_fen=None, image=None, url="/discover/", community_id=None)
    if target_id is None:
        raise errors.target_not_found()
    if kind == TargetKind.COMMUNITY:
        from quanzi.communities import selectors as community_selectors

        community = community_selectors.community_by_id(community_id=target_id)
        if community is None or not community_selectors.can_view(user=viewer, community=community):
            raise errors.target_not_found()
        return Target(kind=kind, id=community.pk, title=community.name, subtitle=community.positioning,
                      price_fen=None, image=community.cover or None, url=f"/c/{community.slug}/",
                      community_id=community.pk)
    if kind == TargetKind.PRODUCT:
        from quanzi.catalog import selectors as catalog_selectors

        product = catalog_selectors.product_get(product_id=target_id, user=viewer)
        prices = catalog_selectors.price_range(product=product)
        return Target(kind=kind, id=product.pk, title=product.title, subtitle=product.merchant.business_name,
                      price_fen=prices[0] if prices else None, image=_first_image(product),
                      url=f"/shop/p/{product.pk}/", community_id=None, product_id=product.pk)
    if kind == TargetKind.GROUP:
        from quanzi.growth.groupbuy import selectors as group_selectors
        from quanzi.growth.groupbuy import services as group_services

        group = group_selectors.group_get(group_id=target_id, viewer=viewer)
        campaign = group.campaign
        # the group page credits a sharer through its own share token: the inviter's, minted once
        token = group_services.group_share(user=inviter, group_id=group.pk).token
        return Target(kind=kind, id=group.pk, title=campaign.title,
                      subtitle=_("%(n)s 人团") % {"n": campaign.group_size}, price_fen=campaign.group_price_fen,
                      image=_first_image(campaign.product), url=f"/groupbuy/g/{group.pk}/?t={token}",
                      community_id=campaign.community_id, product_id=campaign.product_id)
    raise errors.target_not_found()


def _first_image(product: Any) -> Any:
    first = product.images.all()[:1]
    return first[0].image if first else None


def link_path(*, code: str, kind: str, target_id: int | None) -> str:
    """The invite link of a member for a target: /i/<code>/ (platform), /i/<code>/c/<id>/, /p/<id>/, /g/<id>/."""
    letter = {TargetKind.COMMUNITY: "c", TargetKind.PRODUCT: "p", TargetKind.GROUP: "g"}.get(kind)  # type: ignore[call-overload]
    return f"/i/{code}/" if letter is None or target_id is None else f"/i/{code}/{letter}/{target_id}/"


KIND_OF_LETTER = {"c": TargetKind.COMMUNITY, "p": TargetKind.PRODUCT, "g": TargetKind.GROUP}
