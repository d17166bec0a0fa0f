"""Figures for the reports page (commissioners): tables of counts with percentages,
each also a CSV download, charted by the web layer.

Every table counts the referrals made in the date range (her referral date, in
London time) whose borough is the one chosen: the borough of her postcode
(stored in clear on the referral), not of the centre she met at. Appointments,
needs, re-arrests, outcome readings and survey answers (bot/staff/outcome_report.py) are
those of the referrals counted; alerts are those raised in the range (with a borough: only
alerts about a referral in it).

Aggregated in Python from narrow selects: the service has thousands of
referrals, not millions, and this stays identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.dates import london
from bot.db.models import Alert, CoverageBorough, Need, Pathway, Referral, ReferralNeed
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from bot.db.types import utcnow
from bot.staff.outcome_report import one_place, outcome_change, survey_results
from bot.staff.report_tables import Cell, Pct, Table

# (key, label): "other" are self-referrals that named police contact other than a caution.
PATHWAYS = [
    ("caution", "Police caution"),
    ("self", "Self-referral"),
    ("other", "Other police contact"),
]
NEED_NAMES = {
    Need.ACCOMMODATION: "Accommodation",
    Need.EDUCATION_EMPLOYMENT: "Education, training and employment",
    Need.HEALTH: "Health (including mental health)",
    Need.DRUGS_ALCOHOL: "Drugs and alcohol",
    Need.FINANCE: "Finance, benefit and debt",
    Need.CHILDREN_FAMILIES: "Children and families",
    Need.ATTITUDES: "Attitudes, thinking and behaviour",
    Need.ABUSE: "Abuse and domestic violence",
    Need.SEX_WORK: "Sex work",
}
# The three needs the service's evaluation reports together (health covers mental health).
TRIAD = {Need.HEALTH, Need.ABUSE, Need.DRUGS_ALCOHOL}
SUPPORT_BUCKETS = [("Under 3 months", 91), ("3-6 months", 182), ("6-12 months", 365), ("Over 12 months", None)]
KIND_NAMES = {
    AppointmentKind.ASSESSMENT: "First meeting (assessment)",
    AppointmentKind.MANDATORY_1: "Caution meeting 1",
    AppointmentKind.MANDATORY_2: "Caution meeting 2",
    AppointmentKind.FOLLOW_UP: "Follow-up",
}
MANDATORY = {AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2}
NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class ReportFilters:
    start: date | None = None
    end: date | None = None
    borough: str = ""

    def query(self) -> dict[str, str]:
        """The filters as query-string parts (for the CSV links), empty ones left out."""
        parts = {"from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else ""}
        parts["borough"] = self.borough
        return {k: v for k, v in parts.items() if v}

    def words(self) -> str:
        when = (
            f"referred {self.start or 'from the start'} to {self.end or 'today'}"
            if self.start or self.end
            else "all referral dates"
        )
        return f"{when}; {self.borough or 'all boroughs'}"


def parse_filters(args: dict[str, str]) -> tuple[ReportFilters, list[str]]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&borough=Name; a bad date is ignored and said."""
    errors: list[str] = []
    dates: dict[str, date | None] = {}
    for key, name in (("from", "From"), ("to", "To")):
        raw = (args.get(key) or "").strip()
        dates[key] = None
        if raw:
            try:
                dates[key] = date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{name} date '{raw[:20]}' is not a date like 2026-04-01, so it was not used.")
    start, end = dates["from"], dates["to"]
    if start and end and start > end:
        errors.append("The From date was after the To date, so they were swapped.")
        start, end = end, start
    return ReportFilters(start, end, (args.get("borough") or "").strip()[:60]), errors


@dataclass
class Report:
    filters: ReportFilters
    total: int = 0
    tables: list[Table] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    by_pathway_month: dict[str, dict[str, int]] = field(default_factory=dict)
    four_plus_needs: Pct = Pct(0, 0)
    caution_one: Pct = Pct(0, 0)
    caution_both: Pct = Pct(0, 0)
    engagement_chart: list[tuple[str, int]] = field(default_factory=list)
    needs_chart: list[tuple[str, int]] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _bounds(filters: ReportFilters) -> list:
    """Conditions on Referral: the date range (London days, end inclusive) and borough."""
    conds = []
    if filters.start:
        conds.append(Referral.created_at >= datetime.combine(filters.start, time(0), tzinfo=london()))
    if filters.end:
        conds.append(Referral.created_at < datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=london()))
    if filters.borough:
        conds.append(Referral.borough == filters.borough)
    return conds


def boroughs(session: Session) -> list[str]:
    """Boroughs to filter by: those the service covers and any a referral names."""
    named = session.execute(select(Referral.borough).where(Referral.borough.is_not(None)).distinct()).scalars()
    covered = session.execute(select(CoverageBorough.name)).scalars()
    return sorted({b for b in [*named, *covered] if b})


def _group(pathway: Pathway, outcome) -> str:
    if pathway == Pathway.POLICE_CAUTION:
        return "caution"
    return "other" if outcome is not None else "self"


def _months(dates: list[datetime]) -> list[str]:
    """Every month from the first referral counted to the last (at most the last 24)."""
    if not dates:
        return []
    first, last = min(dates).astimezone(london()), max(dates).astimezone(london())
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[-24:]


def _bucket(days: float) -> str:
    for label, limit in SUPPORT_BUCKETS:
        if limit is None or days < limit:
            return label
    return SUPPORT_BUCKETS[-1][0]


def build_report(session: Session, filters: ReportFilters | None = None, now: datetime | None = None) -> Report:
    filters = filters or ReportFilters()
    now = now or utcnow()
    conds = _bounds(filters)
    report = Report(filters)
    refs = session.execute(
        select(
            Referral.id,
            Referral.pathway,
            Referral.police_outcome,
            Referral.created_at,
            Referral.closed_at,
            Referral.rearrested_on,
        ).where(*conds)
    ).all()
    report.total = total = len(refs)
    group_of = {r.id: _group(r.pathway, r.police_outcome) for r in refs}
    per_group = Counter(group_of.values())

    # Referrals by pathway, and by pathway and month.
    pathway_rows: list[list[Cell]] = [[label, Pct(per_group[key], total)] for key, label in PATHWAYS]
    report.tables.append(
        Table(
            "referrals_by_pathway",
            "Referrals by pathway",
            ["Pathway", "Referrals"],
            [*pathway_rows, ["All referrals", Pct(total, total)]],
            note="Other police contact: she referred herself and said the police took no further action, "
            "released her under investigation or charged her.",
        )
    )
    by_month: dict[str, Counter] = defaultdict(Counter)
    for r in refs:
        by_month[group_of[r.id]][r.created_at.astimezone(london()).strftime("%Y-%m")] += 1
    report.months = _months([r.created_at for r in refs])
    report.by_pathway_month = {
        label: {m: by_month[key].get(m, 0) for m in report.months} for key, label in PATHWAYS if per_group[key]
    }
    report.tables.append(
        Table(
            "referrals_by_month",
            "Referrals by pathway and month",
            ["Month", *[label for _, label in PATHWAYS], "All"],
            [
                [m, *[by_month[key].get(m, 0) for key, _ in PATHWAYS], sum(c.get(m, 0) for c in by_month.values())]
                for m in report.months
            ],
            note="Months in London time" + (", the last 24 with referrals." if len(report.months) == 24 else "."),
        )
    )

    appts = session.execute(
        select(Appointment.referral_id, Appointment.kind, Appointment.status)
        .join(Referral, Referral.id == Appointment.referral_id)
        .where(*conds)
    ).all()
    report.tables.append(_engagement(report, appts, group_of, per_group))
    report.tables.append(_needs(report, session, conds, total))
    report.tables.append(_support(refs, now))
    report.tables.append(_rearrest(refs, appts))
    report.tables.append(outcome_change(session, [r.id for r in refs]))
    report.tables.append(survey_results(session, [r.id for r in refs]))
    report.tables.append(_appointments(appts))
    report.tables.append(_alerts(session, filters))
    return report


def _engagement(report: Report, appts, group_of: dict[int, str], per_group: Counter) -> Table:
    attended: dict[int, set] = defaultdict(set)
    for rid, kind, status in appts:
        if status == AppointmentStatus.ATTENDED:
            attended[rid].add(kind)
    any_met: Counter[str] = Counter()
    both: Counter[str] = Counter()
    one_mandatory = 0
    for rid, kinds in attended.items():
        any_met[group_of[rid]] += 1
        if group_of[rid] == "caution":
            both["caution"] += MANDATORY <= kinds
            one_mandatory += bool(MANDATORY & kinds)
    rows: list[list] = []
    for key, label in PATHWAYS:
        rows.append(
            [
                label,
                per_group[key],
                Pct(any_met[key], per_group[key]),
                Pct(both[key], per_group[key]) if key == "caution" else NOT_APPLICABLE,
            ]
        )
    everyone = sum(per_group.values())
    rows.append(["All referrals", everyone, Pct(sum(any_met.values()), everyone), NOT_APPLICABLE])
    # The chart: every percentage in the table, in its order.
    report.engagement_chart = [
        (f"{row[0]}: {name}", cell.percent or 0)
        for row in rows[:-1]
        for name, cell in (("at least one meeting", row[2]), ("both caution meetings", row[3]))
        if isinstance(cell, Pct)
    ]
    report.caution_one = Pct(one_mandatory, per_group["caution"])
    report.caution_both = Pct(both["caution"], per_group["caution"])
    return Table(
        "engagement_by_pathway",
        "Engagement by pathway",
        ["Pathway", "Referrals", "At least one meeting attended", "Both caution meetings attended"],
        rows,
        note="A meeting is any appointment marked attended; the two caution meetings are the mandatory ones.",
    )


def _needs(report: Report, session: Session, conds: list, total: int) -> Table:
    named: dict[int, set] = defaultdict(set)
    for rid, need in session.execute(
        select(ReferralNeed.referral_id, ReferralNeed.need)
        .join(Referral, Referral.id == ReferralNeed.referral_id)
        .where(*conds)
    ).all():
        named[rid].add(need)
    each = Counter(n for needs in named.values() for n in needs)
    rows: list[list] = [[NEED_NAMES[n], Pct(each[n], total)] for n in Need]
    report.needs_chart = [(NEED_NAMES[n], Pct(each[n], total).percent or 0) for n in Need]
    report.four_plus_needs = Pct(sum(1 for needs in named.values() if len(needs) >= 4), total)
    rows.append(["4 or more needs", report.four_plus_needs])
    rows.append(
        [
            "Mental health, domestic abuse and substance use together",
            Pct(sum(1 for needs in named.values() if TRIAD <= needs), total),
        ]
    )
    rows.append(["No needs named", Pct(total - len(named), total)])
    return Table(
        "needs_profile",
        "Needs profile (the nine pathways)",
        ["Need", "Referrals naming it"],
        rows,
        note="Percentages of all referrals counted; a woman may name several needs. Mental health is counted "
        "under health; substance use is drugs and alcohol.",
    )


def _support(refs, now: datetime) -> Table:
    closed: Counter[str] = Counter()
    still_open: Counter[str] = Counter()
    for r in refs:
        end = r.closed_at or now
        (closed if r.closed_at else still_open)[_bucket((end - r.created_at).total_seconds() / 86400)] += 1
    n_closed, n_open = sum(closed.values()), sum(still_open.values())
    rows: list[list] = [
        [
            label,
            Pct(closed[label], n_closed),
            Pct(still_open[label], n_open),
            Pct(closed[label] + still_open[label], len(refs)),
        ]
        for label, _ in SUPPORT_BUCKETS
    ]
    beyond = [label for label, _ in SUPPORT_BUCKETS[1:]]
    c, o = sum(closed[b] for b in beyond), sum(still_open[b] for b in beyond)
    rows.append(["Beyond 3 months", Pct(c, n_closed), Pct(o, n_open), Pct(c + o, len(refs))])
    return Table(
        "time_in_support",
        "Time in support",
        ["Time", "Closed cases", "Open cases (so far)", "All referrals"],
        rows,
        note="From her referral to the case closing, or to today for open cases.",
    )


def _rearrest(refs, appts) -> Table:
    """Re-arrest after referral by meetings attended (the evaluation's comparison: 2 or more
    meetings against fewer). Percentages to one decimal place, as the evaluation gives them."""
    met = Counter(rid for rid, _kind, status in appts if status == AppointmentStatus.ATTENDED)
    women: Counter[bool] = Counter()
    rearrested: Counter[bool] = Counter()
    for r in refs:
        two_plus = met[r.id] >= 2
        women[two_plus] += 1
        rearrested[two_plus] += r.rearrested_on is not None
    rows: list[list] = []
    for label, n, hit in (
        ("Attended 2 or more meetings", women[True], rearrested[True]),
        ("Attended fewer than 2", women[False], rearrested[False]),
        ("All referrals", len(refs), rearrested[True] + rearrested[False]),
    ):
        rows.append([label, n, hit, one_place(Fraction(100 * hit, n)) if n else ""])
    return Table(
        "rearrest",
        "Re-arrest after referral",
        ["Meetings attended", "Women", "Re-arrested", "Re-arrested (%)"],
        rows,
        note="Each referral counted is one woman. A meeting is any appointment marked attended; "
        "re-arrested means a keyworker recorded a re-arrest on or after her referral date.",
    )


def _appointments(appts) -> Table:
    counts: dict[AppointmentKind, Counter] = defaultdict(Counter)
    for _rid, kind, status in appts:
        counts[kind][status] += 1
        counts[None][status] += 1  # type: ignore[index]
    rows: list[list] = []
    for kind, label in [*KIND_NAMES.items(), (None, "All appointments")]:
        c = counts[kind]  # type: ignore[index]
        marked = c[AppointmentStatus.ATTENDED] + c[AppointmentStatus.MISSED]
        rows.append(
            [
                label,
                Pct(c[AppointmentStatus.ATTENDED], marked),
                Pct(c[AppointmentStatus.MISSED], marked),
                c[AppointmentStatus.BOOKED] + c[AppointmentStatus.CONFIRMED],
                c[AppointmentStatus.CANCELLED] + c[AppointmentStatus.MOVED],
            ]
        )
    return Table(
        "appointments",
        "Appointments kept and missed",
        ["Appointment", "Kept (attended)", "Missed", "Booked, not yet marked", "Cancelled or moved"],
        rows,
        note="Kept and missed are percentages of the appointments marked either way.",
    )


def _alerts(session: Session, filters: ReportFilters) -> Table:
    conds = []
    if filters.start:
        conds.append(Alert.created_at >= datetime.combine(filters.start, time(0), tzinfo=london()))
    if filters.end:
        conds.append(Alert.created_at < datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=london()))
    if filters.borough:
        conds.append(Alert.referral_id.in_(select(Referral.id).where(Referral.borough == filters.borough)))
    rows = session.execute(
        select(Alert.reason, func.count()).where(*conds).group_by(Alert.reason).order_by(func.count().desc())
    ).all()
    total = sum(c for _, c in rows)
    return Table(
        "alerts_by_reason",
        "Alerts by reason",
        ["Reason", "Alerts"],
        [[r.value.replace("_", " ").capitalize(), Pct(c, total)] for r, c in rows],
        note="Alerts raised in the date range; with a borough, only alerts about a referral in it.",
    )
