"""Chat pages: the conversation list (私信), a conversation (messages, composer with image upload; posting through
HTMX when the WebSocket is down), the shop's customer-service queue, and the member's chat settings. Thin: the
services and selectors do the work."""

from __future__ import annotations

import posixpath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from quanzi.accounts import selectors as account_selectors
from quanzi.chat import errors, selectors, services
from quanzi.chat.consumers import is_mine
from quanzi.chat.enums import ConversationKind, QueueFilter, Side, WhoCanMessage
from quanzi.core.errors import DomainError
from quanzi.core.media import CONTENT_SECURITY_POLICY, MEDIA_TYPES
from quanzi.core.pages import call_service, error_response


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _me(request: HttpRequest) -> Any:
    """The signed-in member (the views that call this are behind `login_required`)."""
    return request.user


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.conversation_list(user=_me(request))
    shops = selectors.merchants_served(user=_me(request))
    return render(request, "chat/inbox.html", {"rows": rows, "shops": shops, "nav": "me"})


def _message_rows(conversation: Any, payloads: list[dict[str, Any]], user: Any, side: str) -> list[dict[str, Any]]:
    return [{"m": p, "mine": is_mine(p, side=side, user_id=user.pk)} for p in payloads]


@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        conv = selectors.conversation_for(user=_me(request), conversation_id=conversation_id)
    except DomainError as exc:
        return error_response(request, exc)
    side = selectors.side_of(user=_me(request), conversation=conv)
    services.conversation_mark_read(user=_me(request), conversation_id=conv.pk)
    payloads = selectors.messages_of(conversation=conv)
    can_write, why = True, ""
    try:
        selectors.check_may_write(user=_me(request), conversation=conv)
    except DomainError as exc:
        can_write, why = False, str(exc.message)
    other_id = selectors.other_party_id(user=_me(request), conversation=conv)
    blocker_id: int = conv.merchant.user_id if side == Side.SHOP and conv.merchant else _me(request).pk
    context = {
        "c": conv, "side": side, "rows": _message_rows(conv, payloads, request.user, side),
        "last_id": payloads[-1]["id"] if payloads else 0, "can_write": can_write, "why": why,
        "title": _title(conv, request.user, side, other_id), "is_service": conv.kind == ConversationKind.SERVICE,
        "blocked": bool(other_id) and selectors.block_exists(blocker_id=blocker_id, target_id=other_id or 0),
        "agents": selectors.agents_of(merchant=conv.merchant) if side == Side.SHOP and conv.merchant else [],
        "is_owner": side == Side.SHOP and conv.merchant is not None and conv.merchant.user_id == request.user.pk,
        "nav": "me",
    }
    return render(request, "chat/conversation.html", context)


def _title(conv: Any, user: Any, side: str, other_id: int | None) -> str:
    if side == Side.CUSTOMER:
        return conv.merchant.business_name if conv.merchant else ""
    if side == Side.SHOP:
        return str(conv.customer) if conv.customer else ""
    other = account_selectors.user_get(user_id=other_id, include_inactive=True) if other_id is not None else None
    return str(other) if other else ""


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The composer's post: with HTMX (the socket is down, or an image is attached) the new message's fragment is
    appended to the list; without JavaScript the page reloads."""
    try:
        message = services.message_send(sender=_me(request), conversation_id=conversation_id,
                                        body=request.POST.get("body", ""), image=request.FILES.get("image"))
    except DomainError as exc:
        if _is_htmx(request):
            response = render(request, "core/error_fragment.html", {"code": exc.code, "message": exc.message})
            response["HX-Retarget"] = "#chat-error"
            response["HX-Reswap"] = "innerHTML"
            return response
        if exc.status in (401, 403, 404) and exc.code != errors.ErrorCode.BLOCKED:
            return error_response(request, exc)
        messages.error(request, str(exc.message))
        return redirect(f"/chat/c/{conversation_id}/")
    if _is_htmx(request):
        conv = selectors.conversation_for(user=_me(request), conversation_id=conversation_id)
        side = selectors.side_of(user=_me(request), conversation=conv)
        payload = selectors.messages_of(conversation=conv, after_id=message.pk - 1, limit=1)[0]
        return render(request, "chat/_message.html", {"m": payload, "mine": True, "viewer_side": side})
    return redirect(f"/chat/c/{conversation_id}/")


@login_required
@require_safe
def messages_after(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """New messages after `?after=<id>`: what the page polls while its socket is down."""
    try:
        conv = selectors.conversation_for(user=_me(request), conversation_id=conversation_id)
    except DomainError as exc:
        return error_response(request, exc)
    side = selectors.side_of(user=_me(request), conversation=conv)
    payloads = selectors.messages_of(conversation=conv, after_id=_int(request.GET.get("after")) or 0)
    if payloads:
        services.conversation_mark_read(user=_me(request), conversation_id=conv.pk)
    return render(request, "chat/_messages.html", {"rows": _message_rows(conv, payloads, request.user, side),
                                                   "viewer_side": side})


@login_required
@require_POST
def read(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        services.conversation_mark_read(user=_me(request), conversation_id=conversation_id)
    except DomainError as exc:
        return error_response(request, exc)
    return HttpResponse(status=204)


@require_POST
def start_service(request: HttpRequest) -> HttpResponse:
    """联系商家 / 联系客服 from an order, a product or a shop: open (or find) the conversation and go to it."""
    if not request.user.is_authenticated:
        back = request.POST.get("next", "") or "/"
        return redirect(f"/login/?next={back if back.startswith('/') and not back.startswith('//') else '/'}")
    try:
        conv = services.service_open(customer=request.user, order_id=_int(request.POST.get("order")),
                                     product_id=_int(request.POST.get("product")),
                                     merchant_id=_int(request.POST.get("merchant")))
    except DomainError as exc:
        return error_response(request, exc)
    return redirect(f"/chat/c/{conv.pk}/")


@login_required
@require_POST
def start_direct(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        conv = services.direct_open(sender=_me(request), recipient_id=user_id)
    except DomainError as exc:
        return error_response(request, exc)
    return redirect(f"/chat/c/{conv.pk}/")


@login_required
@require_POST
def report(request: HttpRequest, conversation_id: int) -> HttpResponse:
    errs: list[str] = []
    done = call_service(errs, services.report_create, reporter=_me(request), conversation_id=conversation_id,
                        reason=request.POST.get("reason", ""), message_id=_int(request.POST.get("message")))
    if done is not None:
        messages.success(request, _("已举报，平台会尽快处理"))
    for e in errs:
        messages.error(request, e)
    return redirect(f"/chat/c/{conversation_id}/")


@login_required
@require_POST
def block_toggle(request: HttpRequest, conversation_id: int) -> HttpResponse:
    errs: list[str] = []
    on = request.POST.get("on") == "1"
    done = call_service(errs, services.conversation_block, user=_me(request), conversation_id=conversation_id, on=on)
    if done is not None:
        messages.success(request, _("已拉黑，对方无法再给你发消息") if on else _("已取消拉黑"))
    for e in errs:
        messages.error(request, e)
    return redirect(f"/chat/c/{conversation_id}/")


@login_required
@require_POST
def assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    errs: list[str] = []
    raw = request.POST.get("agent", "")
    agent_id = request.user.pk if raw == "me" else _int(raw)
    call_service(errs, services.conversation_assign, actor=_me(request), conversation_id=conversation_id,
                 agent_id=agent_id)
    for e in errs:
        messages.error(request, e)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/chat/") else f"/chat/c/{conversation_id}/")


@login_required
def shop_queue(request: HttpRequest) -> HttpResponse:
    """The shop's customer service: conversations waiting for an agent, mine, all; the owner manages agents."""
    shops = selectors.merchants_served(user=_me(request))
    if not shops:
        return error_response(request, errors.not_agent())
    wanted = _int(request.GET.get("m"))
    merchant = next((m for m in shops if m.pk == wanted), shops[0])
    which = request.GET.get("q", QueueFilter.UNASSIGNED)
    if which not in QueueFilter.values:
        which = QueueFilter.UNASSIGNED
    is_owner = merchant.user_id == request.user.pk
    if request.method == "POST" and is_owner:
        errs: list[str] = []
        if request.POST.get("remove"):
            call_service(errs, services.agent_remove, owner=_me(request), user_id=_int(request.POST["remove"]) or 0)
        else:
            phone = request.POST.get("phone", "").strip()
            agent = account_selectors.user_get_by_phone(phone=phone) if phone else None
            if agent is None:
                errs.append(str(errors.user_not_found().message))
            elif call_service(errs, services.agent_add, owner=_me(request), user_id=agent.pk) is not None:
                messages.success(request, _("已添加客服：%(name)s") % {"name": agent})
        for e in errs:
            messages.error(request, e)
        return redirect(f"/chat/shop/?m={merchant.pk}&q={which}")
    rows = list(selectors.shop_queue(user=_me(request), merchant=merchant, which=which)[:100])
    return render(request, "chat/shop_queue.html", {
        "merchant": merchant, "shops": shops, "rows": rows, "which": which, "filters": QueueFilter.choices,
        "counts": selectors.queue_counts(user=_me(request), merchant=merchant), "is_owner": is_owner,
        "agents": selectors.agents_of(merchant=merchant), "nav": "me"})


@login_required
def chat_settings(request: HttpRequest) -> HttpResponse:
    errs: list[str] = []
    if request.method == "POST":
        if request.POST.get("unblock"):
            call_service(errs, services.unblock, user=_me(request), target_id=_int(request.POST["unblock"]) or 0)
        elif call_service(errs, services.setting_set, user=_me(request),
                          who_can_message=request.POST.get("who_can_message", "")) is not None:
            messages.success(request, _("已保存"))
        if not errs:
            return redirect("/chat/settings/")
    return render(request, "chat/settings.html", {
        "current": selectors.who_can_message(user=_me(request)), "choices": WhoCanMessage.choices,
        "blocks": selectors.blocked_list(user=_me(request)), "errors": errs, "nav": "me"})


@login_required
@require_safe
def message_image(request: HttpRequest, message_id: int) -> HttpResponseBase:
    """An image of a conversation, for the people in it only (the file is not listed anywhere else)."""
    try:
        message = selectors.message_for_image(user=_me(request), message_id=message_id)
    except DomainError as exc:
        raise Http404 from exc
    name = str(message.image.name or "")
    content_type = MEDIA_TYPES.get(posixpath.splitext(name)[1].lower())
    if content_type is None or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, max-age=86400"
    return response
