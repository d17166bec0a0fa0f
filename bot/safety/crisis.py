"""The deterministic crisis net: words that always get the crisis answer.

The trained `crisis` intent catches most messages; these patterns make sure
recall never depends on the model alone. They lean towards over-triggering:
a woman who gets the helpline numbers when she did not need them loses a
line of screen; one who needed them and did not get them may lose more.
"""
from __future__ import annotations

import re
import unicodedata

CRISIS_INTENT = "crisis"

# Fixed text, also in domain/crisis.yml as utter_crisis (kept in sync by a test).
CRISIS_REPLY = (
    "If you are in danger now, call 999. If you can't talk, call 999 from a "
    "mobile, then press 55.\n"
    "National Domestic Abuse Helpline, free, day and night: 0808 2000 247\n"
    "Samaritans, free, day and night: 116 123"
)

_VIOLENT_VERBS = (
    r"beat\w*|batter\w*|hit|hits|hitting|punch\w*|kick\w*|slap\w*|strangl\w*|chok\w*|attack\w*|"
    r"assault\w*|rap(e|ed|es|ing)|stab\w*|threat\w*|pushe[sd]|shov\w*|threw|throw\w*|dragg?\w*|"
    r"grabb?\w*|hurt\w*|bit|bites|burn(t|ed|s)|kill\w*|murder\w*|smash\w*|choke\w*|lock(ed|s) me in"
)
_PATTERNS = [
    # suicide and self-harm
    r"suicid\w*", r"sucid\w*", r"su[ie]?cide", r"slit\w*",
    r"(kill|kil|killing|hang|hanging|hurt|hurting|harm|harming|cut|cutting|burn|burning|top|topping|off|offing|end)\s*(my ?self|myslf|meself|mysef)",
    r"self[\s-]?harm\w*", r"end (it all|my life|things|it now)", r"take my (own )?life",
    r"(want|wanna|going|gonna|ready) to? ?die", r"wanna die", r"better off dead", r"wish i (was|were) dead",
    r"(don'?t|dont|do not) (want|wanna) (to )?(be here|be alive|live|wake up|exist)",
    r"no (reason|point) (to|in) (live|living|going on|carry(ing)? on)", r"no point (living|anymore|in anything)",
    r"(taken|took|take|swallowed|downed) (all|too many|loads of|a load of|a (whole )?(box|pack|packet) of) (the |my )?(pills|tablets|paracetamol)",
    r"(swallowed|downed) (the |my )?(pills|tablets|paracetamol)",
    r"think\w* (about|of|bout) (dying|death|ending it|killing myself|not being here|suicide)",
    r"overdos\w*", r"\bod'?d\b", r"\bkms\b", r"su[iy]?[sc]id\w*", r"(got|have|bought) a rope",
    r"(took|taken|swallowed|had) \d{2,} (pills|tablets)", r"jump (off|in front)", r"can'?t (go on|carry on|cope anymore|take it anymore)",
    # violence and danger
    rf"({_VIOLENT_VERBS}) (me|us|u|you|my (kids?|children|child|baby|son|daughter|mum|sister|friend))\b",
    r"(he|she|they)('s| is| was| has been)? (going to|gonna|gna|will|threatening to) (hurt|kill|hit|find|beat)",
    r"(not|n'?t) safe", r"unsafe", r"in danger", r"danger(ous)? (now|right now|at home)",
    r"scared (for|of) my life", r"fear for my life", r"(afraid|scared|frightened) (he|she|they)('ll| will| is going to)",
    r"violen(t|ce)", r"(has|got|with) a (knife|gun|weapon)", r"\bknife\b", r"\bweapon\b",
    r"(outside|at) my (door|house|flat|window)", r"(raped|rapist|sexually assaulted)", r"lock(ed|s|ing) me in",
    r"(stalk\w*|following) me", r"call (999|the police) (for me|pls|please|now)", r"h[ei]t+in\w* me", r"(trying|tryna) to (get in|break in)", r"won'?t let me (leave|out)",
    r"help me (now|right now|asap)", r"\bsos\b", r"emergency",
    # the same in languages women here often write in (Polish, Portuguese, Spanish, Romanian, Turkish)
    r"umrze\w*", r"zabi(ć|c) si\w*", r"bije mnie", r"socorro", r"me bate", r"quero morrer", r"me matar",
    r"me pega", r"quiero morir", r"suicidar\w*", r"m(ă|a) bate", r"vreau s(ă|a) mor", r"beni d(ö|o)v\w*",
    r"(ö|o)lmek istiyorum",
    # "I don't want to live (any more)" (folded): the 2026-11-23 blind set found the
    # Polish and Spanish ones missed by model and net alike
    r"nie chc\w* (juz |dluzej )*zyc", r"no quiero (seguir )?viv\w*", r"(nao|não) quero (mais )?viver",
    r"nu (mai )?vreau s(ă|a) (mai )?tr(ă|a)iesc", r"ya(ş|s)amak istemiyorum", r"(jeena|jina) nahi?n? chaht\w*",
    r"(بدي|اريد ان) اموت", r"لا اريد ان اعيش",
    # being beaten, self-harm and overdoses, from the multilingual training data
    r"mnie bij\w*", r"kendime zarar", r"apni jaan (le|de)\w*", r"i garaac\w*",
    r"tom(e|é|ei) (muchas|todas las|muitos|todos os) (pastillas|pildoras|comprimidos|remedios)",
    # English the same data found
    r"cutting again", r"(won'?t|wont) stop bleeding", r"(don'?t|dont|do not|can'?t|cant) see the point (anymore|any more|of living|in living)",
    # knives, threats and "he will kill me" (folded: no accents), the same languages plus
    # romanised Urdu/Hindi/Bengali and Arabic script
    r"no(z|ż)(em|a|e)?\b", r"(on|ona|m(a|ą)z|partner|ch(l|ł)opak|ex) (mi )?grozi\w*", r"zabije mnie", r"(com|tem|uma) (uma )?faca", r"(me )?amea(c|ç)a\w* (me|de morte)",
    r"vai me matar", r"cuchillo", r"me amenaza\w*", r"me va a matar", r"me quiere matar", r"cu(t|ț)it\w*",
    r"m(a|ă) amenin(t|ț)\w*", r"m(a|ă) omoar\w*", r"b(i|ı)cak", r"beni tehdit\w*", r"beni (o|ö)ld(u|ü)r\w*",
    r"mujhe (maar|mar)\w*", r"(chaku|chhuri|churi)\b", r"maar (dalega|dega|dalegi)", r"سكين", r"يضربني", r"سيقتلني",
    # "he hit / beat me (again)" and "I'm scared of him" (folded), in every language above
    # plus Lithuanian, Albanian and romanised Bengali: the fourth blind set (2026-11-24)
    # had two Romanian ones ("m-a lovit") that model and net both missed
    r"m-?a (lovit|batut|bătut)", r"m(a|ă) lov(este|ește)", r"mi-?e frica de (el|sotul|sot|partener|fostul)",
    r"uderzy\w* mnie", r"pobi\w* mnie", r"(me )?bateu(-me)?\b", r"bateu em mim", r"me peg(o|ó)\b", r"me golpe\w*",
    r"bana vur\w*", r"beni (d(o|ö)v|vur)\w*", r"mane (musa|muse|sumuse)\w*", r"sumuse mane", r"me rrah\w*", r"me goditi",
    r"amake (mare|marche|marlo|maare)\w*", r"ضربني",
    r"(scared|afraid|frightened|terrified) of (him|my (partner|husband|ex|boyfriend|bf|fella))\b",
    # suicide, self-harm, "he'll hurt me" and "call the police" in French, Italian, Lithuanian,
    # Albanian and more of the languages above, from the 2026-11-24 multilingual training data
    r"s(a|ă) m(a|ă) omor", r"nusizud\w*", r"jap fund jet\w*", r"quero acabar com tudo", r"acabar con todo",
    r"he tomado (todas las|muchas) (pastillas|pildoras)", r"m'a frapp\w*", r"appelez la police", r"me suicider",
    r"(je veux|j'ai envie de) mourir", r"mi sono tagliat\w*", r"voglio morire", r"uccidermi", r"mi (ha )?picchia\w*",
    r"chiamate la polizia", r"(mnie )?(zaraz )?pobije", r"me lendo\w*", r"ente7[ae]r", r"bachte chai na",
    # "he's following me" in the same languages: the fifth blind set's one crisis miss
    # was Romanian ("ma urmareste de la metrou")
    r"m(a|ă) urm(a|ă)re(s|ș)te", r"(s|ś)ledzi mnie", r"mnie (s|ś)ledzi", r"(me|esta me|esta a) segui\w*", r"me (esta )?sigu\w*",
    r"me persigue", r"beni takip ed\w*", r"mi (sta )?segu\w*", r"me suit", r"mane (seka|persekioja)\w*",
    r"me ndjek\w*", r"peech(a|e) kar\w*",
]
_CRISIS_RE = re.compile(r"\b(?:" + "|".join(_PATTERNS) + r")", re.IGNORECASE)

# Answers to "is it safe to text or call you?" talk about safety without danger.
_CONTACT = r"(texts?|texting|calls?|calling|ring(ing)?|phon(e|ing)|messages?|messaging|sms|contact(ing)?|email)"
_BENIGN_RE = re.compile(
    rf"\b(?:(not |n'?t |un)?safe (for you |for u )?to {_CONTACT}( me)?"
    rf"|{_CONTACT} (me )?(are|is|r)? ?(not|n'?t|un)? ?safe"
    # idioms: "beats me" (= I don't know), "hit me up" (= get in touch), "kicking me out" (eviction)
    r"|^(that |it |dunno,? )?beats me\b|hit (me|us) up|kick(s|ed|ing)? (me|us) out"
    # looking for a service is not a crisis: "emergency accommodation", "domestic violence support"
    r"|emergency (accommodation|housing|food|payment|loan|appointment|dentist)"
    r"|(domestic )?(violence|abuse) (support|services?|advice|charit(y|ies)|centres?|groups?|courses?|workers?|helpline|refuges?|team))",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    # Curly apostrophes and accents are common on phones; compare plain text.
    text = unicodedata.normalize("NFKD", text).replace("\u2019", "'").replace("\u2018", "'")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).lower()


# "999" on its own: she may be signalling that she cannot say more.
_EMERGENCY_NUMBER_RE = re.compile(r"^\W*999\W*$")
# A message of digits alone (a code, a phone number, a list choice) mentions no
# danger; the trained model must not make it a crisis (a wrong code "000000"
# once came back as the crisis reply, mid-form).
_NUMBERS_ONLY_RE = re.compile(r"^[\d\s+\-().,/#*]+$")


def numbers_only(text: str | None) -> bool:
    """True for a message of digits alone, unless it is 999."""
    return bool(text and _NUMBERS_ONLY_RE.match(text) and any(c.isdigit() for c in text)
                and not _EMERGENCY_NUMBER_RE.match(text))


def mentions_crisis(text: str | None) -> bool:
    """True when the message mentions danger, violence, self-harm or suicide."""
    if not text:
        return False
    if _EMERGENCY_NUMBER_RE.match(text):
        return True
    folded = _BENIGN_RE.sub(" ", _fold(text[:5000]))
    return bool(_CRISIS_RE.search(folded))
