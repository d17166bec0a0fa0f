"""What she is told in and after a crisis, by the kind of danger (issue 19, points 9-11).

The crisis net (crisis.py) decides *whether* a message is danger now; this
module says *which* danger it speaks of, so the reply fits: an overdose or an
injury needs an ambulance, violence needs 999 (55 if she can't talk) and the
Domestic Abuse Helpline, suicidal thoughts need Samaritans. A message whose
kind is not clear (the model's danger, "999", "No" to "Are you safe?") gets
the full fixed reply, CRISIS_REPLY, which is also what goes out when the
action server is down (utter_crisis).

Everything here is fixed wording: the alert summary names kinds, never her words.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime

from bot.conversation.answers import parse_yes_no
from bot.safety.crisis import _danger_text, _fold
from bot.safety.triage import NOT_A_YES_HERE
from bot.staff.team_hours import is_open, when_in_touch
from bot.wording import say


class Kind(str, enum.Enum):
    # In order of urgency: replies and summaries list them this way.
    OVERDOSE = "overdose"
    INJURY = "injury"
    SUICIDE = "suicide"
    VIOLENCE = "violence"


_OVERDOSE_RE = re.compile(
    r"\b(?:overdos\w*|od'?d|"
    r"(took|taken|taking|take|swallow\w*|necked|downed|had|ate|eaten|injected|drank|drunk|doubled)\b[^.!?\n]{0,50}"
    r"\b(pills?|tablets?|meds|medication|medicine|paracetamol|sertraline|methadone|diazepam|valium|co-?codamol|codeine|"
    r"ibuprofen|amitriptyline|pregabalin|gabapentin|tramadol|quetiapine|zopiclone|mirtazapine|insulin|lithium|painkillers|"
    r"antidepressants|sleepers|heroin|fentanyl|the lot|everything|what i had left|bleach)\b|"
    r"(pills|tablets) i (took|taken|swallowed)|\d{2,} of them|"
    # the same in the languages the net reads (folded)
    r"pastillas|pildoras|comprimidos|remedios|tabletki|tabletek|ilac\w*|goliyan|oshudh|pastile|"
    r"polknel\w* wszystkie|wzial\w* wszystkie|(wzielam|lyknelam|polknelam) (cale|wszystkie)|am (luat|inghitit) toate|"
    r"tomei (a caixa|a cartela|todos|todas)|ho preso tutte|badhi goli|isgeriau visas|i mora te gjitha|بلعت كل)",
    re.IGNORECASE,
)
_INJURY_RE = re.compile(
    r"\b(?:bleed\w*|blood|stab wound|stabbed|glassed|not breathing|isn'?t breathing|can'?t breathe|cant breathe|"
    r"unconscious|passed out|won'?t wake up|not waking up|(gone|turning|going) blue|fitting|having a fit|"
    r"(arm|wrist|leg|bone|nose|jaw|ribs?|fingers?) (is |looks |feels )?(broken|hanging wrong)|broke my|"
    r"(twisted|broke|cracked|split) my|head (injury|wound)|skins? peeling|burn(t|ed) me|"
    r"blacking out|seeing double|heart (going mad|racing|pounding)|stitches|krew|sangr\w*|sangerez|saigne|ينزف|khoon)",
    re.IGNORECASE,
)
_SUICIDE_RE = re.compile(
    r"\b(?:su[ie]?[sc]id\w*|sucid\w*|kms|(kill|kil|killing|hang|hanging|hurt|hurting|harm|harming|cut|cutting|burn|burning|top|topping|off|end)"
    r"\s*(my ?self|myslf|meself|mysef)|self[\s-]?harm\w*|end (it all|my life|things|it now|it tonight|everything)|"
    r"take my (own )?life|(ending|end|take|taking|took) my (own )?life|(want|wanna|going|gonna|ready) to? ?die|better off dead|"
    r"wish i (was|were) dead|(don'?t|dont|do not) (want|wanna) (to )?(be here|be alive|live|wake up|exist)|"
    r"no (reason|point) (to|in) (live|living|going on)|no point (living|anymore)|can'?t (go on|carry on|take it anymore)|"
    r"cant (go on|carry on)|(jump|step|throw myself) (off|in front)|going to jump|on the (edge|ledge)|rope|noose|"
    r"(cutting|slicing|burning|carving|harming) (my|myself)|(cutting|harming) (again|rn|now)|blades?|razor|"
    r"(last|final) (message|text)|goodbye (letter|note)|not (coming back|waking up)|do it (tonight|properly)|"
    # the same in the languages the net reads (folded)
    r"umrze\w*|zabi(c|ć) si\w*|nie chc\w* (juz )?zyc|sie tne|tne sie|quero morrer|quiero morir|suicidar\w*|"
    r"quiero matarme|quero me matar|vreau s(a|ă) mor|(o|ö)lmek istiyorum|kendim\w* (oldur|kes|zarar)\w*|"
    r"khud ?kushi|apni jaan|je veux mourir|me suicider|voglio morire|uccidermi|la faccio finita|"
    r"no quiero (seguir )?viv\w*|nao quero (mais )?viver|me estoy cortando|mi sto tagliando|انتحر|أنتحر|اموت)",
    re.IGNORECASE,
)
_VIOLENCE_RE = re.compile(
    r"\b(?:(he|she|they)('ll| will| is going to| are going to| gonna| says? (he|she|they)'?ll)|"
    r"(he'?s|hes|he is|she'?s|they'?re) (outside|here|back|coming|at the door|on (his|her|their) way)|"
    r"(scared|afraid|frightened|terrified) of (him|her|them|my (partner|husband|ex|boyfriend|bf|fella))|"
    r"beat\w*|batter\w*|hit|hits|hitting|punch\w*|kick\w*|slap\w*|strangl\w*|chok\w*|attack\w*|assault\w*|"
    r"rap(e|ed|ist)|stab\w*|threat\w*|knife|gun|weapon|violen\w*|kill me|hurt me|"
    r"follow\w* me|stalk\w*|outside my|locked me|lock(ed|s|ing) (me|us)|won'?t let me|"
    r"bije|pobi\w*|uderzy\w*|zabije|grozi\w*|noz\w*|me bate|bateu|me pega|golpe\w*|me amenaza\w*|amea(c|ç)a\w*|"
    r"vai me matar|me va a matar|cuchillo|faca|lovit|batut|omoar\w*|amenint\w*|cutit\w*|beni (dov|vur)\w*|bana vur\w*|"
    r"tehdit\w*|b(i|ı)cak|maar (dalega|dega|dalegi)|mujhe (\w+ )?(maar|mara|maara)|amake (\w+ )?(mare|marche|marlo)|chaku|chhuri|سكين|يضربني|ضربني|يقتلني|سيقتلني|m'a frapp\w*|picchia\w*|"
    r"urm(a|ă)re\w*|sledzi|me (esta )?(segui|sigu)\w*|persigue|takip|me suit|ndjek\w*|me rrah\w*)\b",
    re.IGNORECASE,
)
_KIND_RES = (
    (Kind.OVERDOSE, _OVERDOSE_RE),
    (Kind.INJURY, _INJURY_RE),
    (Kind.SUICIDE, _SUICIDE_RE),
    (Kind.VIOLENCE, _VIOLENCE_RE),
)


def kinds_of(text: str | None) -> list[Kind]:
    """The kinds of danger a message speaks of, most urgent first ([] when unclear).

    Read from the same text the danger patterns read (idioms and service words
    taken out), so "overdosed on chocolate" is no overdose."""
    if not text:
        return []
    folded = _danger_text(_fold(text[:5000]))
    return [kind for kind, pattern in _KIND_RES if pattern.search(folded)]


_REPLY_KEYS = {
    Kind.OVERDOSE: ("crisis.overdose",),
    Kind.INJURY: ("crisis.injury", "crisis.cant_talk_55"),
    Kind.SUICIDE: ("crisis.suicide", "crisis.samaritans"),
}


def _reply(kind: Kind, kinds: set[Kind]) -> str:
    if kind == Kind.VIOLENCE:  # the fixed reply as it always was (999, 55, the helpline, and Samaritans)
        return say("utter_crisis")
    keys = _REPLY_KEYS[kind]
    if Kind.VIOLENCE in kinds:  # the fixed reply already says 55 and Samaritans
        keys = keys[:1]
    return (" " if kind == Kind.INJURY else "\n").join(say(key) for key in keys)


def danger_reply(kinds: Iterable[Kind]) -> str:
    """The reply that fits the danger; the full fixed reply when the kind is unclear."""
    present = set(kinds)
    ordered = [k for k in Kind if k in present]
    if not ordered:
        return say("utter_crisis")
    parts = [_reply(k, present) for k in ordered]
    if Kind.OVERDOSE in present and not {Kind.SUICIDE, Kind.VIOLENCE} & present:
        parts.append(say("crisis.samaritans_when_you_can"))
    return "\n".join(parts)


# Fixed wording for the alert: what kind of danger, never what she wrote.
_LABELS = {
    Kind.OVERDOSE: "overdose",
    Kind.INJURY: "injured",
    Kind.SUICIDE: "suicidal thoughts or self-harm",
    Kind.VIOLENCE: "threats or violence",
}
_SUMMARY_START = "Danger now"


def alert_summary(kinds: Iterable[Kind]) -> str:
    ordered = [k for k in Kind if k in set(kinds)]
    if not ordered:
        return f"{_SUMMARY_START}: crisis words (kind not clear)"
    return f"{_SUMMARY_START}: " + "; ".join(_LABELS[k] for k in ordered)


def kinds_in_summary(summary: str | None) -> list[Kind]:
    """The kinds an alert summary written by alert_summary names (none for other summaries)."""
    if not summary or not summary.startswith(_SUMMARY_START + ":"):
        return []
    named = {part.strip() for part in summary.split(":", 1)[1].split(";")}
    return [k for k in Kind if _LABELS[k] in named]


def team_line(now: datetime, hours: str) -> str:
    """What telling the team means right now: honest about when a person will see it."""
    if is_open(now, hours):
        return say("crisis.team_line_open")
    return say("crisis.team_line_closed", when=when_in_touch(now, hours))


def follow_up_reply(now: datetime, hours: str, kinds: Iterable[Kind], alert_state: str | None) -> str:
    """The honest answer to "is someone coming?" after the crisis reply.

    alert_state: "seen" (a keyworker acknowledged it), "open", or None (no alert could be written)."""
    if alert_state == "seen":
        told = say("crisis.told_seen")
    elif alert_state is None:
        told = say("crisis.told_failed")
    elif is_open(now, hours):
        told = say("crisis.told_open")
    else:
        told = say("crisis.told_closed", when=when_in_touch(now, hours))
    kinds = set(kinds)
    if kinds & {Kind.OVERDOSE, Kind.INJURY}:
        now_what = say("crisis.now_hurt")
    elif Kind.SUICIDE in kinds and Kind.VIOLENCE not in kinds:
        now_what = say("crisis.now_suicide")
    else:
        now_what = say("crisis.now_danger")
    return say("crisis.follow_up", told=told, now_what=now_what)


# "Is someone coming?", "what happens now?", "I'm scared": after the crisis reply
# these ask what was done, and are answered as such (not as a form's answer).
_FOLLOW_UP_RE = re.compile(
    r"\b(?:(is|are|r) (some ?one|some ?body|any ?one|any ?body|some1|any1|help|the police|police|an ambulance|ambulance|they|you|u) "
    r"(coming|on (their|its|the|her|his) way|sending|going to come|gonna come|going to help|gonna help)|"
    r"(will|can|could|would|are|r) (some ?one|some ?body|any ?one|any ?body|you|u|they|the police|police|a person) "
    r"(come|coming|send|call|ring|help|get here|be here|contact|see|read|get back)|"
    r"(send|sending) (some ?one|some ?body|help|the police|police|an ambulance)|"
    r"what (happens|will happen|now|do i do|should i do|can i do|do i do now|next)|now what|"
    r"who (is coming|will come|have you told|did you tell|knows)|(did|have|has) (you|u) (tell|told|call|called|contact\w*|let|sent)|"
    r"(has|have) (any ?one|some ?one|they) (seen|read|got)|when will (some ?one|some ?body|any ?one|they|you|a person)|"
    r"how long (will|until|till|before)|(i'?m|im|i am) (so |really |very )?(scared|frightened|terrified|afraid|panicking|shaking)|"
    r"are (you|u) (there|still there|real)|r u there|(need|want) (some ?one|some ?body|a person|help)|"
    r"^\W*(help|help me|please|pls|please help|hello|\?+)\W*$)",
    re.IGNORECASE,
)


def is_follow_up(text: str | None) -> bool:
    return bool(text and _FOLLOW_UP_RE.search(_fold(text[:2000])))


# Her answer to "Do you want to carry on?" (buttons send /affirm and /deny):
# a yes or no, or these words for now and later.
_CARRY_ON_RE = re.compile(
    r"^\W*(1|carry on|continue|go on|go ahead|i'?m ready|ready|let'?s (go|carry on|continue))\b",
    re.IGNORECASE,
)
_NOT_YET_RE = re.compile(r"^\W*(2|not (now|yet|right now)|later|wait|hold on|in a (bit|minute|min))\b", re.IGNORECASE)


def carry_on_answer(text: str | None, intent: str | None) -> bool | None:
    """True: carry on with the form; False: not yet; None: neither."""
    t = (text or "").strip()
    said = parse_yes_no(t)
    if intent == "affirm" or (said is True and not NOT_A_YES_HERE.match(t)) or _CARRY_ON_RE.match(t):
        return True
    if intent == "deny" or said is False or _NOT_YET_RE.match(t):
        return False
    return None


_FORMS = {
    "referral_form": "crisis.carry_on_referral_form",
    "appointment_form": "crisis.carry_on_appointment_form",
    "data_rights_form": "crisis.carry_on_data_rights_form",
    "service_location_form": "crisis.carry_on_service_location_form",
}


def carry_on_question(form: str | None) -> str:
    what = say(_FORMS.get(form or "", "crisis.carry_on_other"))
    return say("crisis.carry_on", what=what)


def not_yet_text() -> str:
    return say("crisis.not_yet")
