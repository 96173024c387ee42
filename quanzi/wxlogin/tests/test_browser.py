"""WeChat login in a real browser at 390 px with WeChat's user agent: a visitor logs in through the sandbox
identity provider, reads and accepts the consent texts, gets an account bound to a sandbox openid, then unbinds."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from conftest import ARTIFACTS
from quanzi.wxlogin import conf, provider, selectors
from quanzi.wxlogin.models import WechatIdentity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN")


@pytest.fixture
def wechat_page(browser_page, live_server):  # type: ignore[no-untyped-def]
    context = browser_page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=WECHAT_UA, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways"
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_a_visitor_logs_in_with_wechat_consents_and_unbinds(wechat_page):
    page = wechat_page
    page.goto("/login/?next=/discover/")
    _shot(page, "wxlogin-login-390")
    page.click("text=微信登录")
    page.wait_for_url("**/wx/sandbox/authorize/**")
    page.fill("input[name=name]", "browser-wang")
    _shot(page, "wxlogin-sandbox-authorize-390")
    page.click("button[value=allow]")
    page.wait_for_url("**/wx/welcome/")
    assert "微信登录个人信息处理说明" in page.inner_text("main")
    page.fill("input[name=nickname]", "小王")
    page.fill("input[name=login]", "13700001234")
    page.fill("input[name=password]", "wechat-pass-9")
    _shot(page, "wxlogin-welcome-390")
    page.click("text=同意并创建账号")  # the consent box is required: the browser keeps the form until it is ticked
    assert "/wx/welcome/" in page.url
    page.check("input[name=consent]")
    page.click("text=同意并创建账号")
    page.wait_for_url("**/discover/")
    user = get_user_model().objects.get(phone="13700001234")
    openid = provider.sandbox_openid(conf.SANDBOX_APPID, "browser-wang")
    assert selectors.openid_for(user_id=user.pk, appid=conf.SANDBOX_APPID) == openid
    assert WechatIdentity.objects.get(user=user).consent_version == conf.CONSENT_VERSION

    page.goto("/me/edit/")
    page.click("text=微信绑定")
    page.wait_for_url("**/wx/account/")
    assert "browser-wang" in page.inner_text("main")
    _shot(page, "wxlogin-account-390")
    page.click("text=解绑")
    page.wait_for_selector("text=已解绑微信")
    assert "绑定微信" in page.inner_text("main")
    _shot(page, "wxlogin-unbound-390")
    assert selectors.openid_for(user_id=user.pk, appid=conf.SANDBOX_APPID) is None
