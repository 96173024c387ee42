"""accounts.services.token_user, the lookup every bearer-authenticated request runs (one raw statement): the same
answers as the token rules (`_token_valid`), revocations that hold at once, a whole User back, and "last used"
written at most once a minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.accounts import services
from quanzi.accounts.models import ApiToken, User
from quanzi.web.demo.clock import clock_at

pytestmark = pytest.mark.django_db


def test_a_token_gives_back_its_whole_user_and_nothing_of_the_lookup(member):
    User.objects.filter(pk=member.pk).update(is_staff=True, bio="你好")
    found = services.token_user(services.token_create(user=member))
    assert isinstance(found, User) and found == member
    assert (found.is_staff, found.bio, found.nickname, found.password) == (True, "你好", member.nickname,
                                                                          member.password)
    assert not {"token_pk", "token_user_stamp", "token_stale"} & set(vars(found))
    assert services.token_user("no-such-token") is None


def test_the_lookup_agrees_with_the_token_rules(member, other):
    keys = {name: services.token_create(user=member) for name in ("logout_all", "password", "revoked")}
    services.logout_all(user=member)
    assert services.token_user(keys["logout_all"]) is None  # at once: nothing is cached between requests
    member.refresh_from_db()
    kept = services.token_create(user=member)
    User.objects.filter(pk=member.pk).update(password="changed elsewhere")  # e.g. the command line
    assert services.token_user(kept) is None
    inactive = services.token_create(user=other)
    assert services.token_user(inactive) == other
    User.objects.filter(pk=other.pk).update(is_active=False)
    assert services.token_user(inactive) is None
    for key in keys.values():
        assert services._token_valid(key) is None


def test_an_expired_token_is_refused(member):
    key = services.token_create(user=member)
    expires_at = ApiToken.objects.get().expires_at
    with clock_at(expires_at - dt.timedelta(seconds=1)):
        assert services.token_user(key) == member
    with clock_at(expires_at):
        assert services.token_user(key) is None


def test_last_used_is_written_at_most_every_five_minutes(member, django_assert_num_queries):
    start = timezone.now()
    with clock_at(start):
        key = services.token_create(user=member)
    assert ApiToken.objects.get().last_used_at == start  # minting is its first use
    with clock_at(start + dt.timedelta(seconds=299)), django_assert_num_queries(1):  # the lookup alone
        assert services.token_user(key) == member
    assert ApiToken.objects.get().last_used_at == start
    later = start + dt.timedelta(seconds=301)
    with clock_at(later), django_assert_num_queries(2):  # the lookup, and "last used"
        assert services.token_user(key) == member
    assert ApiToken.objects.get().last_used_at == later
    with clock_at(later + dt.timedelta(seconds=1)), django_assert_num_queries(1):
        assert services.token_user(key) == member


@pytest.mark.django_db(transaction=True)
def test_last_used_is_written_outside_a_transaction_too(member):
    """Outside a transaction (a request), PostgreSQL writes it with asynchronous commit; the value lands the same."""
    start = timezone.now()
    with clock_at(start):
        key = services.token_create(user=member)
    later = start + dt.timedelta(minutes=6)
    with clock_at(later):
        assert services.token_user(key) == member
    assert ApiToken.objects.get().last_used_at == later
