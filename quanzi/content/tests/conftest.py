"""Fixtures for the content tests: communities built through the communities app's own services."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.communities.enums import Visibility
from quanzi.communities.models import Community
from quanzi.communities.services import community_create, community_join

_slugs = itertools.count(1)


def png(name: str = "a.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def fresh(user: User) -> User:
    """The same user without cached memberships (as a new request would see it)."""
    return User.objects.get(pk=user.pk)


def make_community(owner: User, *, visibility: str = Visibility.PUBLIC, name: str = "") -> Community:
    n = next(_slugs)
    return community_create(owner=owner, name=name or f"圈子{n}", slug=f"quan-{n}", vertical="beauty",
                            visibility=visibility)


def join(user: User, community: Community) -> User:
    if community.visibility == Visibility.PUBLIC:
        community_join(user=user, community=community)
    else:
        from quanzi.communities.enums import MembershipStatus, Role
        from quanzi.communities.models import Membership

        Membership.objects.create(community=community, user=user, role=Role.MEMBER,
                                  status=MembershipStatus.ACTIVE, joined_at=timezone.now())
    return fresh(user)


def later(**kw: Any) -> dt.datetime:
    return timezone.now() + dt.timedelta(**kw)


@pytest.fixture
def owner(db: None) -> User:
    return make_user("群主")


@pytest.fixture
def community(owner: User) -> Community:
    return make_community(owner)


@pytest.fixture
def alice(community: Community) -> User:
    return join(make_user("爱丽丝"), community)


@pytest.fixture
def bob(community: Community) -> User:
    return join(make_user("小波"), community)


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("路人")
