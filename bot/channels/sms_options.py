"""Buttons as numbered options on SMS, and her reply mapped back to a button.

A phone has no buttons, so "Yes / No" becomes "Reply 1 for Yes, or 2 for No."
The options are remembered per conversation (bot/db/crud/sms.py); her next
reply "1", "one", "1." or the option's title is turned into that button's
payload, and for a yes/no choice "y", "yeah", "nope" work too. Anything else
goes to the assistant as she wrote it (e.g. her age, 34, to "Are you 18 or
over?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.channels.sms_text import normalise
from bot.conversation.answers import yes_no_word
from bot.wording import say


@dataclass(frozen=True)
class Option:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


def options_from_buttons(buttons: Iterable[dict[str, Any]] | None) -> list[Option]:
    out: list[Option] = []
    for button in buttons or []:
        title = normalise(str(button.get("title") or "")).replace("\n", " ")
        payload = str(button.get("payload") or button.get("title") or "")
        if title and payload:
            out.append(Option(title, payload))
    return out


def render(options: list[Option]) -> str:
    """'Reply 1 for Yes, or 2 for No.'"""
    if not options:
        return ""
    items = [say("sms.option", number=i, title=o.title) for i, o in enumerate(options, start=1)]
    if len(items) == 1:
        return say("sms.options_one", option=items[0])
    return say("sms.options_many", options=", ".join(items[:-1]), last=items[-1])


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
}
_NUMBER_RE = re.compile(r"^(?:(?:option|number|no\.?|num|#)\s*)?#?(\d{1,2}|[a-z0-9]+)\s*[.)!:]*$")

_YES_PAYLOADS = {"/affirm", "yes"}
_YES_LEADS = frozenset({"yeah", "yh", "ya", "yes", "yep"})  # "ok 2" is "OK: 2"
_NO_PAYLOADS = {"/deny", "no"}


def _plain(text: str) -> str:
    text = normalise(text).lower()
    text = re.sub(r"[^\w\s'#.)!:]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _title_key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", normalise(text).lower()).strip()


# Words around a choice that don't change it: "ok 2", "2 please", "number 2
# thanks", "2 x", "i'll take 2". Only these: any other word ("2 kids", "2
# weeks", "2pm") means the number is part of what she is telling us, so her
# words go on unchanged.
_LEAD_WORDS = (
    r"ok|okay|k|kk|oh|ah|um+|erm+|er|hm+|so|well|right|alright|yeah|yh|ya|yes|yep|great|cool|"
    r"lovely|thanks|thank you|then|i'?ll (take|have|go with|do)|i'?d like|i want|i choose|i pick|"
    r"i think|can i (have|do)|let'?s (do|go with)|go with|the|just"
)
_TAIL_WORDS = (
    r"please|pls|plz|thanks|thank you|thank u|thx|ty|ta|cheers|x+|one|option|then|for me|i think|"
    r"is fine|is good|is ok|is okay|works|would be good|would be great|if that'?s ok|if ok|mate|hun|love|"
    r"is best"
)
_LEAD = re.compile(rf"^(?:(?:{_LEAD_WORDS})\b[\s.,!:]*)+")
_TAIL = re.compile(rf"(?:[\s.,!]+(?:{_TAIL_WORDS}))+[\s.!]*$")


def _strip_fillers(plain: str) -> str:
    stripped = _TAIL.sub("", _LEAD.sub("", plain)).strip()
    return stripped or plain


def _number(text: str) -> int | None:
    m = _NUMBER_RE.match(_strip_fillers(_plain(text)))
    if not m:
        return None
    token = m.group(1)
    if token.isdigit():
        return int(token)
    return _WORD_NUMBERS.get(token)


def _is_yes_option(option: Option) -> bool:
    return option.payload.lower() in _YES_PAYLOADS or _title_key(option.title).split(" ")[0] in ("yes", "yeah")


def _is_no_option(option: Option) -> bool:
    return option.payload.lower() in _NO_PAYLOADS or _title_key(option.title).split(" ")[0] == "no"


def match(text: str, options: list[Option]) -> Option | None:
    """The option her reply picks, or None to pass her words on unchanged."""
    if not options or not text:
        return None
    number = _number(text)
    if number is not None and 1 <= number <= len(options):
        chosen = options[number - 1]
        # "yeah 2" on a yes/no choice says yes and no at once: her words go on.
        if _is_no_option(chosen) and _plain(text).split(" ")[0] in _YES_LEADS:
            return None
        return chosen
    key = _title_key(text)
    if not key:
        return None
    for option in options:
        if key == _title_key(option.title) or key == _title_key(option.payload.lstrip("/")):
            return option
    plain = _plain(text).strip(".!")
    yes = [o for o in options if _is_yes_option(o)]
    no = [o for o in options if _is_no_option(o)]
    # Only a true yes/no choice: "ok" must not pick the first of four services.
    if len(yes) == 1 and len(no) == 1:
        said = yes_no_word(plain)
        if said is True:
            return yes[0]
        if said is False:
            return no[0]
    return None
