"""The page shown when a page view fails: no traceback, no settings, a request id to quote to an operator.

Rendered without the site's context processors or base template on purpose: those read the database, and the
error may be that the database is gone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

from quanzi.core.request_id import request_id_of


def server_error(request: HttpRequest) -> HttpResponseServerError:
    html = loader.get_template("core/500.html").render({"request_id": request_id_of(request)})
    return HttpResponseServerError(html)
