"""Community commerce pages: a community's shelf (好物), picking products for it, and putting product cards on
one's own post. Thin: catalog services check `pick_products` and everything else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog import selectors, services
from quanzi.communities.selectors import community_get, has_perm, membership_get
from quanzi.core.errors import DomainError


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def community_shop(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    community = community_get(slug=slug, user=user)
    can_pick = has_perm(user=user, community=community, perm="pick_products")
    shelf = list(selectors.community_shelf(community=community))
    q = request.GET.get("q", "").strip()
    shelved = {p.pk for p in shelf}
    candidates = [p for p in selectors.product_list(search=q)[:20] if p.pk not in shelved] if can_pick and q else []
    return render(request, "catalog/community_shop.html", {
        "community": community, "membership": membership_get(user=user, community=community), "tab": "shop",
        "shelf": shelf, "can_pick": can_pick, "q": q, "candidates": candidates,
    })


def _run(request: HttpRequest, fn: Any, ok: str, **kwargs: Any) -> None:
    try:
        fn(**kwargs)
        messages.success(request, ok)
    except DomainError as exc:
        messages.error(request, str(exc.message))


def _product_id(request: HttpRequest) -> int:
    raw = request.POST.get("product_id", "")
    return int(raw) if raw.isdigit() else 0


@login_required
@require_POST
def shelf_add(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_get(slug=slug, user=request.user)
    _run(request, services.shelf_add, _("已上架到本群货架"), user=request.user, community_id=community.pk,
         product_id=_product_id(request))
    return redirect(f"/c/{community.slug}/shop/")


@login_required
@require_POST
def shelf_remove(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_get(slug=slug, user=request.user)
    _run(request, services.shelf_remove, _("已从本群货架移除"), user=request.user, community_id=community.pk,
         product_id=_product_id(request))
    return redirect(f"/c/{community.slug}/shop/")


@login_required
@require_POST
def post_card_attach(request: HttpRequest, post_id: int) -> HttpResponse:
    _run(request, services.post_product_attach, _("商品卡片已挂到帖子上"), user=request.user, post_id=post_id,
         product_id=_product_id(request))
    return redirect(f"/p/{post_id}/")


@login_required
@require_POST
def post_card_detach(request: HttpRequest, post_id: int) -> HttpResponse:
    _run(request, services.post_product_detach, _("已取下商品卡片"), user=request.user, post_id=post_id,
         product_id=_product_id(request))
    return redirect(f"/p/{post_id}/")
