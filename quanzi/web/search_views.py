"""The search page: posts (content), products (catalog) and communities in one page, with a tab per kind
(全部 / 帖子 / 商品 / 圈子). It lives in web because it combines apps that do not import one another; the matching
itself is `core.search` (Chinese partial matching), applied by each app's selector with its own visibility
rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities import selectors as community_selectors
from quanzi.content import selectors as content_selectors
from quanzi.core.pages import page_of
from quanzi.core.search import MAX_QUERY_CHARS

TABS = [("all", pgettext_lazy("search tab", "全部")), ("posts", pgettext_lazy("search tab", "帖子")),
        ("products", pgettext_lazy("search tab", "商品")), ("communities", pgettext_lazy("search tab", "圈子"))]
# how many of each kind the 全部 tab shows before its "more" link
PREVIEW = {"posts": 5, "products": 4, "communities": 3}


def _results(kind: str, q: str, user: Any) -> Any:
    if kind == "posts":
        return content_selectors.search_posts(q=q, viewer=user)
    if kind == "products":
        return catalog_selectors.product_search(q=q)
    return community_selectors.community_search(user=user, q=q)


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    tab = request.GET.get("tab", "all")
    if tab not in dict(TABS):
        tab = "all"
    user = request.user if request.user.is_authenticated else None
    ctx: dict[str, Any] = {"q": q, "tab": tab, "tabs": TABS, "nav": "discover"}
    if q and tab == "all":
        # one slice of each kind (one query each, one row more to know whether its tab has more)
        found = {kind: list(_results(kind, q, user)[:n + 1]) for kind, n in PREVIEW.items()}
        ctx.update({kind: rows[:PREVIEW[kind]] for kind, rows in found.items()})
        ctx["more"] = {kind: len(rows) > PREVIEW[kind] for kind, rows in found.items()}
    elif q:
        ctx["page"] = page_of(request, _results(tab, q, user))
        ctx["pager_qs"] = urlencode({"q": q, "tab": tab}) + "&"
    return render(request, "web/search.html", ctx)
