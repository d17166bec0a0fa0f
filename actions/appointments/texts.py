"""What the assistant says about appointments. Plain, short, never a dead end.

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

KIND_SHORT = {
    AppointmentKind.ASSESSMENT: "first meeting",
    AppointmentKind.MANDATORY_1: "meeting 1 of 2",
    AppointmentKind.MANDATORY_2: "meeting 2 of 2",
    AppointmentKind.FOLLOW_UP: "follow-up meeting",
}
PICK_HINT = "Pick one, or tell me a day and time that suits you, like 'Friday afternoon'."
# She may be known under another chat: her reference is the safe way in (action_check_reference).
NO_RECORD = (
    "I can't find your details from this chat. If you've been in touch before, send your reference "
    f"(like {get_settings().reference_prefix}-7K3D9X) and I'll check it's you. "
    "To refer yourself, say 'get support'. To reach a person, say 'talk to someone'."
)
OUT_OF_COVERAGE = (
    "A keyworker will contact you to help find support near you, and they'll arrange any meeting with you. "
    "To reach a person now, say 'talk to someone'."
)
NOT_UNDERSTOOD_CHOICE = (
    "Sorry, I didn't get that. Pick a number from the list, or tell me a day and time, like 'Friday at 2'."
)
UNAVAILABLE = (
    "Sorry, I can't look up appointments just now. Please try again in a few minutes, or say 'talk to someone'."
)


def place(view: SlotView, discreet: bool = False) -> str:
    return view.street if discreet else view.place


def deadline_text(deadline: date | None) -> str:
    return formatting.day(deadline) if deadline else ""


def heading(
    kind: AppointmentKind, deadline: date | None, mode: str = "book", second: datetime | None = None, gap_days: int = 0
) -> str:
    if mode == "move":
        return "When would suit you instead? Here are the next free times:"
    if kind == AppointmentKind.MANDATORY_1 and second is not None:
        # Meeting 2 is still booked: only the first needs a time, before it.
        apart = f", at least {gap_days} days before it" if gap_days else ", before it"
        return (
            f"Your second meeting is still booked for {formatting.when(second)}. Let's book your first meeting{apart}. "
            "Here are the next free times near you:"
        )
    if kind == AppointmentKind.MANDATORY_1:
        by = f", both by {deadline_text(deadline)}" if deadline else ""
        return f"You need to go to 2 meetings{by}. Let's book the first. Here are the next free times near you:"
    if kind == AppointmentKind.MANDATORY_2:
        by = f" It needs to be by {deadline_text(deadline)}." if deadline else ""
        return f"Now your second meeting.{by} Here are the next free times:"
    return "Let's book your first meeting with a keyworker. Here are the next free times near you:"


def problem(reason: str | None, hours_text: str = "") -> str:
    return {
        "impossible": "That date doesn't exist. Could you check it?",
        "past": "That time has already gone.",
        "closed": f"Sorry, we're not open then. Our centres are open {hours_text}."
        if hours_text
        else "Sorry, we're not open then.",
        "not_exact": "Sorry, nothing is free then.",
        "slot_taken": "Sorry, someone has just taken that time.",
        "outside_window": "Sorry, that time doesn't fit with your other meeting.",
    }.get(reason or "", "")


RULE_LEAD = "Here are the nearest times that fit:"


def rule_problem(offer) -> str:
    """Why the day she asked for can't be used for a caution meeting, in plain words."""
    w = offer.window
    if w is None:
        return ""
    by = deadline_text(w.deadline)
    gap = f"at least {w.gap_days} days apart" if w.gap_days else "in order"
    if offer.problem == "after_deadline":
        return f"That's after your deadline: both meetings need to be done by {by}."
    if offer.problem == "too_soon_after_first" and w.other_at:
        return (
            f"That's too soon after your first meeting on {formatting.day(w.other_at)}. The 2 meetings need to be "
            f"{gap}, so your second can be from {formatting.day(w.earliest)}."
        )
    if offer.problem == "too_close_to_second" and w.other_at and w.latest:
        return (
            f"That's too close to your second meeting on {formatting.day(w.other_at)}. The 2 meetings need to be "
            f"{gap}, so your first needs to be by {formatting.day(w.latest)}."
        )
    if offer.problem == "no_room_for_second" and w.latest:
        return (
            f"That's too late for your first meeting: the second needs to be at least {w.gap_days} days after it, "
            f"and both by {by}. So the first needs to be by {formatting.day(w.latest)}."
        )
    return ""


def moving(kind: AppointmentKind, starts_at: datetime) -> str:
    """Which meeting a move is about, before any times are offered."""
    return f"Moving your {KIND_SHORT[kind]} on {formatting.when(starts_at)}."


def no_slot(deadline: date | None) -> str:
    if deadline:
        return (
            f"Sorry, I can't find a free time before {deadline_text(deadline)}. I've asked a keyworker to sort it "
            "with you, and they'll be in touch soon. To reach a person now, say 'talk to someone'."
        )
    return "Sorry, there are no free times just now. Please try again in a few days, or say 'talk to someone'."


def confirm_question(
    mode: str, new: SlotView | None, old: SlotView | None, discreet: bool, deadline: date | None = None
) -> tuple[str, list[dict]]:
    if mode == "cancel" and old is not None:
        note = f" You need to go to both meetings by {deadline_text(deadline)}." if deadline else ""
        return (
            f"Call off your appointment on {formatting.when(old.starts_at)} at {place(old, discreet)}?{note}",
            [{"title": "Yes, call it off", "payload": "yes"}, {"title": "No, keep it", "payload": "no"}],
        )
    if mode == "move" and old is not None and new is not None:
        return (
            f"Move your appointment from {formatting.when(old.starts_at)} to {formatting.when(new.starts_at)} "
            f"at {place(new, discreet)}?",
            [{"title": "Yes, move it", "payload": "yes"}, {"title": "Other times", "payload": "other times"}],
        )
    assert new is not None
    return (
        f"{formatting.when(new.starts_at)} at {place(new, discreet)}. Shall I book it?",
        [{"title": "Yes, book it", "payload": "yes"}, {"title": "Other times", "payload": "other times"}],
    )


def reminder_note(count: int) -> str:
    return " We'll text you a reminder before." if count else ""


def booked(view: SlotView, discreet: bool, reminders: int) -> str:
    return f"Booked: {formatting.when(view.starts_at)} at {place(view, discreet)}.{reminder_note(reminders)} To change it, say 'move it'."


def moved(view: SlotView, discreet: bool, reminders: int) -> str:
    return f"Done. Your appointment is now {formatting.when(view.starts_at)} at {place(view, discreet)}.{reminder_note(reminders)}"


_ORDINAL = {AppointmentKind.MANDATORY_1: "first", AppointmentKind.MANDATORY_2: "second"}
MANDATORY = (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2)


def called_off(view: SlotView, kind: AppointmentKind, deadline: date | None, live=(), attended=()) -> str:
    """After a call-off: what is still booked and what she still needs, as it now stands.

    `live` and `attended` are her appointment views after the call-off.
    """
    done = f"Done. Your appointment on {formatting.when(view.starts_at)} is called off."
    if kind not in MANDATORY or not deadline:
        return done + " If you'd like a new time, just say 'book'."
    have = {v.kind: v for v in (*live, *attended) if v.kind in MANDATORY}
    missing = [k for k in MANDATORY if k not in have]
    lines = [done]
    for k, v in have.items():
        if v in live:
            lines.append(f"Your {_ORDINAL[k]} meeting on {formatting.when(v.slot.starts_at)} is still booked.")
    if len(missing) == 2:
        lines.append(f"You still need to go to 2 meetings by {deadline_text(deadline)}.")
    elif missing == [AppointmentKind.MANDATORY_1]:
        gap = get_settings().mandatory_gap_days
        lines.append(f"You still need a new time for your first meeting, at least {gap} days before the second.")
    elif missing:
        lines.append(f"You still need a new time for your second meeting, by {deadline_text(deadline)}.")
    lines.append("Say 'book' when you're ready to pick a new time.")
    return " ".join(lines)


def listing(views, discreet: bool) -> str:
    return "\n".join(
        f"{formatting.when(v.slot.starts_at)} at {place(v.slot, discreet)} ({KIND_SHORT[v.kind]})" for v in views
    )
