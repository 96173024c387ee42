"""The forms of the admin's two-factor login (core/admin_otp.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_otp import confirmed_device, otp_required


class OtpAdminLoginForm(AdminAuthenticationForm):
    """Password, then the code of the user's confirmed device (when OTP is required and they have one)."""

    otp_token = forms.CharField(label=_("动态验证码"), required=False, max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if not otp_required() or user is None:
            return cleaned
        device = confirmed_device(user)
        if device is None:
            return cleaned  # no device yet: the password opens the enrolment page only (has_permission)
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(_("请输入身份验证器上的 6 位动态验证码"), code="token_required")
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(_("验证码错误次数过多，请稍后再试"), code="throttled")
        if not device.verify_token(token):
            raise forms.ValidationError(_("动态验证码不正确或已使用过"), code="invalid_token")
        user.otp_device = device  # type: ignore[attr-defined]  # django-otp's user_logged_in handler marks the session verified
        return cleaned


class EnrolForm(forms.Form):
    otp_token = forms.CharField(label=_("动态验证码"), max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric", "autofocus": True}))
