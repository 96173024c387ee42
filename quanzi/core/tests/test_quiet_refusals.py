"""core.request_id.QuietRefusalFilter on django.request: a 4xx an endpoint marked as an expected refusal is an INFO
line (written only when the root logger shows INFO); any other 4xx stays a WARNING and every 5xx an ERROR."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from quanzi.core.request_id import quiet_refusal


def _logged(caplog: pytest.LogCaptureFixture, status: int, *, quiet: bool) -> list[str]:
    request = RequestFactory().post("/api/v1/anything")
    if quiet:
        quiet_refusal(request)
    caplog.clear()
    log_response("%s: %s", "Refused", request.path, response=HttpResponse(status=status), request=request)
    return [r.levelname for r in caplog.records if r.name == "django.request"]


def test_a_marked_4xx_is_info_and_hidden_at_warning(caplog):
    caplog.set_level(logging.WARNING)
    assert _logged(caplog, 409, quiet=True) == []
    assert _logged(caplog, 429, quiet=True) == []
    caplog.set_level(logging.INFO)
    assert _logged(caplog, 409, quiet=True) == ["INFO"]


def test_unmarked_4xx_and_every_5xx_stay_loud(caplog):
    caplog.set_level(logging.WARNING)
    assert _logged(caplog, 409, quiet=False) == ["WARNING"]
    assert _logged(caplog, 400, quiet=False) == ["WARNING"]
    assert _logged(caplog, 500, quiet=True) == ["ERROR"]
    assert _logged(caplog, 503, quiet=False) == ["ERROR"]
