"""What the dashboard pages show: who may open which dashboard, the date range and filters a request asks for, each
metric's result turned into a panel (a chart's JSON for ECharts, a table, or figures), Chinese column labels, and
the Excel / CSV files of a table (every cell through `core.exports.safe_row`: formula injection closed).

The metrics themselves are the registry's (`insight.metrics`, run by `selectors.metric_result`); this module only
presents them. Authorization: operators see every dashboard; a community's owner and admins (`view_insight`) see
that community's (404 when they may not even see it, 403 otherwise); a KOL sees only their own KOL dashboard; a
segment's dashboard is for those who manage the segment (personas)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from quanzi.communities import selectors as community_selectors
from quanzi.communities.errors import ErrorCode as CommunitiesCode
from quanzi.core.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from quanzi.core.exports import safe_row
from quanzi.core.timeutil import local_today
from quanzi.insight import selectors as insight_selectors
from quanzi.insight.errors import ErrorCode
from quanzi.insight.metrics import Metric

MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 30

# What the dashboards call the metrics' columns (the SQL names them in English); an unknown one shows as is.
COLUMN_LABELS: dict[str, Any] = {
    "day": gettext_lazy("日期"), "dau": gettext_lazy("日活"), "wau": gettext_lazy("周活"), "mau": gettext_lazy("月活"),
    "stickiness": gettext_lazy("粘性"), "new_users": gettext_lazy("新用户"),
    "returning_users": gettext_lazy("老用户"), "users": gettext_lazy("用户数"), "step": gettext_lazy("步骤"),
    "step_no": gettext_lazy("序号"), "rate_from_previous": gettext_lazy("较上一步转化率"),
    "rate_from_first": gettext_lazy("较首步转化率"), "drop_off": gettext_lazy("流失人数"),
    "orders": gettext_lazy("订单数"), "gmv_fen": gettext_lazy("成交额（分）"), "aov_fen": gettext_lazy("客单价（分）"),
    "buyers": gettext_lazy("买家数"), "refunded_fen": gettext_lazy("退款额（分）"),
    "refund_rate": gettext_lazy("退款率"), "refund_order_rate": gettext_lazy("退款订单率"),
    "repurchase_rate": gettext_lazy("复购率"), "repeat_buyers": gettext_lazy("复购人数"),
    "interval_days_median": gettext_lazy("复购间隔中位数（天）"),
    "interval_days_mean": gettext_lazy("复购间隔平均（天）"), "predicted_next_day": gettext_lazy("预计下次购买日"),
    "expected_interval_days": gettext_lazy("预计间隔（天）"), "last_paid_day": gettext_lazy("最近付款日"),
    "recency_days": gettext_lazy("最近一次距今（天）"), "frequency": gettext_lazy("频次"),
    "monetary_fen": gettext_lazy("金额（分）"), "segment": gettext_lazy("分层"), "revenue_fen": gettext_lazy("收入（分）"),
    "line": gettext_lazy("收入项"), "community_id": gettext_lazy("社群ID"), "members": gettext_lazy("成员数"),
    "active_members": gettext_lazy("活跃成员"), "active_ratio": gettext_lazy("活跃占比"),
    "posts_per_member": gettext_lazy("人均发帖"), "interactions_per_member": gettext_lazy("人均互动"),
    "member_to_member": gettext_lazy("成员间回复"), "owner_member": gettext_lazy("群主与成员回复"),
    "horizontal_ratio": gettext_lazy("横向关系比"), "joined": gettext_lazy("新加入"), "churned": gettext_lazy("流失"),
    "first_answer_hours": gettext_lazy("提问首答（小时）"), "health_score": gettext_lazy("健康分"),
    "category_id": gettext_lazy("类目ID"), "community_fen": gettext_lazy("本群成交（分）"),
    "platform_fen": gettext_lazy("平台成交（分）"), "community_share": gettext_lazy("本群占比"),
    "platform_share": gettext_lazy("平台占比"), "kol_id": gettext_lazy("达人ID"), "reach": gettext_lazy("触达"),
    "clicks": gettext_lazy("点击"), "interactions": gettext_lazy("互动"), "new_followers": gettext_lazy("新增粉丝"),
    "commission_fen": gettext_lazy("佣金（分）"), "roi": gettext_lazy("投入产出比"), "post_id": gettext_lazy("帖子ID"),
    "views": gettext_lazy("浏览"), "click_rate": gettext_lazy("点击率"), "order_rate": gettext_lazy("下单率"),
    "campaign": gettext_lazy("活动"), "conversion": gettext_lazy("转化率"), "visitors": gettext_lazy("访客"),
    "payers": gettext_lazy("付款人数"), "invitations": gettext_lazy("邀请码数"),
    "invited_joins": gettext_lazy("受邀加入"), "invite_conversion": gettext_lazy("邀请转化率"),
    "k_factor": gettext_lazy("K 因子"), "inviters": gettext_lazy("邀请人数"), "cohort_day": gettext_lazy("首访日"),
    "cohort_week": gettext_lazy("首访周"), "week_n": gettext_lazy("第 N 周"), "d1": gettext_lazy("次日留存"),
    "d7": gettext_lazy("7 日留存"), "d30": gettext_lazy("30 日留存"), "rate": gettext_lazy("比率"),
    "gmv_per_1000_reach_fen": gettext_lazy("千次触达成交（分）"),
    "kol_commission_fen": gettext_lazy("达人佣金（分）"),
}


def column_label(name: str) -> str:
    return str(COLUMN_LABELS.get(name, name))


# --- who may see what ---------------------------------------------------------------------------------------------


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def require_login(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def require_operator(user: Any) -> None:
    require_login(user)
    if not is_operator(user):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED, _("仅平台运营人员可以查看"))


def community_for_dashboard(*, user: Any, community_id: int) -> Any:
    """The community, when the viewer may open its dashboard: an operator, or its owner or an admin."""
    require_login(user)
    community = community_selectors.community_by_id(community_id=community_id)
    if community is None:
        raise NotFound(CommunitiesCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    if not is_operator(user):
        community_selectors.require_perm(user=user, community=community, perm="view_insight")
    return community


# --- the request's filters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    date_from: dt.date
    date_to: dt.date

    @property
    def query(self) -> str:
        return f"from={self.date_from.isoformat()}&to={self.date_to.isoformat()}"


def _date(raw: str | None, label: str) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(ErrorCode.INVALID_DATE, _("%(f)s须为日期，如 2026-11-01") % {"f": label}) from None


def date_range(params: Any) -> Range:
    """`from` / `to` (both days included), the last 30 days by default; refused when reversed or over a year."""
    today = local_today()
    date_to = _date(params.get("to"), _("结束日期")) or today
    date_from = _date(params.get("from"), _("开始日期")) or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise InvalidInput(ErrorCode.INVALID_DATE, _("开始日期不能晚于结束日期"))
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise InvalidInput(ErrorCode.INVALID_DATE, _("日期范围最长 %(n)s 天") % {"n": MAX_RANGE_DAYS})
    return Range(date_from, date_to)


# --- panels -------------------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value JSON and a spreadsheet both take: dates as ISO text, Decimals as floats (ratios, never money:
    money columns are integer fen)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class Panel:
    key: str
    title: str
    definition: str
    chart: str
    columns: list[str]
    labels: list[str]
    rows: list[list[Any]]
    chart_data: dict[str, Any] = field(default_factory=dict)

    @property
    def figures(self) -> list[tuple[str, Any]]:
        """A 'number' metric's one row as (label, value) pairs."""
        return list(zip(self.labels, self.rows[0], strict=False)) if self.rows else []


def _chart_data(metric: Metric, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    labels = [column_label(c) for c in columns]
    if metric.chart in ("line", "bar") and columns:
        numeric = [i for i in range(1, len(columns))
                   if all(isinstance(r[i], int | float) or r[i] is None for r in rows)]
        return {"type": metric.chart, "x": [r[0] for r in rows],
                "series": [{"name": labels[i], "data": [r[i] for r in rows]} for i in numeric]}
    if metric.chart == "funnel" and "users" in columns:
        i_users = columns.index("users")
        i_step = columns.index("step") if "step" in columns else 0
        return {"type": "funnel", "steps": [{"name": str(STEP_LABELS.get(r[i_step], r[i_step])),
                                             "value": r[i_users] or 0} for r in rows]}
    if metric.chart == "heatmap" and len(columns) >= 3:
        xs = sorted({r[1] for r in rows}, key=str)
        ys = sorted({r[0] for r in rows}, key=str)
        return {"type": "heatmap", "x": [str(x) for x in xs], "y": [str(y) for y in ys],
                "cells": [[xs.index(r[1]), ys.index(r[0]), r[2]] for r in rows], "name": labels[2]}
    return {}


STEP_LABELS = {"visit": gettext_lazy("访问"), "product": gettext_lazy("浏览商品"), "cart": gettext_lazy("加购"),
               "order": gettext_lazy("下单"), "paid": gettext_lazy("付款")}


def panel(metric: Metric, result: insight_selectors.MetricResult) -> Panel:
    rows = [[_plain(v) for v in r] for r in result.rows]
    columns = list(result.columns)
    return Panel(key=metric.key, title=str(metric.title), definition=str(metric.definition), chart=metric.chart,
                 columns=columns, labels=[column_label(c) for c in columns], rows=rows,
                 chart_data=_chart_data(metric, columns, rows))


def panels(groups: list[str], *, rng: Range, community_id: int | None = None,
           kol_id: int | None = None) -> list[Panel]:
    """Every metric of these dashboard groups over the range, on one DuckDB connection."""
    metrics = [m for g in groups for m in insight_selectors.metrics_for(g)]
    if not metrics:
        return []
    con = insight_selectors.connect()
    try:
        return [panel(m, insight_selectors.metric_result(m.key, date_from=rng.date_from, date_to=rng.date_to,
                                                         community_id=community_id, kol_id=kol_id, con=con))
                for m in metrics]
    finally:
        con.close()


# --- files --------------------------------------------------------------------------------------------------------


def xlsx_bytes(sheets: list[Panel]) -> bytes:
    """One sheet per panel: its title and definition, the Chinese header, the rows (formula injection escaped)."""
    wb = Workbook()
    wb.remove(wb.active)
    for p in sheets:
        ws = wb.create_sheet(title=_sheet_title(p, wb.sheetnames))
        ws.append(safe_row([p.title]))
        ws.append(safe_row([p.definition]))
        ws.append(safe_row(p.labels))
        for row in p.rows:
            ws.append(safe_row(row))
    if not wb.sheetnames:
        wb.create_sheet(title="-")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(p: Panel, taken: list[str]) -> str:
    base = "".join(ch for ch in p.title if ch not in "[]:*?/\\")[:28] or p.key[:28]
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}{n}", n + 1
    return title


def csv_bytes(p: Panel) -> bytes:
    """UTF-8 with a BOM (Excel on Windows reads it as UTF-8), the Chinese header, cells escaped."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(safe_row(p.labels))
    for row in p.rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M%S")
