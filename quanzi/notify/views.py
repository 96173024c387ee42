"""通知设置: the member's settings page (`/me/notifications/settings/`), one card per group of kinds with a switch
per channel; saving sends the whole form (`services.preferences_save`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanzi.core.pages import call_service
from quanzi.notify import selectors, services
from quanzi.notify.enums import Channel
from quanzi.wxlogin import conf as wx_conf
from quanzi.wxlogin.selectors import openid_for


def _reachable(user: Any) -> dict[str, bool]:
    """Whether each external channel has somewhere to go (shown next to it: a switch on a channel without an
    address sends nothing)."""
    app = wx_conf.mini_app()
    return {Channel.SMS: bool(user.phone), Channel.EMAIL: bool(user.email),
            Channel.WECHAT: bool(app is not None and openid_for(user_id=user.pk, appid=app.appid))}


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    errors: list[str] = []
    if request.method == "POST":
        enabled = set()
        for value in request.POST.getlist("on"):
            group, _sep, channel = value.partition(":")
            enabled.add((group, channel))
        if call_service(errors, services.preferences_save, user=user, enabled=enabled) is not None:
            messages.success(request, _("通知设置已保存"))
            return redirect("notify-settings")
    reachable = _reachable(user)
    channels = [{"value": str(c), "label": str(c.label), "reachable": reachable.get(c, True)} for c in Channel]
    return render(request, "notify/settings.html", {
        "rows": selectors.preferences_of(user=user), "channels": channels, "errors": errors})
