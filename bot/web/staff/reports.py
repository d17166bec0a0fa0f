"""The reports page: referrals by pathway and month, engagement, needs, time in support, alerts."""

from __future__ import annotations

from sanic import Blueprint

from bot.db.session import run_db, session_scope
from bot.staff.reports import build_report
from bot.web.staff.charts import grouped_bars, horizontal_bars
from bot.web.staff.render import page
from bot.web.staff.security import staff_only

bp = Blueprint("staff_reports")


def _report():
    with session_scope() as session:
        return build_report(session)


@bp.get("/reports", name="reports")
@staff_only()
async def reports(request):
    report = await run_db(_report)
    charts = [
        grouped_bars("Referrals by pathway and month", report.months, report.by_pathway_month),
        horizontal_bars("Top needs (referrals naming each)", report.top_needs),
        horizontal_bars("Time in support: closed cases", report.support_closed),
        horizontal_bars("Time in support so far: open cases", report.support_open),
        horizontal_bars("Alerts by reason", report.alerts_by_reason),
    ]
    if report.engagement:
        charts.insert(
            1,
            horizontal_bars(
                "Engagement (% of referrals)",
                [(label, round(100 * n / of) if of else 0) for label, n, of in report.engagement],
                unit="%",
            ),
        )
    return page(request, "reports.html", report=report, charts=charts)
