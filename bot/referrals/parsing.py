"""Reading a woman's answers to the referral questions.

Pure functions (text in, value out), so they are easy to test and fuzz. Each
returns None when the answer can't be read, and the form asks again kindly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers

from bot.dates import has_impossible_date
from bot.db.models.enums import Need

MAX_ANSWER = 500

_YES = re.compile(
    r"^(y|ye|yes+|yeah|yea|yep|yup|yh|aye|ok|okay|k|sure|fine|correct|right|that'?s (right|ok|fine|correct)|"
    r"go on|of course|please|yes please|sounds good|alright|affirm|si|sí|tak|da|oui|sim)\b",
    re.I,
)
_NO = re.compile(r"^(n|no+|nope|nah|not really|no thanks|no thank you|deny|never|nie|non|não)\b", re.I)


def clean(text: str | None) -> str:
    """Drop control characters and squash spaces; cap the length."""
    text = (text or "")[:MAX_ANSWER]
    text = "".join(ch for ch in text if ch.isprintable() or ch in " \t")
    return re.sub(r"\s+", " ", text).strip()


def parse_yes_no(text: str | None, intent: str | None = None) -> bool | None:
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    t = clean(text).lower().strip(".!")
    if _NO.match(t):
        return False
    if _YES.match(t):
        return True
    return None


def parse_age(text: str | None, intent: str | None = None) -> str | None:
    """'adult', 'under18' or None. Accepts yes/no to "18 or over?" or an age."""
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
    yes_no = parse_yes_no(t, intent)
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
    candidates = re.findall(r"\+?[\d][\d\s\-()]{8,16}\d", t)
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
    for raw in re.findall(r"\+?[\d][\d\s\-()]{8,16}\d", clean(text)):
        try:
            number = phonenumbers.parse(raw, "GB")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE:
            return True
    return False


def format_mobile(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


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
    if re.fullmatch(r"(?i)(any ?time|whenever|always|any|all day|anytime is fine|any time is fine)", t):
        return "any time"
    return t[:200]


# Words that mean the police sent her: the pathway answer, and her first message.
_POLICE_WORDS = re.compile(r"\b(police|polis|caution\w*|officer|cops?|custody|arrest\w*|nicked)\b", re.I)
_SELF_REFERRAL_WORDS = re.compile(r"\b(myself|my ?self|self[- ]?refer\w*|on my own|by myself|voluntar\w*)\b", re.I)


def says_self_referral(text: str | None) -> bool:
    """"I want to refer myself": her words already answer "did the police send you?"."""
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


NEED_LABELS = {
    Need.ACCOMMODATION: "housing",
    Need.FINANCE: "money or debt",
    Need.HEALTH: "health or mental health",
    Need.DRUGS_ALCOHOL: "drink or drugs",
    Need.CHILDREN_FAMILIES: "children and family",
    Need.EDUCATION_EMPLOYMENT: "work or training",
    Need.ABUSE: "abuse at home",
    Need.ATTITUDES: "anger or how I act",
    Need.SEX_WORK: "sex work",
}
# Numbered as in utter_ask_needs.
NEED_NUMBERS = {str(i + 1): need for i, need in enumerate(NEED_LABELS)}
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


_CHOICE_JOINERS = frozenset({"and", "or", "n", "please", "pls", "plz", "thanks", "thx", "ta", "x", "xx", "xxx", "too", "also"})


def parse_needs(text: str | None) -> list[str] | None:
    """Needs from numbers ("1 3"), words ("housing and money"), or both."""
    t = clean(text).lower()
    found: list[Need] = []
    for m in re.finditer(r"(?<![\d/])([1-9])(?![\d/])", t):
        # "2 kids", "3 weeks": a number that counts something is not a choice.
        after = re.match(r"\s*([a-z]+)", t[m.end():])
        if after and after.group(1) not in _CHOICE_JOINERS:
            continue
        found.append(NEED_NUMBERS[m.group(1)])
    for need, regex in _NEED_RES.items():
        if regex.search(t):
            found.append(need)
    if not found:
        return None
    return sorted({n.value for n in found})


def needs_text(values: list[str]) -> str:
    labels = [NEED_LABELS[Need(v)] for v in values]
    return ", ".join(labels)


# Form commands. Exact short phrases only: the model's intent is the second opinion.
_SKIP = re.compile(r"^(skip( it| this| that)?|pass|next|rather not( say)?|prefer not( to say)?|dunno|don'?t know|i don'?t know|no comment|not sure|n/a|na)$", re.I)
_BACK = re.compile(r"^((go )?back|go back( please)?|previous( question)?|undo|last question)$", re.I)
_STOP = re.compile(r"^(stop|stop (this|it|now|please)|i want to stop|quit( this)?|exit|forget it|never ?mind|leave it|cancel (this|it|the form|referral)|end this)$", re.I)
_CHANGE = re.compile(r"^(change|edit|fix|correct|wrong|that'?s wrong|not right)\b", re.I)

CONTROL_INTENTS = {"skip": "skip", "go_back": "back", "stop_form": "stop", "change_field": "change"}


def detect_control(text: str | None) -> str | None:
    t = clean(text).lower().strip(" .!")
    if _SKIP.match(t):
        return "skip"
    if _BACK.match(t):
        return "back"
    if _STOP.match(t):
        return "stop"
    if _CHANGE.match(t) or re.search(r"\b(change|wrong|edit)\b.*\b(name|number|phone|mobile|postcode|area|address|borough|contact|text|call|time|police|caution|date|reference|ref|help|needs)\b", t):
        return "change"
    return None


_FIELDS = [
    ("preferred_name", r"name|call me"),
    ("location", r"postcode|post code|area|address|borough|where i live|live|moved"),
    ("phone", r"number|phone|mobile|mob"),
    ("contact_safety", r"texts?|calls?|contact"),
    ("safe_times", r"times?|when"),
    ("caution_details", r"date|reference|\bref\b"),
    ("pathway", r"police|caution|self|myself"),
    ("needs", r"help|needs?|support|options"),
]


def field_to_change(text: str | None) -> str | None:
    t = clean(text).lower()
    for slot, pattern in _FIELDS:
        if re.search(rf"\b({pattern})", t):
            return slot
    return None


# --- Corrections with the new value in the same message ----------------------
# "oh wait the number is wrong, it's 07700900432" or "change my name to Jess":
# the form takes the new value instead of asking for it again.

_CORRECTION_WORDS = re.compile(
    r"\b(change|changed|wrong|edit|fix|correct(ion)?|mistake|typo|meant|actually|instead|not right|oops|sorry|moved)\b", re.I
)
# Where the new value starts ("it's 0770...", "to Jess", "should be SE15 4QF").
_VALUE_MARKER = re.compile(
    r"(\bit\s*'?s\b|\bits\b|\bit is\b|\bit should be\b|\bshould be\b|\bshould say\b|\bis actually\b|"
    r"\bactually\b|\bcall me\b|\bto\b|:|=|->)",
    re.I,
)
_COMPLAINT = re.compile(
    r"\b(is|'s|s|are|was|were)?\s*(spelt|spelled|written|put)?\s*"
    r"(wrong|not right|incorrect|a mistake|a typo|misspelt|misspelled|changed|out of date|old)\b",
    re.I,
)
_LEAD_FILLER = re.compile(r"^(\s|[,.;:!-]|\b(is|'s|s|was|are|and|but|so|now|sorry|oh|oops|please|pls)\b)+", re.I)
_TAIL_FILLER = re.compile(
    r"(\s|[,.;:!-]|\b(now|instead|please|pls|thanks|thank you|ta|x+|then|sorry|not)\b)+$", re.I
)
# Words a correction's leftovers may hold that are never part of a name.
_NOT_A_NAME = re.compile(
    r"\b(any|anytime|time|times|after|before|am|pm|only|texts?|calls?|ok|okay|fine|please|not|no|yes|wrong|right|"
    r"change|changed|that|this|it|name|number|phone|mobile|spelt|spelled|mistake|typo|me|my|is)\b",
    re.I,
)


def says_correction(text: str | None) -> bool:
    """Words that mark a correction of an earlier answer."""
    return bool(_CORRECTION_WORDS.search(clean(text)))


def correction_value(text: str | None, field: str) -> str | None:
    """The words that hold the new value of `field` in a correction, or None.

    The value comes after the last marker ("it's", "to", "should be"), or
    else after the field's own word ("my name is Jess"); complaints ("is
    wrong") and what she is taking back ("not Jo") are dropped.
    """
    t = clean(text)
    pattern = dict(_FIELDS).get(field)
    if not t or pattern is None:
        return None
    markers = list(_VALUE_MARKER.finditer(t))
    field_word = re.search(rf"\b({pattern})\w*", t, re.I)
    if markers and (field_word is None or markers[-1].start() >= field_word.end() - 1
                    or field in ("phone", "location")):
        value = t[markers[-1].end():]
    elif field_word is not None:
        value = t[field_word.end():]
    else:
        return None
    value = _COMPLAINT.sub(" ", value)
    if field not in ("contact_safety", "safe_times"):
        # "Jess not Jo", "Hackney, not Lambeth": the part after "not" is the old value.
        value = re.split(r"(?i)[,;]?\s*\bnot\b", value)[0]
    value = _TAIL_FILLER.sub("", _LEAD_FILLER.sub("", value)).strip()
    if not value or not re.search(r"[^\W_]", value):
        return None
    if field == "preferred_name" and _NOT_A_NAME.search(value):
        return None
    return value


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
    return bool(_THIS_NUMBER.search(t)) and not _OTHER_NUMBER.search(t)


def says_another_number(text: str | None) -> bool:
    t = clean(text).lower()
    return bool(re.search(r"\b(another|different|other|new)\s+(one|number|no\.?|phone|mobile)\b", t))


# --- What came of her contact with the police (#19 point 15) -------------------
# Every outcome can come to us; only a caution has meetings to book by a deadline.

_OUTCOME_WORDS = (
    ("released_under_investigation",
     r"released under investigation|under investigation|\brui\b|on bail|police bail|bailed|pre[- ]?charge bail"),
    ("charged",
     r"\bcharged\b|\bcharge(s|d)? (me|against)\b|(due|going|have to go|got to go|appear\w*|up) (in|at|to) "
     r"(court|magistrates\w*|crown court)|court (date|case|hearing)|summons\w*|summoned|\bpostal requisition\b"),
    ("no_further_action",
     r"no further action|\bnfa\b|\bnfa'?d\b|no action (was )?taken|took no action|dropped (it|the case|the charges)|"
     r"(case|charges?|it) (was |were )?dropped|let (me )?(off|go) with(out)? nothing|released without charge"),
    ("cautioned", r"caution\w*|conditional caution|community resolution|diversion"),
)
_OUTCOME_RES = [(name, re.compile(pattern, re.I)) for name, pattern in _OUTCOME_WORDS]
OUTCOME_PATHWAYS = ("no_further_action", "released_under_investigation", "charged")
OUTCOME_LABELS = {
    "no_further_action": "no further action",
    "released_under_investigation": "released under investigation",
    "charged": "charged",
    "cautioned": "cautioned",
}


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


# --- Safe times read back in a neutral form, and disclosures (#19 point 20) -----

_DAYS = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?\b|"
         r"week ?days?\b|week ?ends?\b")
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
    if re.fullmatch(r"(?i)(any ?time|whenever|always|any|all day|anytime is fine|any time is fine)", t):
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


# --- Reaching her from a chat that does not know her (#19 points 12 and 13) -----

_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")


def find_email(text: str | None) -> str | None:
    m = _EMAIL.search(clean(text))
    return m.group(0).lower()[:200] if m else None


def find_reference(text: str | None, prefix: str) -> str | None:
    """Her referral reference ("ELP-7K3D9X", "elp 7k3d9x", "ELP7K3D9X")."""
    m = re.search(rf"\b{re.escape(prefix)}[\s-]?([A-Z0-9]{{6}})\b", clean(text), re.I)
    return f"{prefix}-{m.group(1).upper()}" if m else None


def asks_how_contacted(text: str | None) -> bool:
    """ "How will they contact me?", "will they call me?", "who will ring me?"."""
    t = clean(text).lower()
    return bool(re.search(
        r"\b(how|who|when|will|would|what)\b.*\b(contact|reach|call|ring|phone|text|message|get (in )?touch|get back)\b",
        t,
    ) and ("?" in t or re.match(r"(how|who|when|will|would|what)\b", t)))
