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
