from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_components.crisis_net import CrisisNet
from bot.safety.crisis import CRISIS_REPLY, mentions_crisis, numbers_only

REPO = Path(__file__).resolve().parents[2]

CRISIS = [
    "he hit me last night",
    # thoughts told with what she will do, or the means: never read as "won't act on it"
    "I've had thoughts about killing myself, I haven't done it yet but I've got the pills",
    "I've been having thoughts of killing myself, I don't want to live anymore",
    "thoughts about ending it, i dont want to be here",
    "my husband's killing me",
    "i want to kill myself",
    "im not safe at home",
    "he has a knife",
    "sucide",
    "i took all my pills",
    "he's going to kill me",
    "he’s outside my door",
    "selfharm again",
    "i dont want to be here anymore",
    "cutting myself",
    "scared for my life",
    "he strangled me",
    "there's violence at home",
    "I want to die",
    "i cant go on",
    "he threatened me",
    "wanna die",
    "my husband keeps beating me",
    "he threw me down the stairs",
    "thinking of offing myself",
    "ive taken loads of paracetamol",
    "there is no point in carrying on",
    "he pushed me",
    "my ex keeps threatening me",
    "he hits my kids",
    "i swallowed the tablets",
    "he's at my door right now",
    "i was raped last night",
    "kms tbh",
    "ive got a rope",
    "took 30 tablets",
    "suiside",
    "hes hitin me",
    "he locked me in the flat",
    "someone keeps following me",
    "domestic violence at home tonight",
    "i keep thinking about death",
    # knives and threats in other languages women here write in
    "on mi grozi nożem",
    "ma nóż",
    "tem uma faca",
    "ele vai me matar",
    "me amenaza con un cuchillo",
    "ma ameninta",
    "are cutit",
    "beni tehdit ediyor",
    "bıçak var",
    "mujhe maar dalega",
    "معه سكين",
    # "I don't want to live any more"
    "nie chcę już żyć",
    "ya no quiero vivir",
    "não quero mais viver",
    "nu mai vreau să trăiesc",
    "yaşamak istemiyorum",
    "ab jeena nahi chahti",
    "لا أريد أن أعيش",
    "أريد أن أموت",
    "on mnie bije",
    "kendime zarar vermek istiyorum",
    "main apni jaan le lena chahti hoon",
    "wuu i garaacayaa",
    "tomé muchas pastillas",
    "tomei muitos comprimidos",
    "been cutting again tonight",
    "it wont stop bleeding",
    "i dont see the point anymore",
    # "he hit me (again)", "I'm scared of him"
    "mi-e frică, m-a lovit din nou",
    "Mi-e frică, soțul meu m-a lovit și e încă în casă",
    "mă lovește",
    "uderzył mnie",
    "pobił mnie wczoraj",
    "ele me bateu",
    "bateu-me outra vez",
    "me pegó otra vez",
    "me golpea",
    "bana vurdu",
    "beni dövdü",
    "jis mane muša",
    "më rrah",
    "amake marche",
    "ضربني",
    # French, Italian, Lithuanian, Albanian and more
    "vreau sa ma omor",
    "noriu nusizudyti",
    "dua t'i jap fund jetes sime",
    "quero acabar com tudo",
    "me he tomado todas las pastillas",
    "il m'a frappée",
    "appelez la police svp",
    "je veux mourir",
    "mi sono tagliata di nuovo",
    "voglio morire",
    "mi picchia",
    "on mnie zaraz pobije",
    "kam frike se do me lendoje",
    "bade ente7er",
    "ami ar bachte chai na",
    # "he's following me"
    "mi-e frică, mă urmărește de la metrou",
    "ktoś mnie śledzi",
    "ele está me seguindo",
    "me está siguiendo",
    "me persigue a casa",
    "beni takip ediyor",
    "mi segue dappertutto",
    "il me suit",
    "jis mane seka",
    "më ndjek çdo ditë",
    "woh mera peecha kar raha hai",
]
NOT_CRISIS = [
    "hello",
    "i need help with housing",
    "its not safe to text me",
    "texts arent safe",
    "calls are not safe",
    "safe to text",
    "call me any time",
    "SE15 4QF",
    "07700 900123",
    "can i move my appointment",
    "Jo",
    "myself",
    "1 3 5",
    "beats me",
    "hit me up later",
    "i hit my head on the cupboard",
    "i take pills for my anxiety",
    "i took my tablets this morning",
    "i want to kill time",
    "help with money please",
    "where can i get emergency accommodation",
    "domestic violence support in lewisham",
    "my landlord is kicking me out next week",
    "abuse services near me",
    "i cut my finger cooking",
    "i dont see the point of this form",
    "tomé el autobús",
    "faça o favor",
    "potrzebuję pomocy z mieszkaniem",
    "grozi mi eksmisja",
    "nozes",
    "necesito ayuda con la casa",
    "mi-e frică că nu ajung la timp",
    "uderzyłam się w głowę",
    "scared of spiders",
    "je veux un rendez-vous",
    "voglio un appuntamento",
    "chiamate me domani",
    "acabar el formulario",
    "la seguiente pregunta",
    "seguimos mañana",
    "il me suffit",
    "mi serve aiuto",
    "o que se segue?",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_messages_are_caught(text):
    assert mentions_crisis(text)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_ordinary_answers_are_not_crisis(text):
    assert not mentions_crisis(text)


def test_reply_has_every_number():
    for number in ("999", "55", "0808 2000 247", "116 123"):
        assert number in CRISIS_REPLY


def test_domain_response_is_the_fixed_reply():
    domain = yaml.safe_load((REPO / "domain" / "responses.yml").read_text())
    assert domain["responses"]["utter_crisis"][0]["text"] == CRISIS_REPLY


def _classified(text: str, ranking: list[tuple[str, float]]):
    message = Message(data={"text": text})
    top = {"name": ranking[0][0], "confidence": ranking[0][1]}
    message.set("intent", top, add_to_output=True)
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
    return message


@pytest.mark.parametrize("text", ["000000", "0000", "07700 900123", "01/234567/26", "1 2 3"])
def test_digits_alone_are_never_a_crisis_the_model_guessed(text):
    [message] = CrisisNet().process([_classified(text, [("crisis", 0.49), ("inform", 0.31), ("out_of_scope", 0.15)])])
    assert message.get("intent")["name"] == "inform"
    assert [r["name"] for r in message.get("intent_ranking")] == ["inform", "out_of_scope"]


@pytest.mark.parametrize("text", ["999", "999!!", " 999 "])
def test_999_alone_is_a_crisis(text):
    assert mentions_crisis(text)
    [message] = CrisisNet().process([_classified(text, [("inform", 0.9), ("crisis", 0.05)])])
    assert message.get("intent")["name"] == "crisis"


def test_the_model_alone_sure_of_crisis_is_danger():
    [message] = CrisisNet().process(
        [_classified("he's back and he's got that look", [("crisis", 0.9), ("inform", 0.05)])]
    )
    assert message.get("intent")["name"] == "crisis"
    assert message.get("triage") == {"grade": "danger", "by": "model"}


def test_the_model_unsure_of_crisis_asks_and_no_unsure_guess_is_acted_on():
    [message] = CrisisNet().process([_classified("he came round earlier", [("crisis", 0.5), ("inform", 0.3)])])
    assert message.get("triage")["grade"] == "unsure"
    assert message.get("intent")["name"] == "nlu_fallback"
    assert "crisis" not in [r["name"] for r in message.get("intent_ranking")]


def test_feelings_the_model_calls_crisis_are_distress():
    [message] = CrisisNet().process([_classified("i feel so low", [("crisis", 0.5), ("inform", 0.2)])])
    assert message.get("triage")["grade"] == "distress"
    assert message.get("intent")["name"] == "distress"


@pytest.mark.parametrize(
    "text",
    [
        "my laptop died",
        "this form is killing me",
        "he used to hit me, I left him years ago",
        "جوالي خربان، هذا رقمي الجديد",
        "ish-burri më ka rrahur para shumë vitesh, tani jam mirë",
    ],
)
def test_the_model_is_not_trusted_over_a_veto(text):
    [message] = CrisisNet().process([_classified(text, [("crisis", 0.95), ("inform", 0.03)])])
    assert message.get("triage")["grade"] != "danger"
    assert message.get("intent")["name"] != "crisis"


def test_distress_with_a_request_keeps_the_request_even_when_feelings_take_most_confidence():
    [message] = CrisisNet().process(
        [
            _classified(
                "cant sleep for worrying, what time is my appointment", [("distress", 0.7), ("check_appointment", 0.28)]
            )
        ]
    )
    assert message.get("triage")["grade"] == "distress"
    assert message.get("intent")["name"] == "check_appointment"


def test_distress_with_a_request_keeps_the_request():
    [message] = CrisisNet().process(
        [_classified("can i move my appointment im so anxious", [("reschedule_appointment", 0.7), ("distress", 0.2)])]
    )
    assert message.get("triage")["grade"] == "distress"
    assert message.get("intent")["name"] == "reschedule_appointment"


def test_numbers_only_needs_a_digit():
    assert numbers_only("000000") and numbers_only("07700 900123")
    assert not numbers_only("---") and not numbers_only("   ") and not numbers_only("999")
