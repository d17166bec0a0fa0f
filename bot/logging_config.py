"""Logs never carry her words, name, number, postcode or email.

`install()` wraps the process's log-record factory, so every record is
redacted when it is made, whatever handler (Rasa's coloredlogs, Sanic's,
basicConfig) writes it later. Rasa and the action server load it from
bot/logging.yml (`--logging-config-file`); every other process gets it from
`get_settings()` (bot/settings.py), which they all call first.

Python `warnings` are printed straight to stderr by default, past every log
handler (Rasa warns with the text of a message it cannot parse, e.g.
"Failed to parse arguments in line '/deny{...}'"); `install()` routes them
into logging (`py.warnings`), so they are redacted like any record.

Free text cannot be spotted by pattern, so our code logs ids and counts, never
message text; the patterns here catch what slips through: phone numbers,
postcodes, emails, and the value of any text/message/body field.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_PATTERNS = [
    # Message text fields in dicts, JSON, form posts: {"text": "..."}, Body=...
    re.compile(
        r"""(?P<key>["']?\b(?:text|message|body|Body|message_text|utterance|latest_message)["']?\s*[:=]\s*)"""
        r"""(?P<val>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,&}\s][^,&}]*)"""
    ),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email
    re.compile(r"\+\d{10,15}\b"),  # E.164
    re.compile(r"(?<!\d)(?:44\s?|0)7\d{3}[\s-]?\d{3}[\s-]?\d{3}(?!\d)"),  # UK mobile
    re.compile(r"(?<!\d)0[1-3]\d{2,3}[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)"),  # UK landline
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I),  # full postcode
]


def redact(text: str) -> str:
    if not text:
        return text
    out = _PATTERNS[0].sub(lambda m: m.group("key") + REDACTED, text)
    for pattern in _PATTERNS[1:]:
        out = pattern.sub(REDACTED, out)
    return out


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the template only
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        # Tracebacks can quote values (SQL parameters, her text): redact them too.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


_installed = False


def install() -> None:
    """Redact every log record this process makes (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)  # warnings become records, made by the factory above
    # Access logs print URLs, and ours carry conversation ids (an SMS one is her number).
    for name in ("sanic.access", "rasa.core.processor", "rasa.core.actions.action", "rasa_sdk.executor"):
        if logging.getLogger(name).level < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    _installed = True


class RedactingFilter(logging.Filter):
    """For dictConfig files (bot/logging.yml): installs the redaction, and redacts records it sees."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        install()

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True
