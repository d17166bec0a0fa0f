"""The conversation's urgent crisis alert: raised once, updated with each new kind
of danger, and told to staff again when it gets worse (issue 19, point 9).

The alert's grade is the most urgent kind of danger it names (the order of
after_crisis.Kind). A threat, then an overdose, raises the grade: the on-duty
keyworkers are told again at once. The same grade again, or a milder kind,
only updates the summary (no second text).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.db.crud.alerts import open_alert
from bot.db.models import Alert, AlertReason
from bot.safety.after_crisis import Kind, alert_summary, kinds_in_summary
from bot.staff.alert_notify import raise_and_notify


def worse_grade(before: Iterable[Kind], now: Iterable[Kind]) -> Kind | None:
    """The new grade (most urgent kind) if `now` is more serious than `before`, else None.

    Not when `before` named no kind: that alert already went out as danger of
    every kind (the full reply), so learning which one is no news for the team."""
    ranked = list(Kind)
    before_top = min((ranked.index(k) for k in before), default=None)
    now_top = min((ranked.index(k) for k in now), default=None)
    if before_top is None or now_top is None or now_top >= before_top:
        return None
    return ranked[now_top]


def raise_crisis_alert(
    session: Session,
    conversation_id: str,
    channel: str | None,
    kinds: Iterable[Kind],
    *,
    woman_id: int | None = None,
    referral_id: int | None = None,
) -> Alert:
    """Raise the conversation's urgent alert, or add these kinds of danger to the open one
    (her record and referral linked when known); staff are told again when it got worse."""
    existing = open_alert(session, conversation_id, AlertReason.CRISIS)
    seen = kinds_in_summary(existing.summary) if existing else []
    both = [*seen, *kinds]
    worse = worse_grade(seen, both)
    return raise_and_notify(
        session,
        AlertReason.CRISIS,
        conversation_id=conversation_id,
        channel=channel,
        woman_id=woman_id,
        referral_id=referral_id,
        summary=alert_summary(both),
        worse=worse.value if worse else None,
    )
