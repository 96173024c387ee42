"""Fixtures for the communities tests: a community with an owner, an admin, a KOL and a plain member."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.communities import services
from quanzi.communities.enums import Role, Visibility
from quanzi.communities.models import Community

_n = {"i": 0}


def png_upload(name: str = "c.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def new_community(owner: User | None = None, *, visibility: str = Visibility.PUBLIC, **kwargs: Any) -> Community:
    _n["i"] += 1
    fields: dict[str, Any] = {"name": f"测试圈{_n['i']}", "slug": f"test-{_n['i']}", "vertical": "beauty"}
    fields.update(kwargs)
    return services.community_create(owner=owner or make_user(), visibility=visibility, **fields)


@dataclass
class Crew:
    community: Community
    owner: User
    admin: User
    kol: User
    member: User


def make_crew(visibility: str = Visibility.PUBLIC) -> Crew:
    owner, admin, kol, member = (make_user(n) for n in ("群主", "管理员", "达人", "成员"))
    community = new_community(owner, visibility=Visibility.PUBLIC)
    for u in (admin, kol, member):
        services.community_join(user=u, community=community)
    services.role_set(actor=owner, community=community, user_id=admin.pk, role=Role.ADMIN)
    services.role_set(actor=owner, community=community, user_id=kol.pk, role=Role.KOL)
    if visibility != Visibility.PUBLIC:
        community = services.community_update(actor=owner, community=community, visibility=visibility)
    community.refresh_from_db()
    # fresh user objects: the services cache memberships on the instances they were given
    return Crew(community, *(User.objects.get(pk=u.pk) for u in (owner, admin, kol, member)))


@pytest.fixture
def crew(db: None) -> Crew:
    return make_crew()


@pytest.fixture
def crew_factory(db: None) -> Callable[..., Crew]:
    return make_crew
