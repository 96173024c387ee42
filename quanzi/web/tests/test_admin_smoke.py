"""Every back-office page an operator can open renders (in Chinese), on the demo's kind of data, and reads as an
operator expects: labels instead of status codes, names instead of "object (N)", money in yuan, not fen."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client

from quanzi.accounts.models import User

pytestmark = pytest.mark.django_db

YUAN = re.compile(r"^(-?¥\d+\.\d{2}|-|)$")
FEN_CELL = re.compile(r"\bfield-\w+_fen\b")


class _Page(HTMLParser):
    """The visible text of an admin page, and the text / input values of its money cells (`field-*_fen`)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.money: list[tuple[str, str]] = []  # (cell class, text or input value)
        self._skip = 0
        self._cells: list[list] = []  # open money cells: [class, depth, text]
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            if tag == "input" and self._cells and a.get("type") in ("text", "number", None):
                self.money.append((self._cells[-1][0], a.get("value") or ""))
                self._cells[-1][3] = True
            return
        self._depth += 1
        cls = a.get("class") or ""
        match = FEN_CELL.search(cls)
        if match:
            self._cells.append([match.group(0), self._depth, "", False])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip -= 1
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if self._cells and self._cells[-1][1] == self._depth:
            cls, _d, text, has_input = self._cells.pop()
            if not has_input:
                self.money.append((cls, text.strip()))
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cells:
            self._cells[-1][2] += data


def _status_codes() -> set[str]:
    """Every code a status field stores (pending_payment, return_shipped …), found by its choices. (Event names
    and task codes are identifiers the operator works with, so other fields' codes are not counted.)"""
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("quanzi."):
            continue
        for f in model._meta.fields:
            if f.choices and isinstance(f, models.CharField) and f.name.endswith("status"):
                codes |= {str(v) for v, _label in f.flatchoices if re.fullmatch(r"[a-z]+_[a-z_]+", str(v))}
    return codes


def _problems(url: str, html: str, codes: set[str]) -> list[str]:
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    found = []
    if "object (" in text:
        at = text.index("object (")
        found.append(f"{url}: shows “{' '.join(text[max(0, at - 30):at + 12].split())}”")
    words = set(re.findall(r"[a-z][a-z_]+", text))
    raw = sorted(words & codes)
    if raw:
        found.append(f"{url}: raw codes {raw}")
    for cls, cell in page.money:
        value = cell.split()[-1] if cell.split() else ""  # a form row's label comes first, its value last
        if not (YUAN.match(value) or re.fullmatch(r"-?\d+\.\d{2}", value)):
            found.append(f"{url}: {cls} shows {value!r}, not yuan")
    return found


@pytest.fixture
def operator_client() -> Client:
    op = User.objects.create_superuser(email="ops@example.com", password="ops-pass-123", nickname="运营")
    c = Client()
    c.force_login(op)
    return c


def test_every_admin_changelist_and_form_renders(operator_client):
    from quanzi.web.demo.build import build

    build(members=30, posts=40, orders=20, log=lambda _line: None)
    index = operator_client.get("/admin/")
    html = index.content.decode()
    assert index.status_code == 200 and "运营管理" in html
    assert "<strong>运营</strong>" in html  # the greeting names the operator
    codes = _status_codes()
    assert "pending_payment" in codes
    problems: list[str] = []
    opened = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        r = operator_client.get(base)
        assert r.status_code == 200, f"{base}: {r.status_code}"
        problems += _problems(base, r.content.decode(), codes)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            r = operator_client.get(f"{base}{first.pk}/change/")
            assert r.status_code == 200, f"{base}{first.pk}/change/: {r.status_code}"
            problems += _problems(f"{base}{first.pk}/change/", r.content.decode(), codes)
        if model_admin.has_add_permission(r.wsgi_request):
            r = operator_client.get(f"{base}add/")
            assert r.status_code == 200, f"{base}add/: {r.status_code}"
        opened += 1
    assert opened >= 30
    assert not problems, "\n".join(problems)


def test_the_checker_catches_what_it_looks_for():
    codes = {"pending_payment"}
    bad = ('<table><tr><td class="field-payable_fen">12280</td><td class="field-status">pending_payment</td>'
           '<td class="field-__str__">CheckoutSession object (461)</td></tr></table>')
    found = "\n".join(_problems("/x/", bad, codes))
    assert "12280" in found and "pending_payment" in found and "object (" in found
    good = ('<table><tr><td class="field-payable_fen">¥122.80</td><td class="field-status">待付款</td></tr></table>'
            '<div class="form-row field-price_fen"><input type="text" name="price_fen" value="12.80"></div>'
            '<a href="?status__exact=pending_payment">待付款</a>')
    assert _problems("/x/", good, codes) == []
