"""What the assistant says about appointments. Plain, short, never a dead end.

Never offers a carrier opt-out word (STOP, CANCEL, END, ...) as a reply:
"call it off" is the bot's word for cancelling. In the conversation the
centre is named (she asked); on SMS, when her record does not say texts are
safe, only the street address is given, as in her reminders.
"""
from __future__ import annotations

from datetime import date

from bot.appointments import formatting
from bot.appointments.slots import SlotView
from bot.db.models.appointments import AppointmentKind

KIND_SHORT = {
    AppointmentKind.ASSESSMENT: "first meeting",
    AppointmentKind.MANDATORY_1: "meeting 1 of 2",
    AppointmentKind.MANDATORY_2: "meeting 2 of 2",
    AppointmentKind.FOLLOW_UP: "follow-up meeting",
}
PICK_HINT = "Pick one, or tell me a day and time that suits you, like 'Friday afternoon'."
NO_RECORD = (
    "I can't find your details from this chat. If you've texted us before, message us from that phone. "
    "To refer yourself, say 'get support'. To reach a person, say 'talk to someone'."
)
OUT_OF_COVERAGE = (
    "A keyworker will contact you to help find support near you, and they'll arrange any meeting with you. "
    "To reach a person now, say 'talk to someone'."
)
NOT_UNDERSTOOD_CHOICE = "Sorry, I didn't get that. Pick a number from the list, or tell me a day and time, like 'Friday at 2'."
UNAVAILABLE = "Sorry, I can't look up appointments just now. Please try again in a few minutes, or say 'talk to someone'."


def place(view: SlotView, discreet: bool = False) -> str:
    return view.street if discreet else view.place


def deadline_text(deadline: date | None) -> str:
    return formatting.day(deadline) if deadline else ""


def heading(kind: AppointmentKind, deadline: date | None, mode: str = "book") -> str:
    if mode == "move":
        return "When would suit you instead? Here are the next free times:"
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
        "closed": f"Sorry, we're not open then. Our centres are open {hours_text}." if hours_text else "Sorry, we're not open then.",
        "not_exact": "Sorry, nothing is free then.",
        "slot_taken": "Sorry, someone has just taken that time.",
        "outside_window": "Sorry, that time doesn't fit with your other meeting.",
    }.get(reason or "", "")


def no_slot(deadline: date | None) -> str:
    if deadline:
        return (
            f"Sorry, I can't find a free time before {deadline_text(deadline)}. I've asked a keyworker to sort it "
            "with you, and they'll be in touch soon. To reach a person now, say 'talk to someone'."
        )
    return "Sorry, there are no free times just now. Please try again in a few days, or say 'talk to someone'."


def confirm_question(mode: str, new: SlotView | None, old: SlotView | None, discreet: bool,
                     deadline: date | None = None) -> tuple[str, list[dict]]:
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


def called_off(view: SlotView, kind: AppointmentKind, deadline: date | None) -> str:
    after = (
        f" You still need to go to 2 meetings by {deadline_text(deadline)}. Say 'book' when you're ready to pick a new time."
        if kind in (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2) and deadline
        else " If you'd like a new time, just say 'book'."
    )
    return f"Done. Your appointment on {formatting.when(view.starts_at)} is called off.{after}"


def listing(views, discreet: bool) -> str:
    return "\n".join(
        f"{formatting.when(v.slot.starts_at)} at {place(v.slot, discreet)} ({KIND_SHORT[v.kind]})" for v in views
    )
