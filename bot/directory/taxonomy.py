"""The needs taxonomy for listings, and reading needs out of what she writes.

The nine pathways (bot.db.models.enums.Need) are the top terms; the extra
terms the issue asks for sit under one of them, so a listing tagged "housing"
also counts as "accommodation" (ancestors are added on save). "womens_centre"
is our one addition: a women's centre helps with every pathway, so it is the
closest broader option when nothing matches a need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.db.models.enums import Need

VOCABULARY = "elpis-needs"

# code -> (label for her, parent code or None)
CATEGORIES: dict[str, tuple[str, str | None]] = {
    Need.ACCOMMODATION.value: ("housing and somewhere to stay", None),
    Need.EDUCATION_EMPLOYMENT.value: ("learning, training and work", None),
    Need.HEALTH.value: ("health", None),
    Need.DRUGS_ALCOHOL.value: ("drink and drugs", None),
    Need.FINANCE.value: ("money, benefits and debt", None),
    Need.CHILDREN_FAMILIES.value: ("children and family", None),
    Need.ATTITUDES.value: ("anger and how you act", None),
    Need.ABUSE.value: ("abuse and violence", None),
    Need.SEX_WORK.value: ("sex work", None),
    "mental_health": ("mental health", Need.HEALTH.value),
    "domestic_abuse": ("abuse at home", Need.ABUSE.value),
    "counselling": ("counselling", "mental_health"),
    "parenting": ("parenting", Need.CHILDREN_FAMILIES.value),
    "employment": ("finding work", Need.EDUCATION_EMPLOYMENT.value),
    "housing": ("housing", Need.ACCOMMODATION.value),
    "legal_advice": ("legal advice", None),
    "groups_activities": ("groups and activities", None),
    "womens_centre": ("women's centre", None),
}
WOMENS_CENTRE = "womens_centre"


def is_category(code: str) -> bool:
    return code in CATEGORIES


def label(code: str) -> str:
    return CATEGORIES[code][0]


def parent(code: str) -> str | None:
    return CATEGORIES[code][1]


def ancestors(code: str) -> list[str]:
    found: list[str] = []
    current = parent(code)
    while current is not None:
        found.append(current)
        current = parent(current)
    return found


def with_ancestors(codes: Iterable[str]) -> list[str]:
    """The codes plus every broader term, sorted (what is stored on a listing)."""
    out: set[str] = set()
    for code in codes:
        out.add(code)
        out.update(ancestors(code))
    return sorted(out)


def normalise_code(text: str) -> str | None:
    """'Mental health', 'mental-health', 'mental_health' -> 'mental_health'."""
    code = re.sub(r"[^a-z]+", "_", (text or "").lower().replace("'", "")).strip("_")
    aliases = {
        "womens_centres": WOMENS_CENTRE,
        "women_centre": WOMENS_CENTRE,
        "groups": "groups_activities",
        "legal": "legal_advice",
        "abuse": Need.ABUSE.value,
        "drugs": Need.DRUGS_ALCOHOL.value,
    }
    code = aliases.get(code, code)
    return code if code in CATEGORIES else None


# Words she uses -> the most specific term. Order matters only for reading.
_NEED_WORDS: list[tuple[str, str]] = [
    ("womens_centre", r"wom[ae]n'?s? ?cent(re|er)s?|women ?only (place|centre|center|space)|drop[- ]?in"),
    (
        "housing",
        r"hous\w*|home ?less\w*|evict\w*|rent\b|rent arrears|landlord|hostels?|refuge|somewhere (to|2) (stay|live|sleep)|"
        r"place to (stay|live|sleep)|sofa ?surf\w*|sleeping rough|on the streets|council flat|accommodation",
    ),
    (
        "drugs_alcohol",
        r"drink\w*|alcohol\w*|drugs?\b|drug use|booze|weed|cannabis|coke\b|cocaine|crack\b|heroin|"
        r"addict\w*|sober|aa meetings?|\baa\b|\bna\b meetings?|rehab|detox|gambl\w*",
    ),
    ("counselling", r"counsell?\w*|therap\w*|bereave\w*|grief|talk(ing)? therap\w*"),
    ("mental_health", r"mental\w*|depress\w*|anxi\w*|panic|ptsd|trauma\w*|feelings|stress\w*|low mood|my head"),
    (
        Need.HEALTH.value,
        r"\bgp\b|doctor|nurse|dentist|sexual health|clinic|health\b|pregnan\w*|period products|sanitary|"
        r"\bpads\b|tampons|shower|wash",
    ),
    ("legal_advice", r"legal\w*|solicitor|lawyer|immigration|visa|court\b|tribunal|rights"),
    (
        Need.FINANCE.value,
        r"money|debts?\b|benefits?|universal credit|\buc\b|\bpip\b|skint|bills?\b|council tax|"
        r"financ\w*|loan|arrears|broke|food ?banks?|food\b|sanction\w*|gas and electric|electric\w*",
    ),
    ("parenting", r"parent\w*|mums?\b|mothers?\b|mummy"),
    (Need.CHILDREN_FAMILIES.value, r"child\w*|kids?\b|famil\w*|social (services|worker)|baby|babies|nursery|school"),
    ("employment", r"\bjobs?\b|employ\w*|(?<!sex )(?<!social )\bwork\b|\bcv\b|career"),
    (
        Need.EDUCATION_EMPLOYMENT.value,
        r"training|courses?|college|education|classes|esol|english|skills|volunteer\w*|learn\w*",
    ),
    ("domestic_abuse", r"domestic\w*|abusive|coercive|controlling|my (partner|ex|boyfriend|husband)"),
    (Need.ABUSE.value, r"abus\w*|rape|sexual (violence|assault)|stalk\w*|harass\w*"),
    (
        Need.ATTITUDES.value,
        r"anger|angry|temper|how i (act|think|behave)|behaviou?r|attitude|ex[- ]?offenders?|offending",
    ),
    (Need.SEX_WORK.value, r"sex ?work\w*|escort\w*|selling sex|prostitut\w*"),
    (
        "groups_activities",
        r"groups?\b|activit\w*|clubs?\b|meet (other )?(women|people)|socialis\w*|something to do|"
        r"somewhere (to go|warm)|during the day|lonely",
    ),
]
_NEED_RES = [(code, re.compile(rf"\b(?:{pattern})", re.I)) for code, pattern in _NEED_WORDS]
# "someone to talk to" is counselling only when no other need is named:
# "somewhere to talk about my drinking" is about drinking.
_TALK_RE = re.compile(r"\b(talk|speak|chat)\w*\b", re.I)


def needs_in_text(text: str | None) -> list[str]:
    """Taxonomy codes named in free text, most specific first, no duplicates."""
    t = text or ""
    found: list[str] = []
    for code, regex in _NEED_RES:
        if regex.search(t) and code not in found:
            found.append(code)
    # A more specific term makes its own ancestors redundant ("mental health" + "health").
    specific = [c for c in found if not any(c in ancestors(other) for other in found if other != c)]
    if not specific and _TALK_RE.search(t):
        specific = ["counselling"]
    return specific
