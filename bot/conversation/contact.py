"""How and when we may reach her: mobile numbers, email, safe times, and words
about another person that she tells us for her safety.

Pure functions; each returns None when the answer can't be read.
"""

from __future__ import annotations

import re

import phonenumbers

from bot.conversation.answers import clean
from bot.wording.languages import language

# --- Mobile numbers ---------------------------------------------------------------

_NUMBER_LIKE = r"\+?[\d][\d\s\-()]{8,16}\d"


def _is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    # Ofcom keeps 07700 900000-900999 for drama; accepted so demos and tests
    # never text a real person. phonenumbers (rightly) calls them unassigned.
    return str(number.national_number).startswith("7700900") and len(str(number.national_number)) == 10


def normalise_mobile(text: str | None) -> str | None:
    """A UK mobile number in E.164 (+447...), or None.

    phonenumbers knows the UK numbering plan; landlines and made-up numbers
    are refused because appointments and reminders go by text.
    """
    t = clean(text)
    candidates = re.findall(_NUMBER_LIKE, t)
    for raw in candidates:
        try:
            number = phonenumbers.parse(raw, "GB")
        except phonenumbers.NumberParseException:
            continue
        if number.country_code != 44:
            continue
        if _is_drama_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if not phonenumbers.is_valid_number(number):
            continue
        if phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            continue
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def looks_like_landline(text: str | None) -> bool:
    for raw in re.findall(_NUMBER_LIKE, clean(text)):
        try:
            number = phonenumbers.parse(raw, "GB")
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
        ):
            return True
    return False


def format_mobile(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


# --- Her texting number -----------------------------------------------------------

_THIS_NUMBER = re.compile(
    r"\b(this|that|same|the same|current|my own|my)\s+(one|number|no\.?|phone|mobile|mob)\b|"
    r"\b(texting|messaging|using|texted|writing)\s+(you\s+)?(from|on|with)\b|^same$|^this$",
    re.I,
)
_OTHER_NUMBER = re.compile(r"\b(not|another|different|new|other|don'?t|dont|wrong|change|changed|old)\b", re.I)


def says_this_number(text: str | None) -> bool:
    """ "this one", "this number", "the one I'm texting from": her texting number."""
    t = clean(text).lower().strip(" .!")
    if t in language().answer_words.get("this_number", ()):  # "ten numer", "este número"...
        return True
    return bool(_THIS_NUMBER.search(t)) and not _OTHER_NUMBER.search(t)


def says_another_number(text: str | None) -> bool:
    t = clean(text).lower()
    return bool(re.search(r"\b(another|different|other|new)\s+(one|number|no\.?|phone|mobile)\b", t))


# --- Email --------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")


def find_email(text: str | None) -> str | None:
    m = _EMAIL.search(clean(text))
    return m.group(0).lower()[:200] if m else None


# --- Safe times read back in a neutral form, and disclosures (#19 point 20) -----

ANY_TIME = re.compile(r"(?i)(any ?time|whenever|always|any|all day|anytime is fine|any time is fine)")

_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?\b|"
    r"week ?days?\b|week ?ends?\b"
)
_PARTS = r"(?:mornings?|afternoons?|evenings?|nights?|lunch ?times?|day ?times?|daytime)\b"
_CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?|noon|midday|midnight"
_TIME_PHRASES = re.compile(
    rf"\b(any ?time|whenever|all day|"
    rf"(?:(?:after|before|from|until|till|til|around|about|between|by)\s+)?(?:{_CLOCK})"
    rf"(?:\s*(?:-|to|and|until|till)\s*(?:{_CLOCK}))?(?![\w:])|"
    rf"(?:{_DAYS})(?:\s+(?:and|or|&|,)?\s*(?:{_DAYS}))*(?:\s+(?:{_PARTS}))?|"
    rf"(?:in the\s+)?(?:{_PARTS}))",
    re.I,
)
# Another person in her words about when or how we may reach her: she is telling
# us something about her safety, which we acknowledge and never repeat.
_DISCLOSURE = re.compile(
    r"\b(he|he'?s|hes|him|his|she'?s|partner'?s?|boyfriend|bf|husband|hubby|fella|ex|girlfriend|wife|"
    r"family|mum|dad|brother|sister|they|they'?re|kids'? dad|baby'?s? (father|dad)|"
    r"checks?|reads?|goes through|looks? (at|through)|monitors?|tracks?|watches|controls?|finds? out|"
    r"not allowed|won'?t let|scared|afraid|frightened|hits?|hurts?)\b",
    re.I,
)


def neutral_times(text: str | None) -> str | None:
    """Only the days and times in her answer ("weekday mornings when he's at work"
    -> "weekday mornings"), or None when there are none."""
    t = clean(text)
    if ANY_TIME.fullmatch(t):
        return "any time"
    found = [m.group(0).strip() for m in _TIME_PHRASES.finditer(t) if re.search(r"[^\W_]", m.group(0))]
    found = [f for f in found if not re.fullmatch(r"\d{1,2}", f)]  # a bare number is not a time
    if not found:
        return None
    words = ", ".join(dict.fromkeys(f.lower() for f in found))
    return re.sub(r"\s+", " ", words)[:120]


def discloses(text: str | None) -> bool:
    """Her answer says something about another person or her safety."""
    return bool(_DISCLOSURE.search(clean(text)))
