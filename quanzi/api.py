"""The JSON API under /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DataError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from quanzi.accounts.api import router as accounts_router
from quanzi.ads.api import router as ads_router
from quanzi.aftersales.api import router as aftersales_router
from quanzi.api_contract import ContractOpenAPISchema, build_schema, operation_id
from quanzi.api_errors import error_codes_markdown
from quanzi.catalog.api import router as catalog_router
from quanzi.chat.api import router as chat_router
from quanzi.communities.api import router as communities_router
from quanzi.content.api import router as content_router
from quanzi.core.errors import DomainError
from quanzi.core.request_id import request_id_of
from quanzi.core.schema import FORM_CONTENT_TYPES, INVALID_CHARACTERS
from quanzi.core.urlgroups import grouped
from quanzi.growth.coupons.api import router as coupons_router
from quanzi.growth.flashsale.api import router as flashsale_router
from quanzi.growth.groupbuy.api import router as groupbuy_router
from quanzi.growth.redpackets.api import router as redpackets_router
from quanzi.kolmarket.api import router as kolmarket_router
from quanzi.live.api import router as live_router
from quanzi.loyalty.lotteries.api import router as lotteries_router
from quanzi.loyalty.membership.api import router as membership_router
from quanzi.loyalty.points.api import router as points_router
from quanzi.loyalty.tasks.api import router as tasks_router
from quanzi.malls.api import router as malls_router
from quanzi.notify.api import router as notify_router
from quanzi.orders.api import router as orders_router
from quanzi.paidcontent.api import router as paidcontent_router
from quanzi.payments.api import router as payments_router
from quanzi.personas.api import router as personas_router
from quanzi.privacy.api import router as privacy_router
from quanzi.recommend.api import router as recommend_router
from quanzi.referrals.distribution.api import router as distribution_router
from quanzi.referrals.invites.api import router as invites_router
from quanzi.settlements.api import router as settlements_router
from quanzi.wxlogin.api import router as wxlogin_router

logger = logging.getLogger("quanzi.api")


class JsonOrFormParser(Parser):
    """JSON bodies as usual; an empty body or a form post (what a bare `curl -X POST` or a test client sends)
    means "these form fields", not a JSON syntax error."""

    def parse_body(self, request: HttpRequest) -> Any:
        content_type = request.META.get("CONTENT_TYPE", "")
        if not request.body.strip():
            return {}
        if content_type.startswith(FORM_CONTENT_TYPES):  # its values are strings: see quanzi/core/schema.py
            return request.POST.dict()
        return super().parse_body(request)


class GroupedNinjaAPI(NinjaAPI):
    """Its operations nested by path prefix (core/urlgroups.py): a request is resolved through a few prefixes
    instead of trying each of ~250 paths in turn."""

    def _get_urls(self) -> list[Any]:
        return grouped(super()._get_urls())

    # The published contract (quanzi/api_contract.py): readable operation ids, ASCII tags, unique schema names,
    # anonymous access declared, every error status documented with the {code, message} body.
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> ContractOpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return build_schema(self, path_prefix)

    def get_openapi_operation_id(self, operation: Any) -> str:
        return operation_id(operation)


api = GroupedNinjaAPI(
    parser=JsonOrFormParser(),
    title="quanzi 圈子 API",
    version="1.0",
    description="社群电商平台 API。错误统一返回 HTTP 状态码 + {code, message}；列表均分页（page, page_size）。"
    + error_codes_markdown(),
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"code": exc.code, "message": str(exc.message)}
    if exc.details:
        body["details"] = exc.details  # type: ignore[assignment]
    response = api.create_response(request, body, status=exc.status)
    for header, value in exc.headers.items():  # e.g. Retry-After on a 429
        response[header] = value
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if any(error.get("type") == INVALID_CHARACTERS for error in exc.errors):  # quanzi.core.schema
        return api.create_response(request, {"code": INVALID_CHARACTERS, "message": _("文本包含不允许的控制字符"),
                                             "details": exc.errors}, status=422)
    return api.create_response(
        request, {"code": "invalid_input", "message": _("请求参数有误"), "details": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "not_authenticated", "message": _("请先登录")}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": _("内容不存在")}, status=404)


def _is_nul_error(exc: Exception) -> bool:
    """A DataError about a NUL character or a byte sequence the database cannot store: psycopg refuses NUL in
    text ("PostgreSQL text fields cannot contain NUL (0x00) bytes"), PostgreSQL answers SQLSTATE 22021
    (invalid byte sequence, e.g. 0x00) or 22P05 (untranslatable character)."""
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return isinstance(exc, DataError) and ("NUL" in str(exc) or "0x00" in str(exc) or sqlstate in ("22021", "22P05"))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _number_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Services bound the numbers they know; this is the net for any other value too large for a database column.
    # The service's transaction has already rolled back, so nothing is half-written.
    if _is_nul_error(exc):  # a NUL that got past the input schemas (a query or path parameter): not a number
        return api.create_response(request, {"code": INVALID_CHARACTERS, "message": _("文本包含不允许的控制字符")},
                                   status=400)
    return api.create_response(request, {"code": "number_out_of_range", "message": _("数值超出允许范围")},
                               status=400)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, {"code": "invalid_multipart", "message": _("上传的表单数据格式不正确")},
                               status=400)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Never a traceback to the client, whatever DEBUG says: the log has it under the same request id.
    rid = request_id_of(request)
    logger.error("API error %s %s", request.method, request.path, exc_info=exc, extra={"request_id": rid})
    body = {"code": "server_error", "message": _("服务器出错了，请稍后再试（请求编号 %(rid)s）") % {"rid": rid},
            "request_id": rid}
    return api.create_response(request, body, status=500)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(request, {"code": "invalid_json", "message": _("请求体不是有效的 JSON")},
                                   status=400)
    return api.create_response(request, {"code": "http_error", "message": str(exc)}, status=exc.status_code)


@api.get("/health", tags=["health"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness for load balancers and the benchmarks: the process answers and the database does (one `SELECT 1`).
    A database that does not answer gives 500 `server_error`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


api.add_router("/accounts", accounts_router)
api.add_router("/wxlogin", wxlogin_router)
api.add_router("/communities", communities_router)
api.add_router("/content", content_router)
api.add_router("/catalog", catalog_router)
api.add_router("/orders", orders_router)
api.add_router("/payments", payments_router)
api.add_router("/aftersales", aftersales_router)
api.add_router("/settlements", settlements_router)
api.add_router("/growth/flashsale", flashsale_router)
api.add_router("/growth/coupons", coupons_router)
api.add_router("/growth/groupbuy", groupbuy_router)
api.add_router("/growth/redpackets", redpackets_router)
api.add_router("/loyalty/points", points_router)
api.add_router("/loyalty/membership", membership_router)
api.add_router("/paid", paidcontent_router)
api.add_router("/loyalty/tasks", tasks_router)
api.add_router("/loyalty/lotteries", lotteries_router)
api.add_router("/referrals/invites", invites_router)
api.add_router("/referrals/distribution", distribution_router)
api.add_router("/live", live_router)
api.add_router("/personas", personas_router)
api.add_router("/recommend", recommend_router)
api.add_router("/chat", chat_router)
api.add_router("/notify", notify_router)
api.add_router("/privacy", privacy_router)
api.add_router("/ads", ads_router)
api.add_router("/kolmarket", kolmarket_router)
api.add_router("/malls", malls_router)
