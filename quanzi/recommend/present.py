"""What an item looks like in the API and on the page (title, link, price, picture), from its loaded object."""

from __future__ import annotations

from typing import Any

from quanzi.recommend.enums import ItemKind
from quanzi.recommend.selectors import RecItem, RecList


def item_out(item: RecItem) -> dict[str, Any]:
    obj = item.obj
    if item.kind == ItemKind.PRODUCT:
        skus = list(obj.skus.all())
        images = list(obj.images.all())
        return {"kind": item.kind, "id": item.id, "title": obj.title, "url": f"/shop/p/{item.id}/",
                "reason": item.reason, "reason_label": item.reason_label,
                "price_fen": min((s.price_fen for s in skus if s.is_active), default=None),
                "image": images[0].image.url if images else ""}
    return {"kind": item.kind, "id": item.id, "title": obj.title or obj.body[:40], "url": f"/p/{item.id}/",
            "reason": item.reason, "reason_label": item.reason_label, "price_fen": None, "image": ""}


def list_out(rec: RecList) -> dict[str, Any]:
    return {"name": rec.name, "kind": rec.kind, "source": rec.source, "items": [item_out(i) for i in rec.items]}
