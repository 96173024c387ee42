from __future__ import annotations

import datetime as dt

from quanzi.core.schema import Schema


class SessionIn(Schema):
    community_id: int
    title: str
    stream_url: str
    scheduled_at: dt.datetime
    description: str = ""


class SessionOut(Schema):
    id: int
    community_id: int
    host_id: int
    merchant_id: int | None
    title: str
    description: str
    stream_url: str
    replay_url: str
    status: str
    scheduled_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    like_count: int
    comment_count: int
    viewer_count: int
    peak_viewers: int
    websocket_path: str


class EndIn(Schema):
    replay_url: str = ""


class PinIn(Schema):
    product_id: int
    sku_id: int | None = None
    live_price_fen: int | None = None


class PinOut(Schema):
    id: int
    product_id: int
    sku_id: int
    title: str
    price_fen: int
    live_price_fen: int | None
    active: bool


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    user: str
    body: str
    held: bool


class BuyOut(Schema):
    sku_id: int
    quantity: int
    options: dict[str, object]


class FiguresOut(Schema):
    viewers: int
    peak_viewers: int
    comments: int
    likes: int
    orders: int
    gmv_fen: int
    refunded_fen: int
