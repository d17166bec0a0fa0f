"""Reading a woman's answers to the referral questions (the answers every
feature reads alike are in bot/conversation).

Pure functions (text in, value out), so they are easy to test and fuzz. Each
returns None when the answer can't be read, and the form asks again kindly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from bot.conversation.answers import clean, parse_yes_no
from bot.conversation.contact import (
    ANY_TIME,
    format_mobile,  # noqa: F401  (bot/privacy/summary.py imports it from here)
)
from bot.dates import has_impossible_date
from bot.db.models.enums import Need
from bot.wording import say
from bot.wording.catalogue import DEFAULT_LANGUAGE, current_language
from bot.wording.languages import fold_words


def stated_age(text: str | None) -> str | None:
    """'adult' or 'under18' when her words give an age ("I'm 16", "under 18", "yes im 25"), else None."""
    t = clean(text).lower()
    if re.search(r"\b(under|not yet|younger|below)\b", t):
        return "under18"
    m = re.search(r"\b(\d{1,3})\b", t)
    if m and not re.search(r"\d{4,}", t):
        age = int(m.group(1))
        if 10 <= age < 18:
            return "under18"
        if 18 <= age <= 110:
            return "adult"
    return None


def parse_age(text: str | None, intent: str | None = None) -> str | None:
    """'adult', 'under18' or None. Accepts yes/no to "18 or over?" or an age."""
    age = stated_age(text)
    if age is not None:
        return age
    yes_no = parse_yes_no(clean(text).lower(), intent)
    if yes_no is None:
        return None
    return "adult" if yes_no else "under18"


_NAME_PREFIX = re.compile(
    r"^(hi|hello)?[ ,]*(you can )?(call me|my name is|my name'?s|name'?s|i'?m|i am|it'?s|its|im)\s+", re.I
)
_NAME_OK = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\-.])*$")


def parse_name(text: str | None) -> str | None:
    """What to call her: up to 40 letters (any alphabet), no digits or symbols."""
    t = _NAME_PREFIX.sub("", clean(text)).strip(" .!,")
    if not t or len(t) > 40 or len(t.split()) > 4:
        return None
    if not _NAME_OK.match(t):
        return None
    return t[:1].upper() + t[1:]


@dataclass(frozen=True)
class ContactSafety:
    text_ok: bool
    call_ok: bool


_TEXTS = r"te?xts?|texting|sms|messages?|messaging|whatsapp"
_CALLS = r"calls?|calling|ring|ringing|phone (me|calls?)|phoning"


def _mentions(kind: str, t: str) -> tuple[bool, bool]:
    """(mentioned, negated) for texts or calls in her answer."""
    mentioned = bool(re.search(rf"\b({kind})\b", t))
    negated = bool(re.search(rf"\b(no|not|don'?t|dont|never|can'?t)\s+(\w+\s+)?({kind})\b", t))
    return mentioned, negated


def parse_contact_safety(text: str | None, intent: str | None = None) -> ContactSafety | None:
    t = clean(text).lower()
    if re.search(r"\b(neither|none|nothing|no contact|not safe)\b", t):
        return ContactSafety(False, False)
    if re.search(r"\b(both|either|any|all of them)\b", t):
        return ContactSafety(True, True)
    texts, no_texts = _mentions(_TEXTS, t)
    calls, no_calls = _mentions(_CALLS, t)
    if texts or calls:
        return ContactSafety(texts and not no_texts, calls and not no_calls)
    yes_no = parse_yes_no(t, intent)
    if yes_no is not None:
        return ContactSafety(yes_no, yes_no)
    return None


def parse_safe_times(text: str | None) -> str | None:
    t = clean(text)
    if not t or not re.search(r"[^\W_]", t):
        return None
    if ANY_TIME.fullmatch(t):
        return "any time"
    return t[:200]


# Words that mean the police sent her: the pathway answer, and her first message.
_POLICE_WORDS = re.compile(r"\b(police|polis|caution\w*|officer|cops?|custody|arrest\w*|nicked)\b", re.I)
_SELF_REFERRAL_WORDS = re.compile(r"\b(myself|my ?self|self[- ]?refer\w*|on my own|by myself|voluntar\w*)\b", re.I)


def says_self_referral(text: str | None) -> bool:
    """ "I want to refer myself": her words already answer "did the police send you?"."""
    t = clean(text)
    return bool(_SELF_REFERRAL_WORDS.search(t)) and not _POLICE_WORDS.search(t)


def parse_pathway(text: str | None, intent: str | None = None) -> str | None:
    t = clean(text).lower()
    if intent == "police_referral" or _POLICE_WORDS.search(t):
        return "police_caution"
    if intent == "self_refer" or re.search(r"\b(me|myself|my ?self|self|own|on my own|i am|i'm|me myself)\b", t):
        return "self"
    return None


_REF = re.compile(r"\b(\d{1,2}/\d{4,7}/\d{2}|[A-Z]{1,4}[-/]?\d{4,10}|\d{6,12})\b", re.I)


@dataclass(frozen=True)
class CautionDetails:
    caution_date: date | None
    police_reference: str | None
    problem: str | None = None  # "future", "too_old", "impossible" or None


def parse_caution_details(text: str | None, today: date) -> CautionDetails | None:
    """A caution date (in the past two years) and/or a police reference."""
    from dateparser.search import search_dates  # imported late: slow to import

    t = clean(text)
    ref_match = _REF.search(t)
    reference = ref_match.group(1).upper() if ref_match else None
    rest = _REF.sub(" ", t) if ref_match else t
    rest = re.sub(r"(?i)\b(ref(erence)?|no\.?|number|caution|date|on|the|was|it|and)\b", " ", rest)
    caution_date = None
    problem = None
    if has_impossible_date(rest):
        return CautionDetails(None, reference, "impossible")
    if re.search(r"[A-Za-z0-9]", rest):
        base = datetime(today.year, today.month, today.day, 12, 0)
        found = search_dates(
            rest,
            languages=["en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "RELATIVE_BASE": base,
            },
        )
        if found:
            caution_date = found[0][1].date()
            if caution_date > today:
                problem, caution_date = "future", None
            elif caution_date < today - timedelta(days=730):
                problem, caution_date = "too_old", None
    if caution_date is None and reference is None:
        return CautionDetails(None, None, problem) if problem else None
    return CautionDetails(caution_date, reference, problem)


# Each need's words as she reads them back, numbered as in utter_ask_needs.
NEED_KEYS = {
    Need.ACCOMMODATION: "referral.need_accommodation",
    Need.FINANCE: "referral.need_finance",
    Need.HEALTH: "referral.need_health",
    Need.DRUGS_ALCOHOL: "referral.need_drugs_alcohol",
    Need.CHILDREN_FAMILIES: "referral.need_children_families",
    Need.EDUCATION_EMPLOYMENT: "referral.need_education_employment",
    Need.ABUSE: "referral.need_abuse",
    Need.ATTITUDES: "referral.need_attitudes",
    Need.SEX_WORK: "referral.need_sex_work",
}
# In English, for the staff pages (bot/staff/cases.py).
NEED_LABELS = {need: say(key) for need, key in NEED_KEYS.items()}
NEED_NUMBERS = {str(i + 1): need for i, need in enumerate(NEED_KEYS)}
_NEED_WORDS = {
    Need.ACCOMMODATION: r"hous\w*|home ?less|accommodation|rent|evict\w*|landlord|flat|hostel|somewhere to (live|stay)|sofa surf\w*|council",
    Need.FINANCE: r"money|debt\w*|benefits?|universal credit|\buc\b|skint|bills?|financ\w*|loan|arrears|broke|food ?bank",
    Need.HEALTH: r"health|mental|depress\w*|anxi\w*|stress\w*|gp|doctor|therapy|counsel\w*|sleep|panic|ptsd|trauma|wellbeing",
    Need.DRUGS_ALCOHOL: r"drink\w*|alcohol\w*|drugs?|booze|weed|cannabis|coke|cocaine|crack|heroin|using|addict\w*|sober",
    Need.CHILDREN_FAMILIES: r"child\w*|kids?|famil\w*|parent\w*|social (services|worker)|son|daughter|baby|custody of",
    Need.EDUCATION_EMPLOYMENT: r"work|job\w*|employ\w*|training|course|college|education|skills|cv|volunteer\w*",
    Need.ABUSE: r"abus\w*|domestic|partner|relationship|\bex\b|coercive|controlling|rape|sexual violence",
    Need.ATTITUDES: r"anger|angry|temper|how i (act|think|behave)|behaviou?r|thinking|attitude",
    Need.SEX_WORK: r"sex ?work\w*|escort\w*|selling sex|prostitut\w*",
}
_NEED_RES = {need: re.compile(rf"\b({pattern})", re.I) for need, pattern in _NEED_WORDS.items()}


_CHOICE_JOINERS = frozenset(
    {"and", "or", "n", "please", "pls", "plz", "thanks", "thx", "ta", "x", "xx", "xxx", "too", "also"}
)


def parse_needs(text: str | None) -> list[str] | None:
    """Needs from numbers ("1 3"), words ("housing and money"), or both."""
    t = clean(text).lower()
    found: list[Need] = []
    for m in re.finditer(r"(?<![\d/])([1-9])(?![\d/])", t):
        # "2 kids", "3 weeks": a number that counts something is not a choice.
        after = re.match(r"\s*([a-z]+)", t[m.end() :])
        if after and after.group(1) not in _CHOICE_JOINERS:
            continue
        found.append(NEED_NUMBERS[m.group(1)])
    for need, regex in _NEED_RES.items():
        if regex.search(t):
            found.append(need)
    found += _needs_in_her_words(t)
    if not found:
        return None
    return sorted({n.value for n in found})


@cache
def _label_stems(code: str) -> dict[Need, tuple[str, ...]]:
    """Each need's own words in her language, from the list she was shown (referral.need_*):
    words of four letters or more found in one label only, cut so endings may vary."""
    labels = {need: fold_words(say(key, code)) for need, key in NEED_KEYS.items()}
    counts = Counter(word for words in labels.values() for word in set(words))
    return {
        need: tuple(word[: max(4, len(word) - 2)] for word in words if len(word) >= 4 and counts[word] == 1)
        for need, words in labels.items()
    }


def _needs_in_her_words(t: str) -> list[Need]:
    """ "mieszkanie i długi": the needs named in her language's words (English has its own above)."""
    code = current_language()
    if code == DEFAULT_LANGUAGE:
        return []
    words = fold_words(t)
    return [need for need, stems in _label_stems(code).items() if any(w.startswith(stems) for w in words if stems)]


def needs_text(values: list[str]) -> str:
    labels = [say(NEED_KEYS[Need(v)]) for v in values]
    return ", ".join(labels)


# --- What came of her contact with the police (#19 point 15) -------------------
# Every outcome can come to us; only a caution has meetings to book by a deadline.

_OUTCOME_WORDS = (
    (
        "released_under_investigation",
        r"released under investigation|under investigation|\brui\b|on bail|police bail|bailed|pre[- ]?charge bail",
    ),
    (
        "charged",
        r"\bcharged\b|\bcharge(s|d)? (me|against)\b|(due|going|have to go|got to go|appear\w*|up) (in|at|to) "
        r"(court|magistrates\w*|crown court)|court (date|case|hearing)|summons\w*|summoned|\bpostal requisition\b",
    ),
    (
        "no_further_action",
        r"no further action|\bnfa\b|\bnfa'?d\b|no action (was )?taken|took no action|dropped (it|the case|the charges)|"
        r"(case|charges?|it) (was |were )?dropped|let (me )?(off|go) with(out)? nothing|released without charge",
    ),
    ("cautioned", r"caution\w*|conditional caution|community resolution|diversion"),
)
_OUTCOME_RES = [(name, re.compile(pattern, re.I)) for name, pattern in _OUTCOME_WORDS]
OUTCOME_PATHWAYS = ("no_further_action", "released_under_investigation", "charged")
OUTCOME_KEYS = {
    "no_further_action": "referral.police_outcome_no_further_action",
    "released_under_investigation": "referral.police_outcome_released_under_investigation",
    "charged": "referral.police_outcome_charged",
    "cautioned": "referral.police_outcome_cautioned",
}
# In English, for the staff pages (bot/staff/cases.py).
OUTCOME_LABELS = {outcome: say(key) for outcome, key in OUTCOME_KEYS.items()}


def parse_police_outcome(text: str | None) -> str | None:
    """'cautioned', 'no_further_action', 'released_under_investigation', 'charged' or None.

    The first outcome named in this order wins: "no further action, no
    caution" is not a caution, and "charged, due in court" is not bail.
    """
    t = clean(text).lower()
    t = re.sub(r"\b(no|not|never|wasn'?t|didn'?t get an?|without an?)\s+(a\s+)?caution\w*", " ", t)
    for name, regex in _OUTCOME_RES:
        if regex.search(t):
            return name
    return None


def pathway_value(text: str | None, intent: str | None = None) -> str | None:
    """The pathway slot's value: 'police_caution', 'self', or an outcome that refers herself.

    A police outcome other than a caution is her own referral, with the
    outcome noted (the slot keeps it, so the summary and the record show it).
    """
    outcome = parse_police_outcome(text)
    if outcome in OUTCOME_PATHWAYS:
        return outcome
    if outcome == "cautioned":
        return "police_caution"
    return parse_pathway(text, intent)


# --- Reaching her from a chat that does not know her (#19 points 12 and 13) -----


def find_reference(text: str | None, prefix: str) -> str | None:
    """Her referral reference ("ELP-7K3D9X", "elp 7k3d9x", "ELP7K3D9X")."""
    m = re.search(rf"\b{re.escape(prefix)}[\s-]?([A-Z0-9]{{6}})\b", clean(text), re.I)
    return f"{prefix}-{m.group(1).upper()}" if m else None


def asks_how_contacted(text: str | None) -> bool:
    """ "How will they contact me?", "will they call me?", "who will ring me?"."""
    t = clean(text).lower()
    return bool(
        re.search(
            r"\b(how|who|when|will|would|what)\b.*\b(contact|reach|call|ring|phone|text|message|get (in )?touch|get back)\b",
            t,
        )
        and ("?" in t or re.match(r"(how|who|when|will|would|what)\b", t))
    )
