"""On PostgreSQL: two accounts binding the same openid at once end with exactly one binding; the other is told
`wechat_openid_taken`."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.wxlogin import conf, provider, services
from quanzi.wxlogin.models import WechatIdentity

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_accounts_bind_one_openid_at_once():
    users = [make_user("甲"), make_user("乙")]
    wx = provider.WxUser(openid="o-shared", scope="snsapi_base")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def bind(user):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services._resolve(conf.SANDBOX_APPID, wx, next_url="/", bind_user=user, via="oauth_base")
            results.append("bound")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=bind, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["bound", "wechat_openid_taken"]
    assert WechatIdentity.objects.filter(openid="o-shared", unbound_at__isnull=True).count() == 1
