"""How results look: cards with buttons on the web, short numbered text on SMS.

Pure functions from search hits to messages ({"text": ..., "buttons": [...]}),
so the wording and the SMS length limit are unit-tested.
"""

from __future__ import annotations

from datetime import datetime

from bot.directory.catalogue import Listing
from bot.directory.hours import OpenStatus, opening_status, status_text, week_text
from bot.directory.phones import display_phone
from bot.directory.search import Hit
from bot.hours import format_time

# The SMS rules' own functions, under the names answers.py and the tests use here.
from bot.messaging.sms_rules import GSM7_MULTI
from bot.messaging.sms_rules import plain_punctuation as gsm_safe
from bot.messaging.sms_rules import segments as sms_segments
from bot.settings import get_settings

PAGE = 3
SMS_CHANNELS = frozenset({"sms", "twilio"})
SAMPLE_NOTE = "[SAMPLE data for testing] "


def sms_max_segments() -> int:
    return get_settings().sms_max_segments


def is_sms(channel: str | None) -> bool:
    return (channel or "").lower() in SMS_CHANNELS


def miles(km: float | None, approximate: bool = False) -> str | None:
    if km is None:
        return None
    value = km * 0.621371
    about = "about " if approximate else ""
    if value < 0.2:
        return "under 0.2 miles" if not approximate else "about 0.2 miles"
    if value < 10:
        number = f"{value:.1f}".rstrip("0").rstrip(".")
    else:
        number = f"{value:.0f}"
    return f"{about}{number} mile{'' if number == '1' else 's'}"


def first_phone(listing: Listing) -> str | None:
    return display_phone(listing.phones[0].number, listing.phones[0].display) if listing.phones else None


def _short_status(status: OpenStatus, now: datetime) -> str:
    if status.state == "always":
        return "open 24 hours"
    if status.state == "unknown":
        return "call for times"
    if status.state == "open" and status.until:
        return f"open now till {format_time(status.until)}"
    text = status_text(status, now)
    return (
        text.replace("Closed now. ", "")
        .replace("Closed now (bank holiday). ", "closed today, ")
        .replace("Opens", "opens")
        .replace(" at ", " ")
    )


def _where(hit: Hit) -> str | None:
    if hit.listing.national:
        return "national phone line"
    approximate = bool(hit.listing.site and hit.listing.site.approximate)
    distance = miles(hit.distance_km, approximate)
    return f"{distance} away" if distance else (hit.listing.site.borough if hit.listing.site else None)


def card_text(number: int, hit: Hit, now: datetime) -> str:
    listing = hit.listing
    lines = [f"{number}. {listing.name}"]
    facts = [f for f in (_where(hit), "women only" if listing.women_only else None) if f]
    if facts:
        lines.append(", ".join(facts).capitalize())
    lines.append(status_text(hit.status, now))
    phone = first_phone(listing)
    if phone:
        lines.append(f"Phone {phone}")
    return "\n".join(lines)


def option_payload(number: int) -> str:
    return '/choose_option{"option": %d}' % number


def sms_line(number: int, hit: Hit, now: datetime, with_phone: bool = True) -> str:
    parts = [hit.listing.name]
    where = _where(hit)
    if where:
        parts.append(where.replace(" away", "").replace("miles", "mi").replace("mile", "mi"))
    parts.append(_short_status(hit.status, now))
    phone = first_phone(hit.listing)
    if with_phone and phone:
        parts.append(phone)
    return gsm_safe(f"{number} " + ", ".join(parts))


def page_messages(
    intro: str, hits: list[Hit], start: int, remaining: int, channel: str, now: datetime, sample: bool = False
) -> list[dict]:
    """One page of results: `hits` are the (up to 3) shown, numbered from 1.

    `remaining` counts results after this page (for "more").
    """
    note = SAMPLE_NOTE if sample else ""
    if is_sms(channel):
        footer_options = ", ".join(str(i + 1) for i in range(len(hits)))
        if len(hits) > 1:
            footer_options = footer_options.rsplit(", ", 1)
            footer_options = " or ".join(footer_options)
        footer = f"Reply {footer_options} for details" + (", or MORE for more." if remaining else ".")
        for with_phone in (True, False):
            lines = [gsm_safe(note + intro)] + [sms_line(i + 1, h, now, with_phone) for i, h in enumerate(hits)]
            text = "\n".join(lines + [footer])
            if sms_segments(text) <= sms_max_segments():
                return [{"text": text}]
        return [{"text": text[: GSM7_MULTI * sms_max_segments() - 3] + "..."}]
    messages = [{"text": note + intro}]
    for i, hit in enumerate(hits):
        messages.append(
            {
                "text": card_text(i + 1, hit, now),
                "buttons": [{"title": "More about this", "payload": option_payload(i + 1)}],
            }
        )
    buttons = []
    if remaining:
        buttons.append({"title": "Show more", "payload": "/more_options"})
    buttons.append({"title": "Talk to a person", "payload": "/human_handoff"})
    more = " or say 'more'" if remaining else ""
    messages.append({"text": f"Pick one for details{more}.", "buttons": buttons})
    return messages


def details_text(listing: Listing, now: datetime, sms: bool = False) -> str:
    """Everything she needs to go: address, phone, hours, how to get there."""
    status = opening_status(listing.hours, now)
    site = listing.site
    lines = [listing.name]
    if listing.description and not sms:
        lines.append(listing.description)
    if site is not None:
        address = ", ".join(p for p in (site.address, site.postcode) if p) or site.borough
        if address:
            lines.append(f"Address: {address}")
    elif listing.national:
        lines.append("A national phone line.")
    for phone in listing.phones[: 1 if sms else 2]:
        lines.append(f"Phone: {display_phone(phone.number, phone.display)}")
    lines.append(f"Open: {week_text(listing.hours)}")
    lines.append(status_text(status, now) + ".")
    if site is not None and site.transport:
        lines.append(f"Getting there: {site.transport}")
    who = listing.eligibility or ""
    if listing.women_only and "women" not in who.lower():
        who = (who + ". Women only").strip(". ")
    if who:
        lines.append(f"Who it's for: {who}")
    if listing.last_checked and not sms:
        lines.append(f"Last checked: {listing.last_checked.day} {listing.last_checked:%B %Y}")
    text = "\n".join(lines)
    if sms:
        text = gsm_safe(text)
        while sms_segments(text) > sms_max_segments() and len(lines) > 3:
            lines.pop(-1)
            text = gsm_safe("\n".join(lines))
    return text


def national_text(hits: list[Hit], sms: bool = False) -> str:
    """'Free national helplines:' and one line each."""
    lines = ["Free national helplines:"]
    for hit in hits:
        phone = first_phone(hit.listing)
        hours = "day and night" if hit.status.state == "always" else week_text(hit.listing.hours).split(".")[0]
        lines.append(f"{hit.listing.name}: {phone}" + ("" if sms else f" ({hours})"))
    text = "\n".join(lines)
    return gsm_safe(text) if sms else text
