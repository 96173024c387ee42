"""Helpers for the task tests: a frozen clock (patching `django.utils.timezone.now`, which `local_today` and
`auto_now_add` read), communities built through the communities service, check-ins through content's service with
their after-commit hooks run, and a recording granter for reward kinds whose real ledgers other tests cover."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

from quanzi.communities.models import Community
from quanzi.communities.services import community_create, community_join
from quanzi.core.timeutil import SHANGHAI
from quanzi.loyalty.tasks.models import CheckinRule

_slugs = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """A moment on an Asia/Shanghai calendar day."""
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def community(owner: Any, name: str = "") -> Community:
    n = next(_slugs)
    return community_create(owner=owner, name=name or f"打卡群{n}", slug=f"tk-{n}-{owner.pk}", vertical="beauty")


def join(user: Any, c: Community) -> Any:
    return community_join(user=user, community=c)


def platform_rule() -> CheckinRule:
    """The seeded platform rule: continuous, repeating, day 1: 5 points, day 3: 10, day 7: 30."""
    return CheckinRule.objects.get(community__isnull=True, is_active=True)


class Recorder:
    """A granter that records what it paid, once per key (as every real granter does)."""

    def __init__(self) -> None:
        self.paid: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def __call__(self, *, user_id: int, amount: int, key: str, reason: str) -> None:
        with self._lock:
            self.paid.setdefault(key, (user_id, amount))

    def total(self, user_id: int) -> int:
        return sum(a for u, a in self.paid.values() if u == user_id)
