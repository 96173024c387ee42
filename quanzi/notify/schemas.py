from __future__ import annotations

from quanzi.core.schema import Schema


class PreferenceOut(Schema):
    group: str
    label: str
    channels: dict[str, bool]


class PreferenceIn(Schema):
    group: str
    channel: str
    enabled: bool
