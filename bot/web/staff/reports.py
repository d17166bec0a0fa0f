"""The reports page: every table with a caption and a CSV download, filtered by
referral date and borough (of her postcode); charts beside the tables."""

from __future__ import annotations

import re

from sanic import Blueprint, response
from sanic.exceptions import NotFound

from bot.db.session import run_db, session_scope
from bot.staff.report_tables import table_csv
from bot.staff.reports import ReportFilters, boroughs, build_report, parse_filters
from bot.web.staff.charts import grouped_bars, horizontal_bars
from bot.web.staff.render import page
from bot.web.staff.security import staff_only

bp = Blueprint("staff_reports")


def _report(filters: ReportFilters):
    with session_scope() as session:
        return build_report(session, filters), boroughs(session)


def _filters(request) -> tuple[ReportFilters, list[str]]:
    return parse_filters({key: request.args.get(key) or "" for key in ("from", "to", "borough")})


@bp.get("/reports", name="reports")
@staff_only()
async def reports(request):
    filters, errors = _filters(request)
    report, known = await run_db(_report, filters)
    charts = [
        grouped_bars("Referrals by pathway and month", report.months, report.by_pathway_month),
        horizontal_bars("Engagement by pathway (% of referrals)", report.engagement_chart, unit="%"),
        horizontal_bars("Needs profile (% of referrals naming each)", report.needs_chart, unit="%"),
    ]
    return page(
        request,
        "reports.html",
        report=report,
        charts=charts,
        filters=filters,
        query=filters.query(),
        boroughs=known,
        errors=errors,
    )


def _filename(key: str, filters: ReportFilters) -> str:
    parts = ["elpis", key.replace("_", "-"), filters.start.isoformat() if filters.start else "", ""]
    parts[3] = filters.end.isoformat() if filters.end else ""
    if filters.borough:
        parts.append(filters.borough)
    name = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") + ".csv"  # a header-safe name


@bp.get(r"/reports/<name:[a-z_]+\.csv>", name="report_csv")
@staff_only()
async def report_csv(request, name: str):
    key = name.removesuffix(".csv")
    filters, _ = _filters(request)
    report, _known = await run_db(_report, filters)
    table = report.table(key)
    if table is None:
        raise NotFound("That report table was not found.")
    return response.text(
        table_csv(table),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(key, filters)}"'},
    )
