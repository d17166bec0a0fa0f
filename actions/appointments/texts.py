"""What the assistant says about appointments, put together from the catalogue
(bot/wording/en/appointments.yml). Plain, short, never a dead end.

Never offers a carrier opt-out word (STOP, CANCEL, END, ...) as a reply:
"call it off" is the bot's word for cancelling. In the conversation the
centre is named (she asked); on SMS, when her record does not say texts are
safe, only the street address is given, as in her reminders.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.appointments import formatting
from bot.appointments.slots import SlotView
from bot.db.models.appointments import AppointmentKind
from bot.settings import get_settings
from bot.wording import buttons, say

KIND_SHORT = {
    AppointmentKind.ASSESSMENT: "appointments.kind_assessment",
    AppointmentKind.MANDATORY_1: "appointments.kind_mandatory_1",
    AppointmentKind.MANDATORY_2: "appointments.kind_mandatory_2",
    AppointmentKind.FOLLOW_UP: "appointments.kind_follow_up",
}
PICK_HINT = say("appointments.pick_hint")
# She may be known under another chat: her reference is the safe way in (action_check_reference).
NO_RECORD = say("appointments.no_record", reference_example=f"{get_settings().reference_prefix}-7K3D9X")


def no_record() -> str:
    return say("appointments.no_record", reference_example=f"{get_settings().reference_prefix}-7K3D9X")


def place(view: SlotView, discreet: bool = False) -> str:
    return view.street if discreet else view.place


def deadline_text(deadline: date | None) -> str:
    return formatting.day(deadline) if deadline else ""


def slot_title(when: datetime, area: str) -> str:
    """A time's button: 'Tue 24 Nov, 2pm (Southwark)'."""
    return say("appointments.slot_title", when=formatting.when(when), area=area)


def heading(
    kind: AppointmentKind, deadline: date | None, mode: str = "book", second: datetime | None = None, gap_days: int = 0
) -> str:
    if mode == "move":
        return say("appointments.offer_move")
    if kind == AppointmentKind.MANDATORY_1 and second is not None:
        # Meeting 2 is still booked: only the first needs a time, before it.
        if gap_days:
            return say("appointments.offer_first_days_before_second", second=formatting.when(second), gap_days=gap_days)
        return say("appointments.offer_first_before_second", second=formatting.when(second))
    if kind == AppointmentKind.MANDATORY_1:
        if deadline:
            return say("appointments.offer_caution_by", deadline=deadline_text(deadline))
        return say("appointments.offer_caution")
    if kind == AppointmentKind.MANDATORY_2:
        if deadline:
            return say("appointments.offer_second_by", deadline=deadline_text(deadline))
        return say("appointments.offer_second")
    if kind == AppointmentKind.FOLLOW_UP:
        return say("support.offer_follow_up")
    return say("appointments.offer_first")


_PROBLEMS = {
    "impossible": "appointments.date_impossible",
    "past": "appointments.time_past",
    "closed": "appointments.closed_then",
    "not_exact": "appointments.nothing_free_then",
    "slot_taken": "appointments.slot_taken",
    "outside_window": "appointments.outside_window",
}


def problem(reason: str | None, hours_text: str = "") -> str:
    if reason == "closed" and hours_text:
        return say("appointments.closed_then_hours", hours=hours_text)
    key = _PROBLEMS.get(reason or "")
    return say(key) if key else ""


def rule_problem(offer) -> str:
    """Why the day she asked for can't be used for a caution meeting, in plain words."""
    w = offer.window
    if w is None:
        return ""
    by = deadline_text(w.deadline)
    if offer.problem == "after_deadline":
        return say("appointments.rule_after_deadline", deadline=by)
    if offer.problem == "too_soon_after_first" and w.other_at:
        first, earliest = formatting.day(w.other_at), formatting.day(w.earliest)
        if w.gap_days:
            return say(
                "appointments.rule_too_soon_after_first_days", first=first, gap_days=w.gap_days, earliest=earliest
            )
        return say("appointments.rule_too_soon_after_first", first=first, earliest=earliest)
    if offer.problem == "too_close_to_second" and w.other_at and w.latest:
        second, latest = formatting.day(w.other_at), formatting.day(w.latest)
        if w.gap_days:
            return say("appointments.rule_too_close_to_second_days", second=second, gap_days=w.gap_days, latest=latest)
        return say("appointments.rule_too_close_to_second", second=second, latest=latest)
    if offer.problem == "no_room_for_second" and w.latest:
        return say(
            "appointments.rule_no_room_for_second",
            gap_days=w.gap_days,
            deadline=by,
            latest=formatting.day(w.latest),
        )
    return ""


def kind_name(kind: AppointmentKind) -> str:
    """first meeting, meeting 1 of 2, ..."""
    return say(KIND_SHORT[kind])


def moving(kind: AppointmentKind, starts_at: datetime) -> str:
    """Which meeting a move is about, before any times are offered."""
    return say("appointments.moving", kind=kind_name(kind), when=formatting.when(starts_at))


def no_slot(deadline: date | None) -> str:
    if deadline:
        return say("appointments.none_before_deadline", deadline=deadline_text(deadline))
    return say("appointments.none_free")


def confirm_question(
    mode: str, new: SlotView | None, old: SlotView | None, discreet: bool, deadline: date | None = None
) -> tuple[str, list[dict]]:
    if mode == "cancel" and old is not None:
        at = {"when": formatting.when(old.starts_at), "place": place(old, discreet)}
        if deadline:
            key = "appointments.confirm_call_off_caution"
            return say(key, deadline=deadline_text(deadline), **at), buttons(key)
        return say("appointments.confirm_call_off", **at), buttons("appointments.confirm_call_off")
    if mode == "move" and old is not None and new is not None:
        text = say(
            "appointments.confirm_move",
            old=formatting.when(old.starts_at),
            new=formatting.when(new.starts_at),
            place=place(new, discreet),
        )
        return text, buttons("appointments.confirm_move")
    assert new is not None
    text = say("appointments.confirm_book", when=formatting.when(new.starts_at), place=place(new, discreet))
    return text, buttons("appointments.confirm_book")


def booked(view: SlotView, discreet: bool, reminders: int) -> str:
    at = {"when": formatting.when(view.starts_at), "place": place(view, discreet)}
    return say("appointments.booked_reminded", **at) if reminders else say("appointments.booked", **at)


def moved(view: SlotView, discreet: bool, reminders: int) -> str:
    at = {"when": formatting.when(view.starts_at), "place": place(view, discreet)}
    return say("appointments.moved_reminded", **at) if reminders else say("appointments.moved", **at)


_STILL_BOOKED = {
    AppointmentKind.MANDATORY_1: "appointments.first_still_booked",
    AppointmentKind.MANDATORY_2: "appointments.second_still_booked",
}
MANDATORY = (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)


def called_off(view: SlotView, kind: AppointmentKind, deadline: date | None, live=(), attended=()) -> str:
    """After a call-off: what is still booked and what she still needs, as it now stands.

    `live` and `attended` are her appointment views after the call-off.
    """
    done = say("appointments.called_off", when=formatting.when(view.starts_at))
    if kind not in MANDATORY or not deadline:
        return f"{done} {say('appointments.called_off_book_again')}"
    have = {v.kind: v for v in (*live, *attended) if v.kind in MANDATORY}
    missing = [k for k in MANDATORY if k not in have]
    lines = [done]
    for k, v in have.items():
        if v in live:
            lines.append(say(_STILL_BOOKED[k], when=formatting.when(v.slot.starts_at)))
    if len(missing) == 2:
        lines.append(say("appointments.still_need_both", deadline=deadline_text(deadline)))
    elif missing == [AppointmentKind.MANDATORY_1]:
        lines.append(say("appointments.still_need_first", gap_days=get_settings().mandatory_gap_days))
    elif missing:
        lines.append(say("appointments.still_need_second", deadline=deadline_text(deadline)))
    lines.append(say("appointments.book_when_ready"))
    return " ".join(lines)


def listing(views, discreet: bool) -> str:
    return "\n".join(
        say(
            "appointments.listing_line",
            when=formatting.when(v.slot.starts_at),
            place=place(v.slot, discreet),
            kind=kind_name(v.kind),
        )
        for v in views
    )
