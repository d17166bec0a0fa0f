"""Finding free slots to offer her: near her, in her window, matching what she asked.

Nearest centres first (by the postcode, district or borough on her referral),
then the earliest times, spread over different days. When nothing matches
what she asked, the nearest alternatives are offered instead and `exact` is
False, so the reply can say so; `problem` says why there is nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from bot.appointments import formatting, hours, rules
from bot.appointments.wanted_times import Preference
from bot.dates import london
from bot.db.models import Centre, Referral
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot
from bot.geo.postcodes import haversine_km, resolve_location
from bot.settings import get_settings
from bot.wording import say

# Centres this much further than her nearest still count as "near her".
NEAR_EXTRA_KM = 4.0
# When she names a time and nothing starts then, times this close still count.
TIME_SLACK_MIN = 90
SCAN_LIMIT = 2000


@dataclass(frozen=True)
class SlotView:
    id: int
    starts_at: datetime
    ends_at: datetime
    centre_name: str
    centre_area: str
    address: str
    postcode: str
    phone: str | None
    distance_km: float | None = None

    @property
    def label(self) -> str:
        """Button text: 'Tue 24 Nov, 2pm (Southwark)'."""
        return say("appointments.slot_title", when=formatting.when(self.starts_at), area=self.centre_area)

    @property
    def place(self) -> str:
        return f"{self.centre_name}, {self.address}, {self.postcode}"

    @property
    def street(self) -> str:
        """Where, without the centre's name (for discreet texts)."""
        return f"{self.address}, {self.postcode}"

    @classmethod
    def of(cls, slot: AppointmentSlot, distance_km: float | None = None) -> SlotView:
        c = slot.centre
        return cls(
            slot.id, slot.starts_at, slot.ends_at, c.name, c.borough, c.address, c.postcode, c.phone, distance_km
        )


@dataclass(frozen=True)
class Offer:
    slots: list[SlotView]
    # True when the slots are what she asked for (or she asked for nothing).
    exact: bool = True
    # impossible | past | closed | none_before_deadline | none_free | None, or a caution
    # rule (RULE_PROBLEMS) that rules out the day she asked for.
    problem: str | None = None
    deadline: date | None = None
    kind: AppointmentKind | None = None
    # The caution's window, so a rule can be explained (see rules.Window).
    window: rules.Window | None = None


# A day she asked for that the caution's rules rule out (so "nothing is free" would be untrue).
RULE_PROBLEMS = ("after_deadline", "too_soon_after_first", "too_close_to_second", "no_room_for_second")


def her_position(referral: Referral) -> tuple[float, float] | None:
    for text in (referral.postcode, referral.outcode, referral.borough):
        if text:
            place = resolve_location(text)
            if place.latitude is not None and place.longitude is not None:
                return place.latitude, place.longitude
    return None


def centre_distances(session: Session, referral: Referral) -> dict[int, float | None]:
    position = her_position(referral)
    out: dict[int, float | None] = {}
    for centre in session.execute(select(Centre).where(Centre.active.is_(True))).scalars():
        if position and centre.latitude is not None and centre.longitude is not None:
            out[centre.id] = haversine_km(position[0], position[1], centre.latitude, centre.longitude)
        else:
            out[centre.id] = None
    return out


def service_hours(session: Session) -> hours.Hours:
    texts = session.execute(select(Centre.opening_hours).where(Centre.active.is_(True))).scalars()
    return hours.union([hours.parse_hours(t) for t in texts])


def asks_when_closed(pref: Preference, open_hours: hours.Hours) -> bool:
    """She asked only for days or times when no centre is open (Sunday, 8pm)."""
    if not open_hours:
        return False
    days = {d.isoweekday() for d in pref.days} | set(pref.weekdays)
    if days and not days & set(open_hours):
        return True
    opens = min(o for o, _ in open_hours.values())
    closes = max(c for _, c in open_hours.values())
    if pref.at is not None and not (opens <= pref.at < closes):
        return True
    if pref.after is not None and pref.after >= closes:
        return True
    if pref.before is not None and pref.before <= opens:
        return True
    if pref.parts and all(
        (p == "evening" and closes.hour <= 17) or (p == "morning" and opens.hour >= 12) for p in pref.parts
    ):
        return True
    return False


def _free_slots(session: Session, window: rules.Window, avoid: set[datetime], exclude: set[int]) -> list[Row]:
    """(id, centre_id, starts_at) of free slots: plain rows, not ORM objects,
    because up to SCAN_LIMIT are read for every offer and only a handful are
    shown (loading whole objects was a third of the action server's CPU)."""
    query = (
        select(AppointmentSlot.id, AppointmentSlot.centre_id, AppointmentSlot.starts_at)
        .join(Centre, AppointmentSlot.centre_id == Centre.id)
        .where(
            AppointmentSlot.active.is_(True),
            Centre.active.is_(True),
            AppointmentSlot.booked_count < AppointmentSlot.capacity,
            AppointmentSlot.starts_at >= window.earliest,
        )
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
        .limit(SCAN_LIMIT)
    )
    if window.latest is not None:
        query = query.where(AppointmentSlot.starts_at <= window.latest)
    if window.keyworker_id is not None:
        query = query.where(AppointmentSlot.keyworker_id == window.keyworker_id)
    return [s for s in session.execute(query) if s.id not in exclude and s.starts_at not in avoid]


def _one_per_time(slots: list[Row], distances: dict[int, float | None]) -> list[Row]:
    """The nearest centre's slot when several start at the same moment."""
    best: dict[datetime, Row] = {}
    for slot in slots:
        held = best.get(slot.starts_at)
        if held is None or (distances.get(slot.centre_id) or 0) < (distances.get(held.centre_id) or 0):
            best[slot.starts_at] = slot
    return [s for s in slots if best[s.starts_at] is s]


def _spread(slots: list[Row], limit: int) -> list[Row]:
    """Up to `limit` slots, one per day first, so she sees a real choice."""
    chosen: list[Row] = []
    seen_days: set[date] = set()
    for slot in slots:
        d = formatting.local(slot.starts_at).date()
        if d not in seen_days:
            chosen.append(slot)
            seen_days.add(d)
        if len(chosen) == limit:
            return chosen
    for slot in slots:
        if len(chosen) == limit:
            break
        if slot not in chosen:
            chosen.append(slot)
    return sorted(chosen, key=lambda s: s.starts_at)


def _asked_days(pref: Preference) -> list[date]:
    """The calendar days she named ("Tuesday", "the 14th", "next week"); empty for "Tuesdays" or "10am"."""
    days = set(pref.days)
    if pref.start and pref.end and (pref.end - pref.start).days <= 31:
        days |= {pref.start + timedelta(days=n) for n in range((pref.end - pref.start).days + 1)}
    return sorted(
        d
        for d in days
        if d.isoweekday() not in pref.not_weekdays and (not pref.weekdays or d.isoweekday() in pref.weekdays)
    )


def rule_problem(window: rules.Window, pref: Preference) -> tuple[str, date] | None:
    """Which caution rule rules out every day she asked for, and the day to offer near."""
    days = _asked_days(pref)
    if not days or window.deadline is None:
        return None
    first_ok = formatting.local(window.earliest).date()
    last_ok = formatting.local(window.latest).date() if window.latest else None
    if last_ok is not None and all(d > last_ok for d in days):
        if days[0] > window.deadline or window.latest_by == "deadline":
            return "after_deadline", days[0]
        return ("too_close_to_second" if window.latest_by == "second" else "no_room_for_second"), days[0]
    if window.earliest_by == "first" and all(d < first_ok for d in days):
        return "too_soon_after_first", days[-1]
    return None


def find_offer(
    session: Session,
    referral: Referral,
    kind: AppointmentKind,
    pref: Preference | None,
    now: datetime,
    *,
    moving: Appointment | None = None,
    limit: int | None = None,
    exclude: set[int] | None = None,
) -> Offer:
    limit = limit or get_settings().slot_offer_count
    window = rules.window_for(session, referral, kind, now, moving=moving)
    deadline = (
        rules.deadline_for(referral) if kind in (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2) else None
    )
    if window is None:
        return Offer([], problem="none_before_deadline" if deadline else "none_free", deadline=deadline, kind=kind)
    # Never offer her the time she already has, or her other appointment's time.
    avoid = {a.slot.starts_at for a in rules.appointments(session, referral.id, rules.LIVE_STATUSES)}
    exclude = set(exclude or ())
    if moving is not None:
        exclude.add(moving.slot_id)
    free = _free_slots(session, window, avoid, exclude)
    distances = centre_distances(session, referral)
    known = [d for d in distances.values() if d is not None]
    near_limit = (min(known) + NEAR_EXTRA_KM) if known else None

    def near(slot: Row) -> bool:
        d = distances.get(slot.centre_id)
        return near_limit is None or d is None or d <= near_limit

    nearby = _one_per_time([s for s in free if near(s)], distances)
    free = _one_per_time(free, distances)

    def view(slots: list[Row]) -> list[SlotView]:
        return [SlotView.of(session.get(AppointmentSlot, s.id), distances.get(s.centre_id)) for s in slots]

    def pick(pool: list[Row], p: Preference, slack: int = 0) -> list[Row]:
        matched = [s for s in pool if p.matches(formatting.local(s.starts_at), time_slack_min=slack)]
        if moving is not None and p.later:
            matched = [s for s in matched if s.starts_at > moving.slot.starts_at]
        if moving is not None and p.earlier:
            matched = [s for s in matched if s.starts_at < moving.slot.starts_at]
        if p.at is not None:
            matched.sort(
                key=lambda s: (
                    formatting.local(s.starts_at).date(),
                    p.distance(formatting.local(s.starts_at)),
                    s.starts_at,
                )
            )
            return matched[:limit]
        return _spread(matched, limit)

    if not free:
        return Offer([], problem="none_before_deadline" if deadline else "none_free", deadline=deadline, kind=kind)
    if pref is None or not pref.understood:
        return Offer(view(pick(nearby, Preference()) or pick(free, Preference())), deadline=deadline, kind=kind)
    if pref.problem:
        return Offer(
            view(pick(nearby, Preference()) or pick(free, Preference())),
            exact=False,
            problem=pref.problem,
            deadline=deadline,
            kind=kind,
        )
    closed = asks_when_closed(pref, service_hours(session))
    if not closed:
        for pool in (nearby, free):
            exact = pick(pool, pref)
            if exact:
                return Offer(view(exact), deadline=deadline, kind=kind)
            if pref.at is not None:
                close = pick(pool, pref, TIME_SLACK_MIN)
                if close:
                    return Offer(view(close), exact=False, deadline=deadline, kind=kind)
    ruled = rule_problem(window, pref) if not closed else None
    if ruled:
        # The day she asked for breaks a caution rule: the times that fit nearest to it.
        reason, near_day = ruled
        target = datetime.combine(near_day, pref.at or time(12), tzinfo=london())
        for relaxed in (pref.without_day(), pref.only_exclusions(), Preference()):
            for pool in (nearby, free):
                got = [s for s in pool if relaxed.matches(formatting.local(s.starts_at))]
                if got:
                    got.sort(key=lambda s: abs(formatting.local(s.starts_at) - target))
                    nearest = sorted(_spread(got, limit), key=lambda s: s.starts_at)
                    return Offer(
                        view(nearest), exact=False, problem=reason, deadline=deadline, kind=kind, window=window
                    )
    # Nothing as asked: keep what she ruled out, relax the rest step by step.
    for relaxed in (pref.without_time(), pref.without_day(), pref.only_exclusions(), Preference()):
        for pool in (nearby, free):
            got = pick(pool, relaxed)
            if got:
                return Offer(view(got), exact=False, problem="closed" if closed else None, deadline=deadline, kind=kind)
    return Offer(
        [], exact=False, problem="none_before_deadline" if deadline else "none_free", deadline=deadline, kind=kind
    )


def slot_view(session: Session, slot_id: int) -> SlotView | None:
    slot = session.get(AppointmentSlot, slot_id)
    return SlotView.of(slot) if slot else None


def still_free(session: Session, slot_ids: list[int]) -> list[int]:
    """Which of these slots still have a place (for re-showing an offer)."""
    if not slot_ids:
        return []
    free = set(
        session.execute(
            select(AppointmentSlot.id).where(
                AppointmentSlot.id.in_(slot_ids),
                AppointmentSlot.active.is_(True),
                AppointmentSlot.booked_count < AppointmentSlot.capacity,
            )
        ).scalars()
    )
    return [i for i in slot_ids if i in free]
