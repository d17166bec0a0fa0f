"""Appointment reminders: when they go, what they say, and queueing them.

Reminders are rows in the outbox (bot/messaging/outbox.py), written in the
same transaction as the booking or move; the worker sends them when due,
exactly once. Rasa's in-memory reminders are not used: these survive restarts.

When: each offset (default 48 h and 2 h) is counted on the wall clock in
London, so a reminder "48 h before 10:00 on Monday" goes at 10:00 on Saturday
even when the clocks change in between. A time in quiet hours (default
21:00-08:00) goes earlier: to `QUIET_MARGIN` before quiet hours begin, the
evening before if need be. If her record says when contact is safe ("after
6pm", "weekday mornings"), the reminder goes at the latest safe time before
it, or not at all if there is none in the three days before. Times already
past are skipped.

What: discreet unless her record says texts are safe (`safe_to_text` True)
and, separately, that texts may name the service (`texts_may_name_service`:
safe to text is not safe to show what it is about on her lock screen): no
service name, centre name, police, caution, offence or abuse; only the day,
time and street address. The words are in bot/wording/en/reminders.yml, each
template marked discreet or not (the giveaway words: bot/wording/discreet.py).
A number also on another woman's record gets no reminder until a keyworker
clears it (bot/privacy/shared_numbers.py). A woman who said texts are not safe,
or opted out, gets no text at all. Reply words are YES and CHANGE, never a
carrier opt-out word (STOP, CANCEL, END, QUIT, ...: bot/messaging/sms_rules.py
checks that).

Keys: `appt:<appointment id>:<label>` (e.g. appt:42:48h), so moving or
cancelling cancels the pending ones by prefix; an AppointmentMessage row links
each to its appointment, which is how her reply "YES" finds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.appointments import formatting, rules
from bot.appointments.preferences import parse_preference
from bot.appointments.wanted_times import Preference
from bot.dates import london
from bot.db.models import OutboxMessage, OutboxStatus, Woman
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentMessage
from bot.db.types import utcnow
from bot.messaging.outbox import cancel_pending, enqueue
from bot.messaging.sms_rules import segments
from bot.privacy import shared_numbers
from bot.settings import get_settings
from bot.wording import say
from bot.wording.catalogue import using_language
from bot.wording.discreet import say_discreet

QUIET_MARGIN = timedelta(minutes=30)
SAFE_SEARCH = timedelta(hours=72)
SAFE_STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class Planned:
    label: str  # "48h"
    send_at: datetime  # UTC


def key_prefix(appointment_id: int) -> str:
    return f"appt:{appointment_id}:"


def quiet_hours(text: str | None = None) -> tuple[time, time] | None:
    """'21:00-08:00' -> (21:00, 08:00); '' or 'none' -> None (no quiet hours)."""
    text = (get_settings().quiet_hours if text is None else text).strip().lower()
    m = re.fullmatch(r"(\d{1,2}):?(\d{2})?\s*-\s*(\d{1,2}):?(\d{2})?", text)
    if not m:
        return None
    return time(int(m[1]), int(m[2] or 0)), time(int(m[3]), int(m[4] or 0))


def is_quiet(t: time, quiet: tuple[time, time] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    return (t >= start or t < end) if start > end else (start <= t < end)


def wall_clock(local_naive: datetime) -> datetime:
    """A London wall-clock time as an aware datetime.

    In the spring gap (01:00-02:00 does not exist) the time moves forward an
    hour; in the autumn overlap the first (summer time) one is meant.
    """
    aware = local_naive.replace(tzinfo=london(), fold=0)
    return aware.astimezone(timezone.utc).astimezone(london())


def before_quiet(local: datetime, quiet: tuple[time, time] | None) -> datetime:
    """Move a time in quiet hours earlier: to QUIET_MARGIN before they start."""
    if not is_quiet(local.timetz().replace(tzinfo=None), quiet):
        return local
    assert quiet is not None  # is_quiet is False without quiet hours
    start, _ = quiet
    day = local.date() if local.time() >= start else local.date() - timedelta(days=1)
    return wall_clock(datetime.combine(day, start) - QUIET_MARGIN)


def safe_window(woman: Woman | None) -> Preference | None:
    """When she said contact is safe, as a Preference (None: any time)."""
    if woman is None or not woman.safe_times:
        return None
    pref = parse_preference(woman.safe_times, formatting.local(utcnow()).date())
    if pref.problem or not pref.understood:
        return None
    # Only the time-of-day and weekday parts say when it is safe.
    return Preference(
        weekdays=pref.weekdays,
        not_weekdays=pref.not_weekdays,
        parts=pref.parts,
        not_parts=pref.not_parts,
        after=pref.after,
        before=pref.before,
    )


def _latest_safe(local: datetime, safe: Preference, quiet, not_before: datetime) -> datetime | None:
    probe = local.replace(second=0, microsecond=0)
    limit = local - SAFE_SEARCH
    while probe > limit and probe > not_before:
        if safe.matches(probe) and not is_quiet(probe.time(), quiet):
            return probe
        probe = wall_clock(probe.replace(tzinfo=None) - SAFE_STEP)
    return None


def reminder_times(
    starts_at: datetime,
    now: datetime,
    *,
    offsets: tuple[int, ...] | None = None,
    quiet: tuple[time, time] | None | str = "settings",
    safe: Preference | None = None,
) -> list[Planned]:
    """When each reminder for an appointment starting at `starts_at` goes (UTC)."""
    settings = get_settings()
    offsets = settings.reminder_offsets_hours if offsets is None else offsets
    window = quiet_hours() if isinstance(quiet, str) else quiet  # "settings": the configured hours
    start_local = formatting.local(starts_at)
    planned: list[Planned] = []
    for hours in sorted(set(offsets), reverse=True):
        local = wall_clock(start_local.replace(tzinfo=None) - timedelta(hours=hours))
        local = before_quiet(local, window)
        if safe is not None:
            latest = _latest_safe(local, safe, window, formatting.local(now))
            if latest is None:
                continue
            local = latest
        send_at = local.astimezone(timezone.utc)
        if send_at <= now or send_at >= starts_at:
            continue
        if any(p.send_at == send_at for p in planned):
            continue  # two offsets landed on the same moment: one text is enough
        planned.append(Planned(f"{hours}h", send_at))
    return planned


# What the meeting is, for texts that may say (bot/wording/en/reminders.yml).
WHAT = {
    AppointmentKind.ASSESSMENT: "reminders.what_assessment",
    AppointmentKind.MANDATORY_1: "reminders.what_mandatory_1",
    AppointmentKind.MANDATORY_2: "reminders.what_mandatory_2",
    AppointmentKind.FOLLOW_UP: "reminders.what_follow_up",
}


MANDATORY = (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)


def discreet_for(woman: Woman) -> bool:
    # Naming the service needs both: texts are safe, and she chose they may say what they are about.
    return not (woman.texts_are_safe and woman.texts_may_name_service)


def reminder_text(appointment: Appointment, woman: Woman, sent_at: datetime) -> str:
    with using_language(woman.language):  # hers, whichever process sends it
        return _reminder_text(appointment, woman, sent_at)


def _reminder_text(appointment: Appointment, woman: Woman, sent_at: datetime, discreet: bool = False) -> str:
    slot = appointment.slot
    centre = slot.centre
    name = woman.preferred_name
    when = {
        "on": formatting.on_day(slot.starts_at, sent_at),
        "clock": formatting.clock(slot.starts_at),
        "address": centre.address,
        "postcode": centre.postcode,
    }
    reply = say_discreet("reminders.reply_words")
    if discreet or discreet_for(woman):
        first = (
            say_discreet("reminders.reminder_discreet_named", name=name, **when)
            if name
            else say_discreet("reminders.reminder_discreet", **when)
        )
        return f"{first} {reply}"
    what = say(WHAT[appointment.kind])
    first = (
        say("reminders.reminder_named", name=name, what=what, centre=centre.name, **when)
        if name
        else say("reminders.reminder", what=what, centre=centre.name, **when)
    )
    named = f"{first} {reply}"
    if segments(named) <= get_settings().sms_max_segments:
        return named
    # Too long for one text in her language (most scripts cost 70 characters a part) or with a
    # long centre name: the discreet text, which always fits, rather than two texts.
    return _reminder_text(appointment, woman, sent_at, discreet=True)


def missed_text(appointment: Appointment, woman: Woman) -> str:
    with using_language(woman.language):
        return _missed_text(appointment, woman)


def _missed_text(appointment: Appointment, woman: Woman, discreet: bool = False) -> str:
    slot = appointment.slot
    name = woman.preferred_name
    day = formatting.day(slot.starts_at)
    phone = slot.centre.phone
    if discreet or discreet_for(woman):
        first = (
            say_discreet("reminders.missed_discreet_named", name=name, day=day)
            if name
            else say_discreet("reminders.missed_discreet", day=day)
        )
        reply = (
            say_discreet("reminders.missed_reply_or_call", phone=phone)
            if phone
            else say_discreet("reminders.missed_reply")
        )
        return f"{first} {reply}"
    what = say(WHAT[appointment.kind])
    first = (
        say("reminders.missed_named", name=name, what=what, day=day)
        if name
        else say("reminders.missed", what=what, day=day)
    )
    deadline = rules.deadline_for(appointment.referral) if appointment.kind in MANDATORY else None
    if deadline and phone:
        reply = say("reminders.missed_not_too_late_by_or_call", deadline=formatting.day(deadline), phone=phone)
    elif deadline:
        reply = say("reminders.missed_not_too_late_by", deadline=formatting.day(deadline))
    elif phone:
        reply = say("reminders.missed_not_too_late_or_call", phone=phone)
    else:
        reply = say("reminders.missed_not_too_late")
    named = f"{first} {reply}"
    if segments(named) <= get_settings().sms_max_segments:
        return named
    return _missed_text(appointment, woman, discreet=True)  # as for reminders: one text, not two


def _link(
    session: Session, message: OutboxMessage | None, appointment: Appointment, woman: Woman, purpose: str
) -> OutboxMessage | None:
    if message is None or message.status != OutboxStatus.PENDING:
        return message
    exists = session.query(AppointmentMessage.id).filter_by(outbox_message_id=message.id).first()
    if exists is None:
        session.add(
            AppointmentMessage(
                appointment_id=appointment.id, outbox_message_id=message.id, woman_id=woman.id, purpose=purpose
            )
        )
    return message


def schedule(session: Session, appointment: Appointment, now: datetime | None = None) -> list[OutboxMessage]:
    """Queue this appointment's reminders (none if she can't get texts)."""
    now = now or utcnow()
    session.flush()
    woman = appointment.referral.woman
    if not woman.phone_e164 or shared_numbers.hold(session, woman):
        return []
    queued: list[OutboxMessage] = []
    for plan in reminder_times(appointment.slot.starts_at, now, safe=safe_window(woman)):
        message = enqueue(
            session,
            to=woman.phone_e164,
            body=reminder_text(appointment, woman, plan.send_at),
            kind="reminder",
            woman_id=woman.id,
            dedupe_key=f"{key_prefix(appointment.id)}{plan.label}",
            send_after=plan.send_at,
            discreet=discreet_for(woman),
        )
        linked = _link(session, message, appointment, woman, f"reminder_{plan.label}")
        if linked is not None:
            queued.append(linked)
    return queued


def refresh_for(session: Session, woman: Woman, now: datetime | None = None) -> int:
    """Her queued reminders again, with what her record says now.

    Pending ones are reworded (a text is worded when queued: she may since have
    chosen whether texts may name the service); ones held for a shared number go
    back in the queue once it is cleared; live appointments with none get theirs.
    Returns how many are queued.
    """
    from bot.db.crud import sms as sms_crud
    from bot.db.models.appointments import LIVE_STATUSES

    now = now or utcnow()
    if not woman.phone_e164 or shared_numbers.is_held(session, woman):
        return 0
    may_text = woman.texts_are_safe or (woman.safe_to_text is None and not woman.sms_opted_out)
    rows = session.execute(
        select(OutboxMessage, AppointmentMessage)
        .join(AppointmentMessage, AppointmentMessage.outbox_message_id == OutboxMessage.id)
        .where(
            AppointmentMessage.woman_id == woman.id,
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.CANCELLED)),
        )
    ).all()
    for message, link in rows:
        appointment = session.get(Appointment, link.appointment_id)
        if message.status == OutboxStatus.CANCELLED:
            held_only = message.last_error == shared_numbers.HELD_MARK
            if not (
                held_only
                and may_text
                and appointment.status in LIVE_STATUSES
                and message.send_after > now
                and not sms_crud.is_opted_out(session, message.to_address)
            ):
                continue
            message.status, message.last_error = OutboxStatus.PENDING, None
        message.body = (
            missed_text(appointment, woman)
            if link.purpose == "missed"
            else reminder_text(appointment, woman, message.send_after)
        )
    for referral in woman.referrals:
        for appointment in session.execute(
            select(Appointment).where(Appointment.referral_id == referral.id, Appointment.status.in_(LIVE_STATUSES))
        ).scalars():
            schedule(session, appointment, now)
    session.flush()
    return session.execute(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.woman_id == woman.id,
            OutboxMessage.kind == "reminder",
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).scalar_one()


def send_missed_note(session: Session, appointment: Appointment, now: datetime | None = None) -> OutboxMessage | None:
    """A kind note offering a new time, after staff mark her as missed (not at night)."""
    now = now or utcnow()
    woman = appointment.referral.woman
    if not woman.phone_e164 or shared_numbers.hold(session, woman):
        return None
    local = formatting.local(now)
    quiet = quiet_hours()
    if quiet is not None and is_quiet(local.time(), quiet):  # later, not earlier: it is news, not a reminder
        day = local.date() if local.time() < quiet[1] else local.date() + timedelta(days=1)
        local = wall_clock(datetime.combine(day, quiet[1]))
    message = enqueue(
        session,
        to=woman.phone_e164,
        body=missed_text(appointment, woman),
        kind="reminder",
        woman_id=woman.id,
        dedupe_key=f"{key_prefix(appointment.id)}missed",
        send_after=local.astimezone(timezone.utc),
        discreet=discreet_for(woman),
    )
    return _link(session, message, appointment, woman, "missed")


def cancel_for(session: Session, appointment_id: int) -> int:
    """Cancel this appointment's reminders that have not gone yet."""
    return cancel_pending(session, key_prefix(appointment_id))
