"""Group-buy reads: campaigns and groups as they read now (a group past its deadline reads as closed before the
job closes it; a place held by an unpaid order past its payment deadline reads as free), what a checkout with
group-buy options would take (`place_target`, shared by the price adjuster and the checkout hook), the pages'
views of a group, and the merchant's figures (groups open / succeeded / failed, units sold, GMV)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import MerchantStatus
from quanzi.communities.selectors import active_role, can_view, visible_communities_q
from quanzi.core.errors import DomainError
from quanzi.growth.groupbuy import errors, rules
from quanzi.growth.groupbuy.enums import CampaignPhase, GroupStatus, MemberRole, MemberStatus
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyGroup, GroupBuyMember, GroupShare
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _positive_int(value: Any) -> int:
    """An option as the checkout hands it over (a JSON number, or a form's digits); anything else is 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if value > 0 else 0
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return 0


# --- campaigns -----------------------------------------------------------------------------------------------------


def _campaigns() -> QuerySet[GroupBuyCampaign]:
    return GroupBuyCampaign.objects.select_related("product", "sku", "merchant", "community")


def _visible_q(viewer: Any, prefix: str = "") -> Q:
    """Campaigns platform-wide or of a community the viewer may read (an invite-only community's are not leaked)."""
    return Q(**{f"{prefix}community__isnull": True}) | visible_communities_q(user=viewer, prefix=f"{prefix}community__")


def campaign_get(*, campaign_id: int, viewer: Any = None) -> GroupBuyCampaign:
    """A campaign; with `viewer` (pages, the API), one they may not see reads as missing."""
    campaign = _campaigns().filter(pk=campaign_id).first()
    if campaign is None or (viewer is not None and not campaign_visible(campaign=campaign, user=viewer)):
        raise errors.campaign_not_found()
    return campaign


def can_manage(*, user: Any, merchant_id: int) -> bool:
    """Platform operators manage every campaign; an approved merchant manages its own."""
    if not _authed(user):
        return False
    if user.is_staff:
        return True
    merchant = catalog_selectors.merchant_get_for_user(user=user)
    return merchant is not None and merchant.status == MerchantStatus.APPROVED and merchant.pk == merchant_id


def require_manager(*, user: Any, merchant_id: int) -> None:
    if not _authed(user):
        raise errors.not_authenticated()
    if not can_manage(user=user, merchant_id=merchant_id):
        raise errors.not_campaign_owner()


def campaign_for_manager(*, user: Any, campaign_id: int) -> GroupBuyCampaign:
    campaign = campaign_get(campaign_id=campaign_id)
    require_manager(user=user, merchant_id=campaign.merchant_id)
    return campaign


def campaigns_for_manager(*, user: Any) -> QuerySet[GroupBuyCampaign]:
    """Every campaign for an operator; a merchant's own otherwise (nothing for anyone else)."""
    if not _authed(user):
        raise errors.not_authenticated()
    if user.is_staff:
        return _campaigns().order_by("-id")
    merchant = catalog_selectors.merchant_get_for_user(user=user)
    if merchant is None or merchant.status != MerchantStatus.APPROVED:
        raise errors.not_campaign_owner()
    return _campaigns().filter(merchant=merchant).order_by("-id")


def campaigns_running(*, viewer: Any, product_id: int | None = None,
                      now: dt.datetime | None = None) -> QuerySet[GroupBuyCampaign]:
    """Campaigns running now that the viewer may see."""
    now = now or timezone.now()
    qs = _campaigns().filter(rules.running_q(now)).filter(_visible_q(viewer))
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    return qs.order_by("ends_at", "id")


def campaign_visible(*, campaign: GroupBuyCampaign, user: Any) -> bool:
    """A campaign of an invite-only community is not shown to those who may not see the community (its existence
    is never leaked); a platform-wide one, or one of a community anyone may read, is shown to all."""
    return campaign.community is None or can_view(user=user, community=campaign.community)


def campaign_phase_now(campaign: GroupBuyCampaign) -> str:
    return rules.campaign_phase(campaign, timezone.now())


# --- groups --------------------------------------------------------------------------------------------------------


def _groups() -> QuerySet[GroupBuyGroup]:
    return GroupBuyGroup.objects.select_related("campaign__product", "campaign__sku", "campaign__community",
                                                "leader")


def group_get(*, group_id: int, viewer: Any = None) -> GroupBuyGroup:
    """A group; one of an invite-only community's campaign reads as missing to who may not see the community
    (pass `viewer` for pages and the API)."""
    group = _groups().filter(pk=group_id).first()
    if group is None or (viewer is not None and not campaign_visible(campaign=group.campaign, user=viewer)):
        raise errors.group_not_found()
    return group


def group_status_now(group: GroupBuyGroup) -> str:
    return rules.group_status_now(group, timezone.now())


def _expired_reserved(group_ids: list[int]) -> dict[int, int]:
    """Members whose place is held by an unpaid order already past its payment deadline: it reads as cancelled
    (the next checkout of the SKU, or the job, cancels it and gives the place back), so the place reads as free.
    Member id -> group id."""
    rows = list(GroupBuyMember.objects.filter(group_id__in=group_ids, status=MemberStatus.RESERVED)
                .values_list("pk", "group_id", "order_id"))
    if not rows:
        return {}
    orders = order_selectors.orders_by_id(order_ids=[o for _m, _g, o in rows])
    return {member_id: group_id for member_id, group_id, order_id in rows
            if (order := orders.get(order_id)) is not None
            and order_selectors.order_status_now(order) == OrderStatus.CANCELLED}


def expired_reservations(group_ids: list[int]) -> dict[int, int]:
    """Group id -> how many of its places are held by unpaid orders past their deadline (they read as free)."""
    out: dict[int, int] = {}
    for group_id in _expired_reserved(group_ids).values():
        out[group_id] = out.get(group_id, 0) + 1
    return out


def places_free(group: GroupBuyGroup, expired: int = 0) -> int:
    """Places someone may still take: the size less the places held, counting expired unpaid ones as free."""
    return max(0, group.size - group.taken_count + expired)


def places_to_pay(group: GroupBuyGroup) -> int:
    """How many more paid members the group needs ("还差 N 人")."""
    return max(0, group.size - group.paid_count)


def places_to_pay_text(group_id: Any) -> str:
    """The live "还差 N 人" of the shipping hold (`core.messages` converter `groupbuy_places_left`)."""
    group = GroupBuyGroup.objects.filter(pk=int(group_id)).only("size", "paid_count").first()
    return str(places_to_pay(group)) if group is not None else "0"


def groups_open_for_product(*, product_id: int, viewer: Any, limit: int = 10) -> list[GroupBuyGroup]:
    """Open groups of the product's running campaigns that someone has paid into (a group shows once its leader
    paid), those closest to filling first; each with `.free` and `.to_pay`."""
    now = timezone.now()
    groups = list(_groups().filter(rules.open_q(now), rules.running_q(now, "campaign__"), _visible_q(viewer, "campaign__"),
                                   campaign__product_id=product_id, paid_count__gte=1)
                  .order_by("deadline", "id")[: limit * 3])
    expired = expired_reservations([g.pk for g in groups])
    for g in groups:
        g.free = places_free(g, expired.get(g.pk, 0))  # type: ignore[attr-defined]
        g.to_pay = places_to_pay(g)  # type: ignore[attr-defined]
    groups = [g for g in groups if g.free > 0]  # type: ignore[attr-defined]
    groups.sort(key=lambda g: (g.to_pay, g.deadline))  # type: ignore[attr-defined]
    return groups[:limit]


def groups_of_campaign(*, campaign: GroupBuyCampaign, status: str = "") -> QuerySet[GroupBuyGroup]:
    """A campaign's groups, newest first; `status` filters by the status as it reads now."""
    now = timezone.now()
    qs = _groups().filter(campaign=campaign)
    if status == GroupStatus.OPEN:
        qs = qs.filter(rules.open_q(now))
    elif status == GroupStatus.SUCCEEDED:
        qs = qs.filter(_succeeded_now_q(now))
    elif status == GroupStatus.FAILED:
        qs = qs.filter(_failed_now_q(now))
    return qs.order_by("-id")


def members_of(group: GroupBuyGroup, status_now: str) -> list[GroupBuyMember]:
    """The members to show: those holding a place (paid, or paying and not past their payment deadline), the
    leader first; a failed group also shows the paid members it refunded."""
    wanted = [MemberStatus.PAID, MemberStatus.RESERVED]
    if status_now == GroupStatus.FAILED:
        wanted.append(MemberStatus.REFUNDED)
    expired = _expired_reserved([group.pk])
    rows = [m for m in GroupBuyMember.objects.select_related("user").filter(group=group, status__in=wanted)
            .order_by("id")
            if m.pk not in expired and not (m.status == MemberStatus.REFUNDED and m.paid_at is None)]
    rank: dict[str, int] = {MemberStatus.PAID: 0, MemberStatus.REFUNDED: 0, MemberStatus.RESERVED: 1}
    return sorted(rows, key=lambda m: (m.role != MemberRole.LEADER, rank.get(str(m.status), 2), m.pk))


@dataclass
class GroupView:
    """What the group page and the API show."""

    group: GroupBuyGroup
    campaign: GroupBuyCampaign
    status: str  # as it reads now
    members: list[GroupBuyMember]
    free: int  # places someone may take now
    to_pay: int  # paid members still needed
    seconds_left: int
    slots: list[int] = field(default_factory=list)  # empty places to draw
    mine: GroupBuyMember | None = None
    join_problem: str = ""  # why the viewer cannot join ("" when they can)
    share_token: str = ""

    @property
    def succeeded_short(self) -> bool:
        return self.status == GroupStatus.SUCCEEDED and self.group.paid_count < self.group.size


def group_view(*, group: GroupBuyGroup, viewer: Any) -> GroupView:
    now = timezone.now()
    campaign = group.campaign
    status = rules.group_status_now(group, now)
    is_open = status == GroupStatus.OPEN
    members = members_of(group, status)
    held = sum(1 for m in members if m.status in (MemberStatus.PAID, MemberStatus.RESERVED))
    mine = next((m for m in members if _authed(viewer) and m.user_id == viewer.pk
                 and m.status in (MemberStatus.PAID, MemberStatus.RESERVED)), None)
    view = GroupView(group=group, campaign=campaign, status=status, members=members,
                     free=max(0, group.size - held) if is_open else 0,
                     to_pay=places_to_pay(group) if is_open else 0,
                     seconds_left=max(0, int((group.deadline - now).total_seconds())) if is_open else 0, mine=mine)
    view.slots = list(range(view.free))
    if is_open and _authed(viewer):
        try:
            place_target(user=viewer, options={"group_id": group.pk}, lines=[(campaign.sku_id, 1)], now=now)
        except DomainError as exc:
            view.join_problem = str(exc.message)
        share = GroupShare.objects.filter(group=group, sharer=viewer).first()
        view.share_token = share.token if share is not None else ""
    elif is_open and rules.campaign_phase(campaign, now) != CampaignPhase.RUNNING:
        view.join_problem = str(CampaignPhase(rules.campaign_phase(campaign, now)).label)
    return view


def member_groups(*, user: Any) -> QuerySet[GroupBuyMember]:
    """The member's places, newest first (their "我的拼团")."""
    if not _authed(user):
        raise errors.not_authenticated()
    return (GroupBuyMember.objects.select_related("group__campaign__product", "group__campaign__sku")
            .filter(user=user).exclude(status=MemberStatus.RELEASED).order_by("-id"))


def share_owners(tokens: set[str]) -> dict[str, int]:
    """Who minted each of these group share tokens (orders.hooks.share_token_owner, for the order credit)."""
    return dict(GroupShare.objects.filter(token__in=list(tokens)).values_list("token", "sharer_id"))


def share_for(*, token: str, group: GroupBuyGroup) -> GroupShare | None:
    if not token or len(token) > 32:
        return None
    return GroupShare.objects.filter(token=token, group=group).first()


# --- what a checkout with group-buy options takes ------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceTarget:
    campaign: GroupBuyCampaign
    group: GroupBuyGroup | None  # None: the buyer opens a new group
    quantity: int
    unit_price_fen: int
    role: str


def _bought(campaign: GroupBuyCampaign, user: Any) -> int:
    return int(GroupBuyMember.objects.filter(campaign=campaign, user=user,
                                             status__in=[MemberStatus.RESERVED, MemberStatus.PAID])
               .aggregate(n=Sum("quantity"))["n"] or 0)


def place_target(*, user: Any, options: dict[str, Any], lines: list[tuple[int, int]],
                 now: dt.datetime | None = None) -> PlaceTarget | None:
    """What a checkout with these options would take: a place in the group `options["group_id"]`, or a new group
    of the campaign `options["campaign_id"]` (opening). None when the options do not name a group-buy: a
    `campaign_id` is ours only when `campaign_kind` is "groupbuy" or absent and it names a group-buy campaign of
    the SKU bought (flash sales share the option and say `campaign_kind="flashsale"`).
    Refuses, with the code that says why, what the checkout hook would refuse; the hook then takes the place by a
    conditional update, which alone decides under concurrency."""
    now = now or timezone.now()
    group_id = _positive_int(options.get("group_id"))
    campaign_id = _positive_int(options.get("campaign_id"))
    group: GroupBuyGroup | None = None
    if group_id:
        group = _groups().filter(pk=group_id).first()
        if group is None:
            raise errors.group_not_found()
        campaign = group.campaign
        if campaign_id and campaign_id != campaign.pk:
            raise errors.group_not_in_campaign()
    elif campaign_id and options.get("campaign_kind") in (None, "", rules.CAMPAIGN_KIND):
        found = _campaigns().filter(pk=campaign_id).first()
        if found is None or found.sku_id not in {sku_id for sku_id, _q in lines}:
            return None
        campaign = found
    else:
        return None
    if len(lines) != 1 or lines[0][0] != campaign.sku_id:
        raise errors.single_item()
    quantity = lines[0][1]
    if not _authed(user):
        raise errors.not_authenticated()
    phase = rules.campaign_phase(campaign, now)
    if phase == CampaignPhase.SCHEDULED:
        raise errors.campaign_not_started()
    if phase == CampaignPhase.PAUSED:
        raise errors.campaign_paused()
    if phase == CampaignPhase.ENDED:
        raise errors.campaign_ended()
    if campaign.community is not None and not can_view(user=user, community=campaign.community):
        raise errors.group_not_found() if group is not None else errors.campaign_not_found()  # never leaked
    if campaign.community is not None and active_role(user=user, community=campaign.community) is None:
        raise errors.not_community_member(campaign.community.name)
    mine = GroupBuyMember.objects.filter(campaign=campaign, user=user, active=True).first()
    if mine is not None and mine.status == MemberStatus.RESERVED and mine.pk in _expired_reserved([mine.group_id]):
        mine = None  # their unpaid order ran out: the place reads as free (the checkout cancels it first)
    if group is not None:
        if group.status != GroupStatus.OPEN:
            raise errors.group_closed()
        if group.deadline <= now:
            raise errors.group_expired()
        if mine is not None and mine.group_id == group.pk:
            raise errors.already_in_group()
    if mine is not None:
        raise errors.already_in_open_group()
    if campaign.member_limit:
        left = campaign.member_limit - _bought(campaign, user)
        if quantity > left:
            raise errors.member_limit_exceeded(max(0, left))
    if group is not None and places_free(group, expired_reservations([group.pk]).get(group.pk, 0)) <= 0:
        raise errors.group_full()
    leader = group is None
    unit = campaign.leader_price_fen if leader and campaign.leader_price_fen else campaign.group_price_fen
    return PlaceTarget(campaign=campaign, group=group, quantity=quantity, unit_price_fen=unit,
                       role=MemberRole.LEADER if leader else MemberRole.MEMBER)


# --- the merchant's figures ----------------------------------------------------------------------------------------


def _succeeded_now_q(now: dt.datetime, prefix: str = "") -> Q:
    """Succeeded, or open past its deadline in a campaign that lets a group succeed at expiry with paid members."""
    p = prefix
    return Q(**{f"{p}status": GroupStatus.SUCCEEDED}) | Q(**{
        f"{p}status": GroupStatus.OPEN, f"{p}deadline__lte": now, f"{p}campaign__succeed_at_expiry": True,
        f"{p}paid_count__gte": 1})


def _failed_now_q(now: dt.datetime, prefix: str = "") -> Q:
    p = prefix
    due = Q(**{f"{p}status": GroupStatus.OPEN, f"{p}deadline__lte": now})
    return Q(**{f"{p}status": GroupStatus.FAILED}) | (due & ~_succeeded_now_q(now, prefix))


@dataclass
class CampaignFigures:
    groups_open: int = 0
    groups_succeeded: int = 0
    groups_failed: int = 0
    members_paid: int = 0  # paid members of groups that succeeded
    units_sold: int = 0
    gmv_fen: int = 0  # group price × units of the members of succeeded groups (goods, shipping excluded)
    units_waiting: int = 0  # paid units in groups still open


def campaign_figures(*, campaign_ids: list[int]) -> dict[int, CampaignFigures]:
    now = timezone.now()
    out = {pk: CampaignFigures() for pk in campaign_ids}
    groups = (GroupBuyGroup.objects.filter(campaign_id__in=campaign_ids).values("campaign_id")
              .annotate(open=Count("id", filter=rules.open_q(now)),
                        succeeded=Count("id", filter=_succeeded_now_q(now)),
                        failed=Count("id", filter=_failed_now_q(now)))
              .values_list("campaign_id", "open", "succeeded", "failed"))
    for campaign_id, n_open, n_succeeded, n_failed in groups:
        f = out[campaign_id]
        f.groups_open, f.groups_succeeded, f.groups_failed = n_open, n_succeeded, n_failed
    paid = GroupBuyMember.objects.filter(campaign_id__in=campaign_ids, status=MemberStatus.PAID)
    # members of the groups that succeeded (or read as succeeded): sold; of the open ones: waiting
    for campaign_id, quantity, unit in (paid.filter(_succeeded_now_q(now, "group__"))
                                        .values_list("campaign_id", "quantity", "unit_price_fen")):
        f = out[campaign_id]
        f.members_paid += 1
        f.units_sold += quantity
        f.gmv_fen += quantity * unit
    for campaign_id, units in (paid.filter(rules.open_q(now, "group__")).values("campaign_id")
                               .annotate(units=Sum("quantity")).values_list("campaign_id", "units")):
        out[campaign_id].units_waiting = units or 0
    return out


def members_for_export(*, campaign: GroupBuyCampaign) -> list[GroupBuyMember]:
    """Every member row of a campaign (any status), by group, with `.order_number` for the sheet."""
    rows = list(GroupBuyMember.objects.select_related("group", "user").filter(campaign=campaign)
                .order_by("group_id", "id"))
    numbers = {pk: o.number for pk, o in order_selectors.orders_by_id(order_ids=[m.order_id for m in rows]).items()}
    for m in rows:
        m.order_number = numbers.get(m.order_id, "")  # type: ignore[attr-defined]
    return rows
