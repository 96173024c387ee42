"""Two-factor login to the back office (django-otp, TOTP: any authenticator app, 微信/支付宝 小程序 or Google
Authenticator), mixed into quanzi's admin site.

With `QUANZI_ADMIN_REQUIRE_OTP` (on by default in production, off in the demo and the tests):
- the admin's login form asks for the 6-digit code as well as the password; a staff member who has a confirmed
  device cannot get in without it (django-otp throttles wrong codes per device and refuses a code used twice);
- a staff member without a device logs in with the password only to one page, `admin/otp/enrol/`: a QR code
  (segno, drawn here: the secret never leaves the server for a third-party QR service) and a form for the first
  code. The device counts only once that code is right; then the session is verified and the admin opens.
  Another operator resets a lost phone by deleting the device (admin: OTP_TOTP → TOTP devices);
- every admin page needs a verified session (`request.user.is_verified()`, set by django-otp's middleware).
Without the setting nothing changes: the password alone opens the admin, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

if TYPE_CHECKING:  # the model is imported when used: this module loads with the admin's AppConfig
    from django_otp.plugins.otp_totp.models import TOTPDevice


def otp_required() -> bool:
    return bool(getattr(settings, "QUANZI_ADMIN_REQUIRE_OTP", False))


def totp_devices() -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects


def confirmed_device(user: Any) -> TOTPDevice | None:
    return totp_devices().filter(user=user, confirmed=True).order_by("pk").first()


class OtpAdminSiteMixin:
    """Mixed into QuanziAdminSite (core/admin_base.py)."""

    login_template: str | None = "admin/quanzi_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)  # type: ignore[misc]
        if allowed and otp_required():
            return bool(getattr(request.user, "is_verified", lambda: False)())
        return bool(allowed)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        if (otp_required() and request.method == "GET" and user.is_authenticated and user.is_active
                and user.is_staff and not user.is_verified() and confirmed_device(user) is None):  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse("admin:otp_enrol"))
        # imported here: forms need the app registry, and this module loads with the admin's AppConfig
        from quanzi.core.otp_forms import OtpAdminLoginForm

        setattr(self, "login_form", OtpAdminLoginForm)  # noqa: B010 - AdminSite's attribute, set when first needed
        extra = {"otp_required": otp_required(), **(extra_context or {})}
        return super().login(request, extra)  # type: ignore[misc]

    def get_urls(self) -> list[Any]:
        urls: list[URLPattern] = [path("otp/enrol/", self.otp_enrol, name="otp_enrol")]
        return urls + super().get_urls()  # type: ignore[misc]

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_enrol(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse("admin:login") + "?next=" + reverse("admin:otp_enrol"))
        if confirmed_device(user) is not None:
            # already enrolled: the code goes in the login form; a lost phone is reset by another operator
            return HttpResponseRedirect(reverse("admin:index"))
        device = totp_devices().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = totp_devices().create(user=user, name=str(_("身份验证器")), confirmed=False)
        from quanzi.core.otp_forms import EnrolForm

        form = EnrolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["otp_token"].strip()):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                return HttpResponseRedirect(reverse("admin:index"))
            form.add_error("otp_token", _("动态验证码不正确，请看身份验证器上当前的 6 位数字"))
        context = {
            **self.each_context(request),  # type: ignore[attr-defined]
            "title": _("绑定身份验证器"),
            "form": form,
            "qr_svg": segno.make_qr(device.config_url, error="m").svg_inline(scale=4, border=2),
            "secret": device_secret_b32(device),
        }
        return TemplateResponse(request, "admin/quanzi_otp_enrol.html", context)


def device_secret_b32(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in by hand (base32, in groups of four)."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))
