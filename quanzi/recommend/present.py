"""What an item looks like in the API (title, link, price, picture), from the card serving read with it."""

from __future__ import annotations

from typing import Any

from quanzi.recommend.selectors import RecItem, RecList


def item_out(item: RecItem) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "title": item.title, "url": item.url, "reason": item.reason,
            "reason_label": item.reason_label, "price_fen": item.price_fen, "image": item.image}


def list_out(rec: RecList) -> dict[str, Any]:
    return {"name": rec.name, "kind": rec.kind, "source": rec.source, "items": [item_out(i) for i in rec.items]}
