"""How results look: cards with buttons on the web, short numbered text on SMS.

Pure functions from search hits to messages ({"text": ..., "buttons": [...]}),
so the wording and the SMS length limit are unit-tested.
"""

from __future__ import annotations

from datetime import datetime

from bot.directory.catalogue import Listing
from bot.directory.hours import opening_status, short_status_text, status_text, week_text
from bot.directory.phones import display_phone
from bot.directory.search import Hit

# The SMS rules' own functions, under the names answers.py and the tests use here.
from bot.messaging.sms_rules import GSM7_MULTI
from bot.messaging.sms_rules import plain_punctuation as gsm_safe
from bot.messaging.sms_rules import segments as sms_segments
from bot.settings import get_settings
from bot.wording import buttons, say

PAGE = 3
SMS_CHANNELS = frozenset({"sms", "twilio"})
SAMPLE_NOTE = say("services.sample_note")

# (how near, the unit's form) -> its words; "sms" is the short unit of an SMS line.
_MILES = {
    ("plain", "many"): "services.miles",
    ("plain", "one"): "services.mile",
    ("about", "many"): "services.miles_about",
    ("about", "one"): "services.mile_about",
    ("under", "many"): "services.miles_under",
    ("plain", "sms"): "services.miles_sms",
    ("about", "sms"): "services.miles_about_sms",
    ("under", "sms"): "services.miles_under_sms",
}


def sms_max_segments() -> int:
    return get_settings().sms_max_segments


def is_sms(channel: str | None) -> bool:
    return (channel or "").lower() in SMS_CHANNELS


def miles(km: float | None, approximate: bool = False, short: bool = False) -> str | None:
    if km is None:
        return None
    value = km * 0.621371
    if value < 0.2:
        number, how = "0.2", "about" if approximate else "under"
    else:
        number = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
        how = "about" if approximate else "plain"
    unit = "sms" if short else ("one" if number == "1" else "many")
    return say(_MILES[how, unit], number=number)


def first_phone(listing: Listing) -> str | None:
    return display_phone(listing.phones[0].number, listing.phones[0].display) if listing.phones else None


def _where(hit: Hit, short: bool = False) -> str | None:
    if hit.listing.national:
        return say("services.where_national")
    approximate = bool(hit.listing.site and hit.listing.site.approximate)
    distance = miles(hit.distance_km, approximate, short)
    if distance:
        return distance if short else say("services.distance_away", distance=distance)
    return hit.listing.site.borough if hit.listing.site else None


def card_text(number: int, hit: Hit, now: datetime) -> str:
    listing = hit.listing
    lines = [say("services.card_title", number=number, name=listing.name)]
    facts = [f for f in (_where(hit), say("services.women_only") if listing.women_only else None) if f]
    if facts:
        lines.append(", ".join(facts).capitalize())
    lines.append(status_text(hit.status, now))
    phone = first_phone(listing)
    if phone:
        lines.append(say("services.card_phone", phone=phone))
    return "\n".join(lines)


def option_payload(number: int) -> str:
    return '/choose_option{"option": %d}' % number


def sms_line(number: int, hit: Hit, now: datetime, with_phone: bool = True) -> str:
    parts = [hit.listing.name]
    where = _where(hit, short=True)
    if where:
        parts.append(where)
    parts.append(short_status_text(hit.status, now))
    phone = first_phone(hit.listing)
    if with_phone and phone:
        parts.append(phone)
    return gsm_safe(say("services.sms_line", number=number, details=", ".join(parts)))


def numbers_or(numbers: list[str], every: bool = False) -> str:
    """'1, 2 or 3'; with `every`, 'or' between each: '1 or 2 or 3'."""
    if len(numbers) < 2:
        return "".join(numbers)
    if not every:
        return say("services.numbers_or", some=", ".join(numbers[:-1]), last=numbers[-1])
    text = numbers[0]
    for number in numbers[1:]:
        text = say("services.numbers_or", some=text, last=number)
    return text


def page_messages(
    intro: str, hits: list[Hit], start: int, remaining: int, channel: str, now: datetime, sample: bool = False
) -> list[dict]:
    """One page of results: `hits` are the (up to 3) shown, numbered from 1.

    `remaining` counts results after this page (for "more").
    """
    note = say("services.sample_note") if sample else ""
    if is_sms(channel):
        options = numbers_or([str(i + 1) for i in range(len(hits))])
        footer = say("services.sms_pick_more" if remaining else "services.sms_pick", options=options)
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
                "buttons": [{"title": say("services.more_about_this"), "payload": option_payload(i + 1)}],
            }
        )
    pick = "services.pick_one_or_more" if remaining else "services.pick_one"
    messages.append({"text": say(pick), "buttons": buttons(pick)})
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
            lines.append(say("services.details_address", address=address))
    elif listing.national:
        lines.append(say("services.details_national"))
    for phone in listing.phones[: 1 if sms else 2]:
        lines.append(say("services.details_phone", phone=display_phone(phone.number, phone.display)))
    lines.append(say("services.details_open", week=week_text(listing.hours)))
    lines.append(say("services.details_status", status=status_text(status, now)))
    if site is not None and site.transport:
        lines.append(say("services.details_transport", transport=site.transport))
    who = listing.eligibility or ""
    if listing.women_only and "women" not in who.lower():
        who = say("services.eligibility_women_only", who=who).strip(". ")
    if who:
        lines.append(say("services.details_who", who=who))
    if listing.last_checked and not sms:
        checked = f"{listing.last_checked.day} {listing.last_checked:%B %Y}"
        lines.append(say("services.details_last_checked", date=checked))
    text = "\n".join(lines)
    if sms:
        text = gsm_safe(text)
        while sms_segments(text) > sms_max_segments() and len(lines) > 3:
            lines.pop(-1)
            text = gsm_safe("\n".join(lines))
    return text


def national_text(hits: list[Hit], sms: bool = False) -> str:
    """'Free national helplines:' and one line each."""
    lines = [say("services.national_heading")]
    for hit in hits:
        name, phone = hit.listing.name, first_phone(hit.listing)
        if sms:
            lines.append(say("services.national_line", name=name, phone=phone))
            continue
        always = hit.status.state == "always"
        hours = say("services.national_always") if always else week_text(hit.listing.hours, bank_holidays=False)
        lines.append(say("services.national_line_hours", name=name, phone=phone, hours=hours))
    text = "\n".join(lines)
    return gsm_safe(text) if sms else text
