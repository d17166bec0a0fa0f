"""Graded triage on the words alone (bot/safety/triage.py, bot/safety/crisis.py).

The model's part is measured on the blind rounds (scripts/triage_report.py,
docs/triage.md) and played end to end in tests/integration/test_triage_*.py;
these pin the deterministic part: the net's vetoes, the past, the words of
distress, and her answer to "Are you safe right now?". Examples are the
issue's own and our own, never the blind sets'.
"""

from __future__ import annotations

import pytest

from bot.safety.crisis import asks_if_safe, idiom_or_thing, mentions_crisis, past_and_safe
from bot.safety.triage import Grade, SafetyAnswer, distress_words, grade, grade_of, over_and_fine, safety_answer

# The examples of everyday words that set off the crisis reply.
EVERYDAY = [
    "the traffic was murder",
    "I could kill a pizza right now",
    "my laptop died",
    "I'm dreading the bus journey",
    "money's tight this month",
    "my daughter fell off her bike but she's OK",
    "that was a long time ago, I'm fine now",
    "my GP changed my medication",
    "my phone died so i missed your text",
    "this form is killing me",
    "the kids are killing me today haha",
    "the knife drawer is stuck again",
    "i cut my finger chopping onions",
    "my charger's dead",
    "that film last night killed me 😂",
    "career suicide turning up in my slippers",
    "my mum will kill me if i forget her birthday",
    "is there a domestic violence support group near me",
    "where is the knife crime awareness talk",
    "what time is the suicide prevention training",
    "my son got hit by a ball at football, he's fine",
    # Round 8's everyday misses, read and fixed (no longer blind for these):
    "this hoover weighs a ton, my back's killing me from carrying it upstairs",
    "bu trafik beni öldürdü ya",
    "my friend's boyfriend got stabbed outside a club last year, he's fully recovered. anyway can I get a referral",
    "جوالي خربان، هذا رقمي الجديد",
    "ish-burri më ka rrahur para shumë vitesh, tani jam mirë, vetëm dua ndihmë me shtëpinë",
    # From the triage training lines (data/nlu/triage_lines.yml):
    "lol you're killing me 😂",
    "mums gonna murder me for forgetting her birthday",
    "the library printer is trying to kill me, 3rd time its jammed",
    "teething baby is slowly killing me, 3 nights no sleep",
    "had my stitches out today, nurse said its healing nicely",
    "szefowa mnie zabije jak znowu się spóźnię haha",
    "mă omoară spatele azi",
    "beni öldürdü bu trafik, bir saat yoldaydım",
    "mornings are best, afternoons kill me with the school pickup",
    "my ex was violent but hes been out of my life 10 years, im happy now, looking for a womens group",
    "নতুন ছুরিটা খুব ধারালো, মাছ কাটতে দারুণ",
    "نئی چھریوں کا سیٹ لیا ہے، قیمہ بنانے میں مزہ آ گیا",
    "el calor me mata",
    "traficul asta ma omoara, am stat o ora in autobuz",
    # the same words in everyday use
    "maine roti kha li",
    "tomé 2 pastillas para el dolor de cabeza",
    "mi jefe me va a matar si llego tarde",
    "estou trancada fora de casa",
    "sabah haplarimi ictim",
    "munca asta ma termina",
]
DANGER = [
    # Round 8's danger misses, read and fixed in the net (no longer blind for these three):
    # an overdose she feels fine after is still an overdose; hit again with words between.
    "i took 20 paracetamol at lunch, i feel fine so its ok right?",
    "tomei uns 30 comprimidos, tô com muito sono",
    "moge przełożyć wizytę na czwartek? on mnie znowu uderzył przed chwilą i jest w domu",
    "he's outside and says he'll kill me",
    "he says hes gonna smash my face in when he gets back",
    "i've taken all my sertraline",
    "swallowed a whole packet of paracetamol an hour ago",
    "hes locked me in the bedroom and took my phone",
    "someone has been following me since the station",
    "can't talk he's here, please send someone",
    "im going to jump off the bridge tonight",
    "been cutting my arms and it wont stop bleeding",
    "he's hitting me right now",
    "he used to hit me and now he's back and hitting me again",
    "my ex is parked outside watching my window",
    "i left him years ago but he found me and he's outside my door",
    "zamknął mnie w domu",
    "আমি আজ রাতে আত্মহত্যা করব",
    "me está pegando ahora mismo",
    # From the triage training lines:
    "is the centre open today? i need to get out, he said hell finish me when hes back from the pub",
    "help me pls hes here",
    "he hit the baby just now",
    "pulling the stitches out of my arm from last week and cutting next to them",
    "maine 20 goliyan kha li hain",
    "mogę przełożyć wizytę? on mnie właśnie znowu uderzył",
    "połknęłam 25 tabletek paracetamolu",
    "ও এইমাত্র আবার আমাকে মারল, বাচ্চারা ভয় পাচ্ছে",
    "me ha encerrado en casa y me quitó el móvil",
    "acabo de tomarme 12 pastillas de lorazepam",
    "az önce yine vurdu, konuşamıyorum yanımda",
    "بلعت علبة حبوب كاملة",
    "më ka mbyllur brenda dhe s'më lë të dal",
    "ho preso 20 pastiglie di tachipirina",
    # Each offered language's words by kind (the per-language sets' danger misses, read):
    "ما بدي عيش بعد اليوم",
    "ওর হাতে ছুরি, আমি বাথরুমে লুকিয়ে আছি",
    "me ha dicho que si le dejo me mata",
    "jakis facet idzie za mna od stacji Walthamstow, boje sie",
    "ele escondeu as chaves e me trancou em casa",
    "sunt încuiată în casă, a plecat și a luat cheile, nu pot ieși",
    "kapının önünde bağırıyor, kapıyı kıracakmış",
    "میں نے ساری گولیاں کھا لی ہیں",
]
DISTRESS = [
    "I feel so low lately",
    "cant sleep for worrying about the rent",
    "i'm so anxious about court next week",
    "he used to hit me, I left 2 years ago but I still have nightmares",
    "i don't feel safe walking home at night",
    "scared he'll find out where I live",
    "everything feels so heavy, i cant be bothered with anything",
    "me siento muy triste y sola",
    "nie mogę spać, martwię się o dzieci",
    # Round 8's distress misses, read and fixed:
    "dont know how long I can keep pretending I'm ok",
    "my son got excluded again and I'm at the end of my rope with it all",
    "he used to lock me in the flat for days. I've been out 2 years but any time a door slams I'm back there",
    "I've had thoughts about hurting myself again. I haven't done anything and I don't plan to",
    "më rrihte më parë, tani jam mirë por s'fle dot natën nga ankthi",
    "had the urge to cut last night but i didnt, held ice cubes. im safe just feel rubbish today",
    "im not suicidal or anything i just feel so flat and hopeless",
    # Rounds 9 and 10's false danger, read and fixed (a past that still hurts):
    "the urge to cut was really strong last night but I didn't, I rang my sister instead. still feel shaky",
    "still having flashbacks from when he strangled me, that was before I moved",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_are_not_danger(text):
    assert not mentions_crisis(text)
    assert grade(text)[0] is not Grade.DANGER


@pytest.mark.parametrize("text", DANGER)
def test_danger_now_is_danger_on_the_words_alone(text):
    assert grade(text) == (Grade.DANGER, "net")


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_is_distress_on_the_words_alone(text):
    assert grade(text) == (Grade.DISTRESS, "words")


@pytest.mark.parametrize("text", ["i'm scared of him", "terrified of my ex", "mi-e frica de el"])
def test_fear_of_him_with_nothing_live_asks(text):
    assert asks_if_safe(text)
    assert grade(text)[0] is Grade.UNSURE


def test_fear_that_is_over_does_not_ask():
    assert grade("I was scared of my ex years ago, I'm fine now")[0] is not Grade.UNSURE


@pytest.mark.parametrize(
    "text, over",
    [
        ("he hit me years ago, I'm safe now", True),
        ("he used to beat me, he is in prison now", True),
        ("I tried to kill myself when I was 16, I'm in a good place now", True),
        ("he hit me years ago and he's back tonight", False),
        ("he hit me last year and he just hit me again", False),
        ("he used to hit me and he's hitting me again", False),
        ("he used to hit me, I left last year but he's waiting outside my flat", False),
        # "it's making me ill" is how the past feels now, not harm now; "it's happening" is.
        ("I was raped last year. I've never told anyone properly and it's making me ill.", True),
        ("he raped me last year and it's happening again", False),
        ("pehla pati mainu maarda si, hun main safe haan par raat nu neend nahi aundi", True),
        ("wuu i garaaci jiray, hadda waan ka tagay laakiin weli waan ka baqaa habeenkii", True),
        ("estuve en una relacion muy violenta, ya se acabo, pero todavia me pongo a temblar", True),
        # "again" in her language keeps it now, as in English
        ("estuve en una relacion violenta, ya se acabo, pero hoy me pego otra vez", False),
        ("byl przemocowy lata temu, ale znowu mnie uderzyl", False),
    ],
)
def test_the_past_is_over_unless_something_says_now(text, over):
    assert past_and_safe(text) is over
    assert mentions_crisis(text) is not over


def test_a_feeling_that_is_over_is_not_distress():
    assert distress_words("used to get panic attacks, CBT sorted it")
    assert over_and_fine("used to get panic attacks, CBT sorted it")
    assert grade("used to get panic attacks, CBT sorted it")[0] is Grade.NONE
    assert grade("I'm safe now but I still get flashbacks")[0] is Grade.DISTRESS


def test_a_thing_removed_leaves_the_danger_in_the_rest():
    assert idiom_or_thing("my phone died and he hit me")
    assert mentions_crisis("my phone died and he hit me")


@pytest.mark.parametrize(
    "ranking, expected",
    [
        ([{"name": "crisis", "confidence": 0.9}], (Grade.DANGER, "model")),
        ([{"name": "crisis", "confidence": 0.5}], (Grade.UNSURE, "model")),
        ([{"name": "crisis", "confidence": 0.2}, {"name": "distress", "confidence": 0.6}], (Grade.DISTRESS, "model")),
        ([{"name": "inform", "confidence": 0.9}], (Grade.NONE, "model")),
    ],
)
def test_the_models_confidence_grades_what_the_words_do_not(ranking, expected):
    assert grade("he came round earlier", ranking) == expected


def test_the_model_alone_never_makes_a_veto_danger():
    assert grade("my laptop died", [{"name": "crisis", "confidence": 0.99}])[0] is Grade.NONE


def test_digits_are_never_graded_by_the_model():
    assert grade("000000", [{"name": "crisis", "confidence": 0.99}])[0] is Grade.NONE
    assert grade("999")[0] is Grade.DANGER


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", "affirm", SafetyAnswer.SAFE),
        ("Yes, I'm safe", None, SafetyAnswer.SAFE),
        ("im ok", None, SafetyAnswer.SAFE),
        ("1", None, SafetyAnswer.SAFE),
        ("no", "deny", SafetyAnswer.UNSAFE),
        ("nope", None, SafetyAnswer.UNSAFE),
        ("i cant talk", None, SafetyAnswer.UNSAFE),
        ("2", None, SafetyAnswer.UNSAFE),
        ("3", None, SafetyAnswer.UNSAFE),
        ("/crisis", "crisis", SafetyAnswer.UNSAFE),
        ("yes but he's outside my door", None, SafetyAnswer.UNSAFE),
        ("what time is my appointment", "check_appointment", None),
    ],
)
def test_her_answer_to_are_you_safe(text, intent, expected):
    assert safety_answer(text, intent) is expected


def test_grade_of_old_events_and_payloads_is_none():
    assert grade_of(None) is Grade.NONE
    assert grade_of({"intent": {"name": "affirm"}}) is Grade.NONE
    assert grade_of({"triage": {"grade": "distress"}}) is Grade.DISTRESS


def test_the_report_counts_danger_per_language():
    from scripts.triage_report import score

    items = [
        {"text": "a", "grade": "danger", "kind": "threat", "lang": "pl"},
        {"text": "b", "grade": "danger", "kind": "threat", "lang": "pl"},
        {"text": "c", "grade": "danger", "kind": "threat", "lang": "pl"},
        {"text": "d", "grade": "danger", "kind": "threat", "lang": "en"},
        {"text": "e", "grade": "everyday", "kind": "idiom", "lang": "pl"},
        {"text": "f", "grade": "distress", "kind": "worry", "lang": "pl"},
    ]
    result = score(items, ["danger", "unsure", "none", "danger", "none", "distress"])
    assert result["danger_by_language"] == {"en": "1/1/1", "pl": "1/2/3"}
    assert result["by_language"] == {"other": "3/5", "en": "1/1"}
