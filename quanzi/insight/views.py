"""Dashboard pages (数据看板): the platform overview (operators), a community's dashboard (its owner and admins),
a KOL's own (the KOL), campaigns (operators), a segment's (who manages it); a date range and, for operators, a
community filter; every chart drawn with our ECharts, the metric's definition beside it; every table downloadable
as Excel or CSV; the whole dashboard's export and the lake refresh run as jobs with a progress bar.

Thin: `dashboards` decides who sees what and shapes the results; the metrics are the registry's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities import selectors as community_selectors
from quanzi.core.errors import DomainError, NotFound
from quanzi.core.pages import error_response
from quanzi.core.timeutil import SHANGHAI
from quanzi.insight import dashboard_jobs, dashboards, selectors
from quanzi.insight.errors import ErrorCode
from quanzi.orders import persona_selectors as order_reads
from quanzi.personas import selectors as persona_selectors

# dashboard name -> (title, metric groups)
BOARDS: dict[str, tuple[str, list[str]]] = {
    "platform": ("平台总览", ["overview", "content"]),
    "community": ("社群看板", ["overview", "community", "content"]),
    "kol": ("我的达人数据", ["kol"]),
    "campaign": ("活动效果", ["campaign"]),
}


def _uid(request: HttpRequest) -> int:
    return int(getattr(request.user, "pk", 0) or 0)


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _scope(request: HttpRequest, board: str, community_id: int | None = None) -> dict[str, Any]:
    """Check the viewer may open `board` (for this community) and say what its metrics run over."""
    user = request.user
    if board == "community":
        community = dashboards.community_for_dashboard(user=user, community_id=community_id or 0)
        return {"community": community, "community_id": community.pk, "kol_id": None}
    if board == "kol":
        dashboards.require_login(user)
        kol_id = _int(request.GET.get("kol")) if dashboards.is_operator(user) else None
        return {"community": None, "community_id": None, "kol_id": kol_id or user.pk}
    dashboards.require_operator(user)
    community_id = _int(request.GET.get("community"))
    community = community_selectors.community_by_id(community_id=community_id) if community_id else None
    return {"community": community, "community_id": community.pk if community else None, "kol_id": None}


def _board(request: HttpRequest, board: str, community_id: int | None = None) -> HttpResponse:
    try:
        scope = _scope(request, board, community_id)
        rng = dashboards.date_range(request.GET)
    except DomainError as exc:
        return error_response(request, exc)
    title, groups = BOARDS[board]
    panels = dashboards.panels(groups, rng=rng, community_id=scope["community_id"], kol_id=scope["kol_id"])
    return render(request, "insight/board.html", {
        "board": board, "title": _(title), "panels": panels, "rng": rng, **scope,
        "communities": _filter_communities(request) if board in ("platform", "campaign") else [],
        "path": request.path, "filter_query": _filter_query(rng, scope, board),
        "status": selectors.export_status() if dashboards.is_operator(request.user) else None, "nav": "me"})


def _filter_query(rng: dashboards.Range, scope: dict[str, Any], board: str) -> str:
    query = rng.query
    if board in ("platform", "campaign") and scope["community_id"]:
        query += f"&community={scope['community_id']}"
    return query


def _filter_communities(request: HttpRequest) -> list[Any]:
    return list(community_selectors.community_list(user=request.user)[:100])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Which dashboards this member can open."""
    return render(request, "insight/index.html", {
        "operator": dashboards.is_operator(request.user),
        "managed": persona_selectors.managed_communities(user=request.user), "nav": "me"})


@login_required
def platform(request: HttpRequest) -> HttpResponse:
    return _board(request, "platform")


@login_required
def community(request: HttpRequest, community_id: int) -> HttpResponse:
    return _board(request, "community", community_id)


@login_required
def kol(request: HttpRequest) -> HttpResponse:
    return _board(request, "kol")


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    return _board(request, "campaign")


@login_required
def segment(request: HttpRequest, segment_id: int) -> HttpResponse:
    """A segment's dashboard: who is in it now, what they spent and ordered in the range, their commonest tags."""
    try:
        seg = persona_selectors.segment_get(user=request.user, segment_id=segment_id)
        rng = dashboards.date_range(request.GET)
    except DomainError as exc:
        return error_response(request, exc)
    ids = persona_selectors.segment_member_ids(seg)
    since = dt.datetime.combine(rng.date_from, dt.time.min, tzinfo=SHANGHAI)
    until = dt.datetime.combine(rng.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    spend = order_reads.spend_by_buyer(since=since, until=until, user_ids=ids) if ids else {}
    gmv = sum(s.spend_fen for s in spend.values())
    orders = sum(s.orders for s in spend.values())
    tags = persona_selectors.tag_distribution(user_ids=ids)
    summary = dashboards.Panel(
        key="segment_summary", title=_("人群概况"), chart="number",
        definition=_("人数 = 现在符合条件的会员（关闭了相关标签的不计）；买家、订单、消费 = 所选日期内付款的订单，"
                     "消费为实付减退款。"),
        columns=["members", "buyers", "orders", "gmv_fen"],
        labels=[_("人数"), _("买家数"), _("订单数"), _("消费（分）")], rows=[[len(ids), len(spend), orders, gmv]])
    tag_panel = dashboards.Panel(
        key="segment_tags", title=_("人群标签分布"), chart="bar",
        definition=_("人群中拥有各标签的人数（只算会员没有关闭的标签，不含基本属性）。"),
        columns=["tag", "members"], labels=[_("标签"), _("人数")], rows=[[label, n] for label, n in tags],
        chart_data={"type": "bar", "x": [label for label, _n in tags],
                    "series": [{"name": _("人数"), "data": [n for _l, n in tags]}]})
    return render(request, "insight/board.html", {
        "board": "segment", "title": _("人群看板：%(n)s") % {"n": seg.name}, "panels": [summary, tag_panel],
        "rng": rng, "segment": seg, "path": request.path, "filter_query": rng.query, "nav": "me",
        "no_jobs": True})


# --- files --------------------------------------------------------------------------------------------------------


def _one_panel(request: HttpRequest, board: str, key: str, community_id: int | None) -> dashboards.Panel:
    scope = _scope(request, board, community_id)
    rng = dashboards.date_range(request.GET)
    metric = next((m for g in BOARDS[board][1] for m in selectors.metrics_for(g) if m.key == key), None)
    if metric is None:
        raise NotFound(ErrorCode.METRIC_NOT_FOUND, _("没有这个指标"))
    result = selectors.metric_result(key, date_from=rng.date_from, date_to=rng.date_to,
                                     community_id=scope["community_id"], kol_id=scope["kol_id"])
    return dashboards.panel(metric, result)


@login_required
def table_file(request: HttpRequest, board: str, key: str, fmt: str) -> HttpResponse:
    """One table as Excel (`xlsx`) or CSV (`csv`), with the same filters as the page."""
    if board not in BOARDS or fmt not in ("xlsx", "csv"):
        raise Http404
    try:
        p = _one_panel(request, board, key, _int(request.GET.get("community_id")))
    except DomainError as exc:
        return error_response(request, exc)
    name = f"{key}-{dashboards.stamp()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(dashboards.csv_bytes(p), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(dashboards.xlsx_bytes([p]), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- jobs with progress ----------------------------------------------------------------------------------------


@login_required
@require_POST
def job_export(request: HttpRequest, board: str) -> HttpResponse:
    """Start the export of a whole dashboard (every table, one workbook) as a job; answer its progress bar."""
    if board not in BOARDS:
        raise Http404
    try:
        scope = _scope(request, board, _int(request.POST.get("community_id")))
        rng = dashboards.date_range(request.POST)
    except DomainError as exc:
        return error_response(request, exc)
    title, groups = BOARDS[board]
    total = sum(len(selectors.metrics_for(g)) for g in groups)
    job_id = dashboard_jobs.job_new(kind="export", user_id=_uid(request), total=total, title=_(title))
    dashboard_jobs.dashboard_export(job_id, {
        "groups": groups, "from": rng.date_from.isoformat(), "to": rng.date_to.isoformat(),
        "community_id": scope["community_id"], "kol_id": scope["kol_id"]})
    return _job_fragment(request, job_id)


@login_required
@require_POST
def job_refresh(request: HttpRequest) -> HttpResponse:
    """Operators: bring the lake (the Parquet export the dashboards read) up to date, as a job."""
    try:
        dashboards.require_operator(request.user)
    except DomainError as exc:
        return error_response(request, exc)
    job_id = dashboard_jobs.job_new(kind="refresh", user_id=_uid(request), total=0, title=_("刷新数据"))
    dashboard_jobs.lake_refresh(job_id)
    return _job_fragment(request, job_id)


def _job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    job = dashboard_jobs.job_get(job_id) if job_id.isalnum() else None
    if job is None or job.get("user_id") != request.user.pk:
        raise Http404
    return job


def _job_fragment(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    total = int(job.get("total") or 0)
    percent = 100 if job["state"] == "done" else (int(100 * int(job.get("done") or 0) / total) if total else 0)
    return render(request, "insight/_job.html", {"job": job, "job_id": job_id, "percent": percent})


@login_required
def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    return _job_fragment(request, job_id)


@login_required
def job_download(request: HttpRequest, job_id: str) -> FileResponse:
    job = _job(request, job_id)
    if job.get("state") != "done" or not job.get("file"):
        raise Http404
    path = dashboard_jobs.exports_dir() / job["file"]
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"insight-{dashboards.stamp()}.xlsx")
