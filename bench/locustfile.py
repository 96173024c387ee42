"""A realistic day on quanzi for locust (run by bench/load.py; see docs/notes/load.md).

Every simulated user is a demo member (a bulk member of `load_demo`) signed in beforehand by bench/load.py: a
session cookie for the pages and a bearer token for the API (logging in is not part of the day: a demo member's
first login rehashes the password with production argon2). Part of the browsing is done as a visitor through a
second, cookie-less session. What the user does, by weight:

- browse 70 %: home page (member and visitor), the feed API, community pages (latest, hot), post pages, product
  pages, search (page and API);
- interact 15 %: like / favourite a post, comment on it, share it (all through the API), on posts of the
  communities the member joined;
- cart and checkout 10 %: add to the cart, look at the cart page, and the full purchase: checkout of one SKU with an
  idempotency key, a sandbox payment, the cashier page and its confirm (the sandbox bank's notification is then
  delivered by the job consumer);
- campaigns 5 %: the flash-sale page and a session's API, the group-buy campaigns, the coupon centre and a claim.

The demo data (ids of public posts, products with their SKUs, campaigns ...) is read from the JSON file named by
QUANZI_LOAD_DATA, written by bench/load.py from the database before the run.

Counting: an answer of 5xx, no answer, or a 401/403/404 (the scenario asked for something it should have been
allowed) is a failure. A 4xx with a JSON `{code}` (a business refusal: out of stock, already claimed, a limit)
is a success for locust and is counted by code in `refusals`, which bench/load.py prints.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections import Counter
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import HttpSession

DATA: dict[str, Any] = json.loads(open(os.environ["QUANZI_LOAD_DATA"], encoding="utf-8").read()) \
    if os.environ.get("QUANZI_LOAD_DATA") else {}
REFUSALS: Counter[str] = Counter()
_members = iter(DATA.get("members", []))
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.quitting.add_listener
def _write_refusals(environment: Any, **_kw: Any) -> None:
    out = os.environ.get("QUANZI_LOAD_REFUSALS")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(dict(REFUSALS), fh)


def _check(response: Any, name: str) -> None:
    """Mark the answer (inside `catch_response`) as described in the module docstring."""
    status = response.status_code
    if status and status < 400:
        response.success()
        return
    if status in (400, 409, 410, 422, 429):
        try:
            code = response.json().get("code", "")
        except ValueError:
            code = ""
        if code:
            REFUSALS[f"{name} {code}"] += 1
            response.success()
            return
    response.failure(f"HTTP {status}")


class DayUser(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.anon = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        member = next(_members, None) or random.choice(DATA["members"])
        self.client.cookies.set("sessionid", member["session"])
        self.auth = {"Authorization": f"Bearer {member['token']}"}
        self.joined_posts = member["posts"] or DATA["posts"]
        self.address_id = None

    # --- helpers ---------------------------------------------------------------------------------------------

    def api(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        with self.client.request(method, path, headers=self.auth, name=name, catch_response=True,
                                 **kwargs) as response:
            _check(response, name)
            return response

    def page(self, path: str, name: str, *, anonymous: bool = False) -> Any:
        client = self.anon if anonymous else self.client
        with client.get(path, name=name, catch_response=True) as response:
            _check(response, name)
            return response

    @staticmethod
    def pick(key: str) -> Any:
        return random.choice(DATA[key])

    # --- browse: 70 ------------------------------------------------------------------------------------------

    @task(12)
    def home_member(self) -> None:
        self.page("/", "/ (member)")

    @task(8)
    def home_visitor(self) -> None:
        self.page("/", "/ (visitor)", anonymous=True)

    @task(10)
    def feed_api(self) -> None:
        self.api("GET", "/api/v1/content/feed", "/api/v1/content/feed")

    @task(5)
    def community_member(self) -> None:
        self.page(f"/c/{self.pick('communities')}/", "/c/[slug]/ (member)")

    @task(4)
    def community_hot_visitor(self) -> None:
        self.page(f"/c/{self.pick('communities')}/?order=hot", "/c/[slug]/?order=hot (visitor)", anonymous=True)

    @task(8)
    def post_member(self) -> None:
        self.page(f"/p/{self.pick('posts')}/", "/p/[id]/ (member)")

    @task(5)
    def post_visitor(self) -> None:
        self.page(f"/p/{self.pick('posts')}/", "/p/[id]/ (visitor)", anonymous=True)

    @task(6)
    def product(self) -> None:
        self.page(f"/shop/p/{self.pick('products')['id']}/", "/shop/p/[id]/")

    @task(5)
    def search_page(self) -> None:
        self.page(f"/search/?q={self.pick('search_words')}", "/search/?q=")

    @task(4)
    def search_api(self) -> None:
        self.api("GET", f"/api/v1/content/search?q={self.pick('search_words')}", "/api/v1/content/search")

    @task(3)
    def hot_api_visitor(self) -> None:
        with self.anon.get("/api/v1/content/feed", name="/api/v1/content/feed (visitor)",
                           catch_response=True) as response:
            _check(response, "/api/v1/content/feed (visitor)")

    # --- interact: 15 ----------------------------------------------------------------------------------------

    @task(7)
    def like(self) -> None:
        self.api("POST", f"/api/v1/content/posts/{random.choice(self.joined_posts)}/reactions/like",
                 "/api/v1/content/posts/[id]/reactions/like")

    @task(2)
    def favourite(self) -> None:
        self.api("POST", f"/api/v1/content/posts/{random.choice(self.joined_posts)}/reactions/favourite",
                 "/api/v1/content/posts/[id]/reactions/favourite")

    @task(4)
    def comment(self) -> None:
        self.api("POST", f"/api/v1/content/posts/{random.choice(self.joined_posts)}/comments",
                 "/api/v1/content/posts/[id]/comments",
                 json={"body": random.choice(["写得真好，收藏了", "同款已入，好用", "请问在哪里买的？", "打卡学习"])})

    @task(2)
    def share(self) -> None:
        self.api("POST", f"/api/v1/content/posts/{random.choice(self.joined_posts)}/shares", "/api/v1/content/posts/[id]/shares",
                 json={"channel": "link"})

    # --- cart and checkout: 10 -------------------------------------------------------------------------------

    @task(4)
    def add_to_cart(self) -> None:
        self.api("POST", "/api/v1/orders/cart/items", "/api/v1/orders/cart/items",
                 json={"sku_id": self.pick("products")["sku_id"], "quantity": 1})

    @task(2)
    def cart_page(self) -> None:
        self.page("/cart/", "/cart/")

    @task(4)
    def checkout_and_pay(self) -> None:
        if self.address_id is None:
            answer = self.api("POST", "/api/v1/orders/addresses", "/api/v1/orders/addresses",
                              json={"name": "压测买家", "phone": "13912345678", "province": "浙江省",
                                    "city": "杭州市", "district": "西湖区", "detail": "文三路 100 号",
                                    "is_default": True})
            if answer.status_code != 201:
                return
            self.address_id = answer.json()["id"]
        product = self.pick("products")
        placed = self.api("POST", "/api/v1/orders/checkout", "/api/v1/orders/checkout",
                          json={"address_id": self.address_id, "idempotency_key": uuid.uuid4().hex,
                                "items": [{"sku_id": product["sku_id"], "quantity": 1}]})
        if placed.status_code != 201:
            return
        for order in placed.json()["orders"]:
            payment = self.api("POST", "/api/v1/payments/", "/api/v1/payments/",
                               json={"order_id": order["id"], "gateway": "sandbox"})
            if payment.status_code != 201:
                continue
            path = f"/pay/sandbox/{payment.json()['payment_no']}/"
            cashier = self.page(path, "/pay/sandbox/[no]/ (page)")
            token = _CSRF.search(cashier.text or "")
            with self.client.post(path, data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                                  headers={"Referer": f"{self.host}{path}"}, name="/pay/sandbox/[no]/ (confirm)",
                                  catch_response=True, allow_redirects=False) as response:
                _check(response, "/pay/sandbox/[no]/ (confirm)")

    # --- campaigns: 5 ----------------------------------------------------------------------------------------

    @task(1)
    def flashsale_page(self) -> None:
        self.page("/flashsale/", "/flashsale/")

    @task(1)
    def flashsale_session(self) -> None:
        sessions = DATA.get("flash_sessions") or []
        if sessions:
            self.api("GET", f"/api/v1/growth/flashsale/sessions/{random.choice(sessions)}",
                     "/api/v1/growth/flashsale/sessions/[id]")
        else:
            self.api("GET", "/api/v1/growth/flashsale/sessions", "/api/v1/growth/flashsale/sessions")

    @task(1)
    def groupbuy(self) -> None:
        self.api("GET", "/api/v1/growth/groupbuy/campaigns", "/api/v1/growth/groupbuy/campaigns")

    @task(1)
    def coupon_centre(self) -> None:
        self.page("/coupons/", "/coupons/")

    @task(1)
    def coupon_claim(self) -> None:
        templates = DATA.get("coupon_templates") or []
        if templates:
            self.api("POST", f"/api/v1/growth/coupons/templates/{random.choice(templates)}/claim",
                     "/api/v1/growth/coupons/templates/[id]/claim")
        else:
            self.api("GET", "/api/v1/growth/coupons/claimable", "/api/v1/growth/coupons/claimable")
