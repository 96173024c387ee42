"""The address book (收货地址): managed under 我 (/me/addresses/) and inside the checkout page, where adding,
editing and choosing the default swap only the address block (HTMX), so the cart selection, the chosen coupons
and the idempotency key of the checkout form stay as they are.

The block's buttons post with the enclosing form (htmx includes it), so the checkout's chosen address comes along
and stays chosen; the fields of the editor are named `ab_*` so the checkout never reads them once an address is
chosen (with none yet, the checkout creates the typed one). The buttons are type=button, so the checkout form's
default button stays 提交订单; under 我 the page's form posts here without JavaScript too."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.orders import selectors, services

FIELDS = ("name", "phone", "province", "city", "district", "detail")
MODES = ("checkout", "manage")


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _mode(data: Any) -> str:
    mode = str(data.get("mode") or "")
    return mode if mode in MODES else "manage"


def _book(request: HttpRequest, *, mode: str, selected: int | None, editing: Any = None,
          errors: list[dict[str, str]] | None = None, form: dict[str, Any] | None = None) -> HttpResponse:
    """The address block: the addresses (one chosen, in checkout), and the editor when open."""
    addresses = list(selectors.address_list(user=request.user))
    if selected not in {a.pk for a in addresses}:
        selected = next((a.pk for a in addresses if a.is_default), addresses[0].pk if addresses else None)
    if not addresses and editing is None:
        editing = "new"  # nothing to choose from: the editor is the block
    return render(request, "orders/_address_book.html", {
        "addresses": addresses, "selected": selected, "mode": mode, "editing": editing,
        "ab_errors": errors or [], "ab": form or {}})


def _back(request: HttpRequest, mode: str) -> HttpResponse:
    """Without JavaScript: back to the checkout (the same SKU bought now, if it was one) or the address book."""
    if mode != "checkout":
        return redirect("addresses")
    query = {k: request.POST[k] for k in ("sku_id", "quantity") if request.POST.get(k)}
    return redirect(reverse("checkout") + (f"?{urlencode(query)}" if query else ""))


@login_required
def address_book(request: HttpRequest) -> HttpResponse:
    """我 → 收货地址."""
    addresses = list(selectors.address_list(user=request.user))
    return render(request, "orders/addresses.html", {
        "addresses": addresses, "selected": None, "mode": "manage", "editing": None if addresses else "new",
        "ab_errors": [], "ab": {}, "nav": "me"})


@login_required
def address_editor(request: HttpRequest) -> HttpResponse:
    """Open the editor in the block: a new address, or one of the buyer's to edit (someone else's: 404)."""
    mode = _mode(request.GET)
    address_id = _int(request.GET.get("id"))
    form: dict[str, Any] = {}
    editing: Any = "new"
    if address_id:
        editing = selectors.address_get(user=request.user, address_id=address_id)
        form = {k: getattr(editing, k) for k in FIELDS} | {"default": editing.is_default}
    return _book(request, mode=mode, selected=_int(request.GET.get("address_id")), editing=editing, form=form)


@login_required
def address_cancel(request: HttpRequest) -> HttpResponse:
    """Close the editor."""
    return _book(request, mode=_mode(request.GET), selected=_int(request.GET.get("address_id")))


@login_required
@require_POST
def address_save(request: HttpRequest) -> HttpResponse:
    """Add an address (or save an edited one); a new address in checkout becomes the chosen one. Bad input: the
    editor stays open with what was typed and the error (its code and message); nothing is saved."""
    mode = _mode(request.POST)
    values = {k: str(request.POST.get(f"ab_{k}", ""))[:300] for k in FIELDS}
    is_default = request.POST.get("ab_default") == "1"
    address_id = _int(request.POST.get("ab_id"))
    selected = _int(request.POST.get("address_id"))
    try:
        if address_id:
            address = services.address_update(user=request.user, address_id=address_id, is_default=is_default,
                                               **values)
        else:
            address = services.address_create(user=request.user, is_default=is_default, **values)
    except DomainError as exc:
        if not request.headers.get("HX-Request"):
            messages.error(request, f"{exc.message}（{exc.code}）")
            return _back(request, mode)
        editing: Any = "new"
        if address_id:
            editing = selectors.address_get(user=request.user, address_id=address_id)
        return _book(request, mode=mode, selected=selected, editing=editing,
                     errors=[{"code": str(exc.code), "message": str(exc.message)}],
                     form=values | {"default": is_default})
    if not request.headers.get("HX-Request"):
        messages.success(request, _("地址已保存"))
        return _back(request, mode)
    return _book(request, mode=mode, selected=selected if address_id else address.pk)


@login_required
@require_POST
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    mode = _mode(request.POST)
    services.address_set_default(user=request.user, address_id=address_id)
    if not request.headers.get("HX-Request"):
        return _back(request, mode)
    return _book(request, mode=mode, selected=_int(request.POST.get("address_id")))


@login_required
@require_POST
def address_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    mode = _mode(request.POST)
    services.address_delete(user=request.user, address_id=address_id)
    if not request.headers.get("HX-Request"):
        messages.success(request, _("地址已删除"))
        return _back(request, mode)
    return _book(request, mode=mode, selected=_int(request.POST.get("address_id")))
