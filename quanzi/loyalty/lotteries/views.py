"""Lottery pages: the lottery page (prizes, rules, odds, countdown, my numbers, the draw's verification data),
taking a number, the organiser's draw button, the published data as JSON, the verifier's source, and the
"new lottery" form. Thin: the services and selectors do the work."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import community_by_id
from quanzi.core.events import track
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, error_response
from quanzi.loyalty.lotteries import errors, rules, selectors, services, verify
from quanzi.loyalty.lotteries.enums import Eligibility, PrizeKind

PRIZE_ROWS = 3  # tiers on the form; the API takes up to rules.MAX_TIERS


def _visible(request: HttpRequest, lottery_id: int) -> Any:
    lottery = selectors.lottery_get(lottery_id=lottery_id)
    if lottery is None or not selectors.lottery_visible(lottery=lottery, user=request.user):
        return None
    return lottery


def lottery_detail(request: HttpRequest, lottery_id: int) -> HttpResponse:
    lottery = _visible(request, lottery_id)
    if lottery is None:
        return error_response(request, errors.lottery_not_found())
    view = selectors.lottery_view(lottery=lottery, user=request.user)
    data = selectors.published_data(lottery=lottery)
    track("page.lottery", user=request.user, obj=lottery, community_id=lottery.community_id)
    return render(request, "lotteries/detail.html", {
        "v": view, "lot": lottery, "data": data, "cap_fen": rules.TOP_PRIZE_CAP_FEN, "nav": "home",
        "entries_preview": data["entries"][:60], "algorithm": verify.ALGORITHM})


@require_POST
def lottery_enter(request: HttpRequest, lottery_id: int) -> HttpResponse:
    target = f"/lotteries/{lottery_id}/"
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={target}")
    errs: list[str] = []
    entry = call_service(errs, services.lottery_enter, user=request.user, lottery_id=lottery_id)
    if entry is not None:
        messages.success(request, _("参加成功，你的幸运号码是 %(n)s") % {"n": entry.shown_number})
    for e in errs:
        messages.error(request, e)
    return redirect(target)


@require_POST
def lottery_draw(request: HttpRequest, lottery_id: int) -> HttpResponse:
    target = f"/lotteries/{lottery_id}/"
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={target}")
    errs: list[str] = []
    if call_service(errs, services.lottery_draw, lottery_id=lottery_id, actor=request.user) is not None:
        messages.success(request, _("已开奖，随机种子已公布"))
    for e in errs:
        messages.error(request, e)
    return redirect(target)


def lottery_data(request: HttpRequest, lottery_id: int) -> HttpResponse:
    """The published document (download it and run verify.py on it)."""
    lottery = _visible(request, lottery_id)
    if lottery is None:
        return JsonResponse({"code": errors.ErrorCode.LOTTERY_NOT_FOUND, "message": _("抽奖不存在")}, status=404)
    response = JsonResponse(selectors.published_data(lottery=lottery), json_dumps_params={"ensure_ascii": False,
                                                                                           "indent": 1})
    response["Content-Disposition"] = f'inline; filename="lottery-{lottery.pk}.json"'
    return response


def verifier_source(request: HttpRequest) -> HttpResponse:
    """The verifier module's own source: one file, standard library only."""
    response = HttpResponse(inspect.getsource(verify), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="verify.py"'
    return response


def _when(value: str) -> dt.datetime | None:
    """A `datetime-local` field (Asia/Shanghai, the site's time zone) as an aware datetime."""
    try:
        naive = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


def _num(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else 0


def _prizes(data: Any) -> list[services.PrizeSpec]:
    out = []
    for i in range(1, PRIZE_ROWS + 1):
        name = (data.get(f"prize{i}_name") or "").strip()
        if not name:
            continue
        try:
            value = parse_yuan(data.get(f"prize{i}_value", "") or "0", symbol=True)
        except ValueError:
            value = 0
        out.append(services.PrizeSpec(name=name, count=_num(data.get(f"prize{i}_count")),
                                      kind=data.get(f"prize{i}_kind", ""), amount=_num(data.get(f"prize{i}_amount")),
                                      value_fen=value))
    return out


@login_required
def lottery_new(request: HttpRequest) -> HttpResponse:
    """The organiser's form: title, eligibility, the window, up to three prize tiers (values in yuan)."""
    data = request.POST if request.method == "POST" else request.GET
    community_id = _num(data.get("community")) or None
    community = community_by_id(community_id=community_id) if community_id else None
    if community_id and community is None:
        return error_response(request, errors.community_not_found())
    if not selectors.can_manage(user=request.user, community=community):
        return error_response(request, errors.not_organiser())
    errs: list[str] = []
    if request.method == "POST":
        lottery = call_service(
            errs, services.lottery_create, actor=request.user, title=data.get("title", ""),
            eligibility=data.get("eligibility", ""), opens_at=_when(data.get("opens_at", "")),
            closes_at=_when(data.get("closes_at", "")), draw_at=_when(data.get("draw_at", "")),
            prizes=_prizes(data), community_id=community_id, campaign=data.get("campaign", ""),
            rules_text=data.get("rules_text", ""), min_streak=_num(data.get("min_streak")),
            product_id=_num(data.get("product_id")) or None)
        if lottery is not None:
            messages.success(request, _("抽奖已发布，种子哈希已公开"))
            return redirect(f"/lotteries/{lottery.pk}/")
    now = timezone.localtime()
    defaults = {"opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                "draw_at": (now + dt.timedelta(days=3, hours=1)).strftime("%Y-%m-%dT%H:%M")}
    return render(request, "lotteries/new.html", {
        "community": community, "errors": errs, "data": data, "defaults": defaults,
        "rows": [{"i": i, **{k: data.get(f"prize{i}_{k}", "") for k in ("name", "count", "kind", "amount", "value")}}
                 for i in range(1, PRIZE_ROWS + 1)], "eligibilities": Eligibility.choices, "kinds": PrizeKind.choices,
        "cap_fen": rules.TOP_PRIZE_CAP_FEN, "nav": "me"}, status=400 if errs else 200)


