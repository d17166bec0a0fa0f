"""Listing phone numbers: stored as E.164 (or a UK short number), shown the UK way."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo


def normalise_phone(text: str | None) -> str | None:
    """'020 7946 0101' -> '+442079460101'; '116 123' -> '116123'; None if not a number."""
    raw = (text or "").strip()
    digits = re.sub(r"[\s\-().]", "", raw)
    if not digits:
        return None
    if re.fullmatch(r"\d{3,6}", digits):
        number = phonenumbers.parse(digits, "GB")
        return digits if shortnumberinfo.is_valid_short_number(number) or digits in ("116123", "116111") else None
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        # Ofcom's drama range (020 7946 0xxx) is not "valid" but is what SAMPLE data uses.
        national = str(number.national_number)
        if not (number.country_code == 44 and national.startswith("2079460")):
            return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def same_number(stored: str, written: str | None) -> bool:
    return bool(written) and normalise_phone(written) == stored


def display_phone(stored: str, written: str | None = None) -> str:
    """'+442079460101' -> '020 7946 0101'; '116123' -> '116 123'.

    `written` (the organisation's own spacing) wins when it is the same number.
    """
    if written and same_number(stored, written):
        return " ".join(written.split())
    if not stored.startswith("+"):
        return f"{stored[:3]} {stored[3:]}".strip() if len(stored) == 6 else stored
    try:
        number = phonenumbers.parse(stored, "GB")
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code != 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if text.replace(" ", "") == "0" + str(number.national_number) and " " not in text:
        national = "0" + str(number.national_number)
        if national.startswith("020"):
            return f"{national[:3]} {national[3:7]} {national[7:]}"
    return text


# One CSV cell holds all of a listing's numbers: "020 7946 0101 (advice line); 116 123".
_DESCRIBED = re.compile(r"^(?P<number>.*?)\s*\((?P<description>[^()]*)\)\s*$")


def phone_cell(phones: list[dict]) -> str:
    """A listing's phones as one CSV cell; each description in brackets after its number."""
    parts = []
    for phone in phones:
        description = (phone.get("description") or "").strip()
        parts.append(f"{phone['number']} ({description})" if description else phone["number"])
    return "; ".join(parts)


def parse_phone_cell(text: str) -> list[dict]:
    """The reverse of phone_cell. A bracket only at the start, as in '(020) 7946 0101', is part of the number."""
    entries = []
    for item in re.split(r"[;\n]", text):
        item = item.strip()
        if not item:
            continue
        match = _DESCRIBED.match(item)
        if match and match["number"] and re.search(r"\d", match["number"]):
            entries.append({"number": match["number"], "description": match["description"].strip() or None})
        else:
            entries.append({"number": item})
    return entries
