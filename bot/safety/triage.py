"""Graded triage: how much danger a message speaks of, and so what she gets.

- DANGER (danger now): the fixed crisis reply with 999, an urgent alert, the
  form resumes. The pattern net (bot/safety/crisis.py) decides alone when it
  matches; otherwise the model's `crisis` intent at DANGER_AT or above.
- UNSURE (between danger and distress): "Are you safe right now?", with the
  numbers, once. "No" or "I can't talk" is danger; "Yes" resumes.
- DISTRESS (struggling, no danger now): one warm line with the numbers and an
  offer of a person, a non-urgent alert, then her request is answered.
- NONE: the message is handled as what it is.

The model's crisis intent is not trusted over the net's own vetoes: a
message whose strong word is about a thing, a joke, or a past that is over
is never danger on the model's word alone. Thresholds were set on the
first blind round (tests/triage/retired) and measured on the second
(docs/triage.md).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.conversation.answers import parse_yes_no
from bot.safety.crisis import (
    CRISIS_INTENT,
    _fold,
    asks_if_safe,
    idiom_or_thing,
    mentions_crisis,
    numbers_only,
    past_and_safe,
)

DISTRESS_INTENT = "distress"
TRIAGE_KEY = "triage"  # in the NLU parse data: {"grade": ..., "by": "net"|"model"|"words"}
# The sentence of a long or distressed message that holds her request (triage_turn.py).
REQUEST_TEXT_KEY = "request_text"

DANGER_AT = 0.75  # the model's crisis confidence that is danger on its own
ASK_AT = 0.4  # ... that asks "Are you safe right now?"
DISTRESS_AT = 0.45  # the model's distress confidence that is distress
REQUEST_AT = 0.45  # a request the model is sure of: config.yml's FallbackClassifier threshold


class Grade(str, enum.Enum):
    DANGER = "danger"
    UNSURE = "unsure"
    DISTRESS = "distress"
    NONE = "none"


# Her own feelings, worry, a past that still hurts: written from the issue's
# description of distress and the training data, in the languages the crisis
# net covers (folded: no accents).
_FEELING = (
    r"low|down|depressed|hopeless|worthless|empty|numb|anxious|overwhelmed|lonely|alone|useless|rubbish|"
    r"awful|terrible|scared|frightened|worried|stressed|on edge|a mess|lost|broken|exhausted|ashamed|"
    r"paranoid|panicky|tearful|fed up|miserable|sad|upset|trapped|stuck|nervous|terrified"
)
_DISTRESS_RE = re.compile(
    r"\b(?:"
    rf"(feel|feeling|felt|am|i'?m|im|been|getting|so|really|very) (so |really |very |a bit |quite |pretty |totally |just )?({_FEELING})\b"
    r"|depress\w*|anxiety|panic\w*|can'?t (sleep|stop crying|cope|stop worrying|think straight|stop shaking|breathe properly)"
    r"|cant (sleep|stop crying|cope|stop worrying)|not sleeping|no sleep|nightmares?|flashbacks?|crying (all|every|constantly|non ?stop|myself)"
    r"|worried sick|stress(ed|ing)? (out|about)|breaking down|falling apart|struggling|head'?s? (all over|a mess|gone|not right)"
    r"|what'?s the point|no one cares|nobody cares|ashamed|grie(f|ving)|trauma\w*|ptsd|(still|always) (scared|afraid|frightened|think about)"
    r"|scared (he'?ll|he will|he might|she'?ll|they'?ll|of (seeing|court|him finding|going back|what))|can'?t stop thinking"
    r"|not coping|barely coping|at (my|the) wits'? end|lost (my|the) will|feel like giving up"
    r"|(at )?the end of my (rope|tether)|pretend\w* (that )?(i'?m|im|i am|to be|everything'?s?|everything is) (ok|okay|fine|alright|happy)"
    r"|(i'?m|im|i am) back there|takes me (right )?back|(thoughts?|thinking) (about|of) (hurting|harming|cutting) my ?self"
    r"|(doesn'?t|does not|don'?t|dont|do not|never|not) feel(ing)? (very |really |totally |that |so )?safe|feel(s|ing)? (so |really )?unsafe|uneasy|always on edge"
    r"|feel(ing)? (so |really |a bit )?(flat|grey|heavy|numb|like (a failure|nothing|a rubbish|im letting|i'?m letting|giving up))|everything feels (so )?(grey|heavy|pointless|too much)"
    r"|can'?t be both\w*|cant be both\w*|no energy|crying (loads|a lot|all the time|every day)|cried for hours|letting (every\w*|evry1) down"
    r"|(don'?t|dont) see how things (will|can) (ever )?get better|nothing makes me happy|tired of everything|going through the motions"
    r"|(haven'?t|havent) (left the house|slept)|sleeping \d|up at \d+ ?am|overthinking|freaking out|chest (gets |goes )?tight|feel sick (about|with)"
    r"|nervous wreck|in a (right )?state|mountain of debt|shaking|set me off|brought it (all )?back|(coming|bubbling) back( up)?"
    r"|\bfreeze\b|eats me up|in my head|stomach (drop|churn)|(worry|worrying|worried|fear|afraid|scared|nervous) (he'?ll|he will|he might|about|to go|in case|of seeing)"
    r"|still (jump|blame|feel|walk on eggshells|can'?t|cant|worry|get|have|think|hear|see him)|doing my head in|dragging me (right )?down"
    r"|bajonead\w*|no tengo ganas|irkiliyorum|hala korku\w*|দুঃস্বপ্ন|kamb|frik\w*|ho paura|dar chhe|bayam\w*|safe nahi lag\w*|safe-?a feel aagala"
    # Polish, Romanian, Portuguese, Spanish, Turkish, French, Italian, Lithuanian, Albanian
    r"|(jest mi|czuje sie) (zle|smutno|samotn\w*|beznadziejnie)|depresj\w*|nie moge spac|boje sie|martwie sie|lek\w* mnie"
    r"|depresie|anxietate|nu pot dormi|ma simt (rau|singur\w*|trist\w*)|mi-?e frica|sunt (stresat\w*|trist\w*|disperat\w*)"
    r"|(estou|estoy|me siento|sinto-?me|me sinto) (muy |muito |tan |tao )?(triste|sola|sozinha|deprimida|ansiosa|agobiada|angustiada|perdida)"
    r"|ansiedad|ansiedade|depressao|depresion|no puedo dormir|nao consigo dormir|tengo miedo|tenho medo"
    r"|yalnizim|uzgunum|stresliyim|bunaldim|uyuyamiyorum|depresyon|kaygi|korkuyorum|cok kotuyum"
    r"|(je suis|je me sens) (tres |si )?(triste|seule|deprimee|angoissee|perdue)|je n'arrive pas a dormir|angoisse"
    r"|(mi sento|sono) (molto |cosi )?(triste|sola|depressa|ansiosa)|non riesco a dormire|ansia"
    r"|liudna|vieniša|vienisa|nerimas|negaliu miegoti|depresija|jam e merzitur|ankth|nuk fle|depresion"
    # romanised Urdu/Hindi, Bengali, Somali; Arabic script
    r"|pareshan|tension|udaas|akeli|dar lag(ta|ti)|neend nahi|mon kharap|chinta|ghum ashe na|eka lage|bhoy lage"
    r"|walwal|murugsan|ma seexan karo|cabsi|قلق|اكتئاب|حزينة|خايفة|ما بقدر نام|لا أستطيع النوم|وحيدة"
    r")",
    re.IGNORECASE,
)


def distress_words(text: str | None) -> bool:
    return bool(text and _DISTRESS_RE.search(_fold(text[:5000])))


# What keeps a past in the present: "I'm safe now but I still can't...".
_STILL_RE = re.compile(
    r"\b(still|again|set me off|brought it|coming back|bubbling|can'?t|cant|nightmares?|flashbacks?|freeze|jump|worry|worried|"
    r"every (day|night)|all the time|pretend\w*|back there|hala|ancora|todavia|ainda|wciaz|inca|akoma|ende|s.?fle|nuk fle|ankth\w*)\b",
    re.IGNORECASE,
)


def over_and_fine(text: str | None) -> bool:
    """A feeling she had and no longer has ("used to get panic attacks, CBT sorted it")."""
    if not text:
        return False
    return past_and_safe(text) and not _STILL_RE.search(_fold(text[:5000]))


def grade(text: str | None, ranking: Iterable[Mapping[str, Any]] = ()) -> tuple[Grade, str]:
    """The grade of one message and what decided it ("net", "model", "words")."""
    if not text:
        return Grade.NONE, "none"
    if mentions_crisis(text):
        return Grade.DANGER, "net"
    if numbers_only(text):
        return Grade.NONE, "net"
    confidence = {r.get("name"): float(r.get("confidence") or 0.0) for r in ranking}
    crisis = confidence.get(CRISIS_INTENT, 0.0)
    # A strong word about a thing, a joke, or harm that is over: the model's
    # crisis guess does not count (the net already read the rest of the text).
    vetoed = idiom_or_thing(text) or past_and_safe(text)
    # Fear of him and nothing live in the words: asked, whatever the model says
    # (the question carries the 999 line, and No is danger).
    if asks_if_safe(text):
        return Grade.UNSURE, "words"
    if not vetoed and crisis >= DANGER_AT:
        return Grade.DANGER, "model"
    # Her own words for how she feels outweigh the model's doubt.
    if distress_words(text) and not over_and_fine(text):
        return Grade.DISTRESS, "words"
    if not vetoed and crisis >= ASK_AT:
        return Grade.UNSURE, "model"
    # The model alone does not make a past that is over into distress.
    if confidence.get(DISTRESS_INTENT, 0.0) >= DISTRESS_AT and not over_and_fine(text):
        return Grade.DISTRESS, "model"
    return Grade.NONE, "model"


def grade_of(parse_data: Mapping[str, Any] | None) -> Grade:
    """The grade the NLU gave a message (NONE for button payloads and old events)."""
    value = ((parse_data or {}).get(TRIAGE_KEY) or {}).get("grade")
    try:
        return Grade(value)
    except ValueError:
        return Grade.NONE


# Her answer to "Are you safe right now?". Buttons send /affirm (Yes) and
# /crisis (No, I can't talk); typed, it is a no or a yes, or one of these.
_UNSAFE_ANSWER_RE = re.compile(
    r"^\W*(i )?(not (really|safe|yet|sure)|can'?t talk|cant talk|cannot talk|can'?t speak|help|"
    r"he'?s here|she'?s here|they'?re here|not now|2|3)\b",
    re.IGNORECASE,
)
_SAFE_ANSWER_RE = re.compile(
    r"^\W*(1|i'?m (safe|ok|okay|fine|alright)|im (safe|ok|okay|fine|alright)|safe|i am (safe|ok|okay|fine)|all good)\b",
    re.IGNORECASE,
)
# "please ..." is a plea and "right, ..." a way to start: neither says she is safe.
NOT_A_YES_HERE = re.compile(r"^\W*(please|pls|plz|right)\b", re.IGNORECASE)


class SafetyAnswer(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


def safety_answer(text: str | None, intent: str | None) -> SafetyAnswer | None:
    """Yes / No / I can't talk to "Are you safe right now?"; None if it is neither."""
    if intent == CRISIS_INTENT or mentions_crisis(text):
        return SafetyAnswer.UNSAFE
    t = (text or "").strip()
    said = parse_yes_no(t)
    if intent == "deny" or said is False or _UNSAFE_ANSWER_RE.match(t):
        return SafetyAnswer.UNSAFE
    if intent == "affirm" or _SAFE_ANSWER_RE.match(t) or (said is True and not NOT_A_YES_HERE.match(t)):
        return SafetyAnswer.SAFE
    return None
