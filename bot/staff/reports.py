"""Figures for the reports page (commissioners): plain numbers, charted by the web layer.

Aggregated in Python from narrow selects: the service has thousands of
referrals, not millions, and this stays identical on SQLite and PostgreSQL
(month boundaries in London time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.dates import london
from bot.db.models import Alert, Referral, ReferralNeed
from bot.db.types import utcnow
from bot.directory.taxonomy import CATEGORIES
from bot.staff import appointments_view

SUPPORT_BUCKETS = [
    ("under 1 month", 30),
    ("1-3 months", 91),
    ("3-6 months", 182),
    ("6-12 months", 365),
    ("over 12 months", None),
]
PATHWAY_LABELS = {"self": "Self-referral", "police_caution": "Police (caution)"}


@dataclass
class Report:
    months: list[str] = field(default_factory=list)
    by_pathway_month: dict[str, dict[str, int]] = field(default_factory=dict)
    total: int = 0
    four_plus_needs_share: float | None = None
    top_needs: list[tuple[str, int]] = field(default_factory=list)
    support_closed: list[tuple[str, int]] = field(default_factory=list)
    support_open: list[tuple[str, int]] = field(default_factory=list)
    alerts_by_reason: list[tuple[str, int]] = field(default_factory=list)
    engagement: list[tuple[str, int, int]] | None = None  # (label, engaged, of)


def _month(at: datetime) -> str:
    return at.astimezone(london()).strftime("%Y-%m")


def _bucket(days: float) -> str:
    for label, limit in SUPPORT_BUCKETS:
        if limit is None or days < limit:
            return label
    return SUPPORT_BUCKETS[-1][0]


def build_report(session: Session, now: datetime | None = None) -> Report:
    now = now or utcnow()
    report = Report()
    rows = session.execute(select(Referral.id, Referral.pathway, Referral.created_at, Referral.closed_at)).all()
    report.total = len(rows)
    counts: dict[str, Counter] = defaultdict(Counter)
    closed: Counter = Counter()
    still_open: Counter = Counter()
    for _id, pathway, created, closed_at in rows:
        counts[pathway.value][_month(created)] += 1
        if closed_at is not None:
            closed[_bucket((closed_at - created).total_seconds() / 86400)] += 1
        else:
            still_open[_bucket((now - created).total_seconds() / 86400)] += 1
    report.months = sorted({m for c in counts.values() for m in c})[-12:]
    report.by_pathway_month = {
        PATHWAY_LABELS.get(p, p): {m: counts[p].get(m, 0) for m in report.months} for p in ("self", "police_caution")
    }
    report.support_closed = [(label, closed.get(label, 0)) for label, _ in SUPPORT_BUCKETS]
    report.support_open = [(label, still_open.get(label, 0)) for label, _ in SUPPORT_BUCKETS]

    need_counts = session.execute(
        select(ReferralNeed.referral_id, func.count()).group_by(ReferralNeed.referral_id)
    ).all()
    if report.total:
        report.four_plus_needs_share = sum(1 for _, n in need_counts if n >= 4) / report.total
    top = session.execute(
        select(ReferralNeed.need, func.count()).group_by(ReferralNeed.need).order_by(func.count().desc())
    ).all()
    report.top_needs = [(CATEGORIES.get(n.value, (n.value,))[0], c) for n, c in top]
    reasons = session.execute(
        select(Alert.reason, func.count()).group_by(Alert.reason).order_by(func.count().desc())
    ).all()
    report.alerts_by_reason = [(r.value.replace("_", " "), c) for r, c in reasons]
    report.engagement = appointments_view.engagement(session)
    return report
