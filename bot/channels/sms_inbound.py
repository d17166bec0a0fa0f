"""What to do with one inbound SMS.

`record()` stores the message before Twilio gets its answer (once: the
MessageSid is unique, so a retry or replay is dropped). `decide()` then works
out, in one transaction and in arrival order per number: a carrier keyword
(STOP, START, HELP) is handled here and never reaches the assistant; an
opted-out number gets nothing; a flood is slowed down with one calm reply;
media gets a polite text-only answer; an ordinary message goes on to the
assistant. Fixed replies are queued in the same transaction as the decision,
so a message is never half-handled.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import phonenumbers
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels import sms_keywords
from bot.channels.sms_options import Option, match
from bot.channels.sms_text import join_replies, normalise, split
from bot.db.crud import sms as sms_crud
from bot.db.crud.conversations import language_for, woman_id_for
from bot.db.models import AlertReason, Woman
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.messaging import outbox
from bot.safety.crisis import mentions_crisis
from bot.settings import get_settings
from bot.staff.alert_notify import raise_and_notify
from bot.wording import say

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 1600  # Twilio's own limit for one (concatenated) message
_SID_RE = re.compile(r"^[A-Za-z0-9]{2,64}$")
# Seconds between the parts of a long reply: separate texts can overtake each other.
PART_STAGGER_S = 1.0


def parse_form(raw: bytes) -> dict[str, list[str]]:
    """Twilio's form body. Bytes that are not UTF-8 become U+FFFD, never an error."""
    text = raw.decode("utf-8", errors="replace")
    return parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="replace")


def first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def sender_e164(raw: str | None) -> str | None:
    """The sender as E.164, or None when it is not a phone number we can text."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 32 or not re.fullmatch(r"\+?[\d\s\-().]{6,24}", raw):
        return None
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    # Ofcom's drama range (07700 900xxx) is kept for tests and demos.
    national = str(number.national_number)
    drama = number.country_code == 44 and len(national) == 10 and national.startswith("7700900")
    if not (drama or phonenumbers.is_valid_number(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_body(raw: str | None) -> str:
    """Her words, without unreadable bytes or control characters, at most 1,600 characters."""
    text = (raw or "").replace("\ufffd", " ").replace("\x00", "")
    return normalise(text)[:MAX_BODY_CHARS]


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    from_raw: str
    from_e164: str | None
    body: str
    num_media: int

    @classmethod
    def from_params(cls, params: dict[str, list[str]]) -> InboundSms | None:
        """None when the request has no usable MessageSid (nothing to deduplicate on)."""
        sid = (first(params, "MessageSid") or first(params, "SmsSid") or "").strip()
        if not _SID_RE.match(sid):
            return None
        try:
            num_media = max(0, min(int(first(params, "NumMedia") or 0), 99))
        except ValueError:
            num_media = 0
        from_raw = (first(params, "From") or "").replace("\x00", "")
        return cls(sid, from_raw, sender_e164(from_raw), clean_body(first(params, "Body")), num_media)


@dataclass
class Decision:
    # duplicate | rejected | opt_out | opt_in | help | opted_out | rate_limited | media | unreadable | converse
    action: str
    inbound_id: int | None = None
    reply_ids: list[int] = field(default_factory=list)
    woman_id: int | None = None
    media_note: bool = False


def queue_reply(
    session: Session, to: str, text: str, key: str, woman_id: int | None, now: datetime | None = None
) -> list[int]:
    """Queue `text` to her as one or more texts within the segment budget."""
    now = now or utcnow()
    ids = []
    for i, part in enumerate(split(text, get_settings().sms_max_segments)):
        row = outbox.enqueue(
            session,
            to=to,
            body=part,
            kind="reply",
            woman_id=woman_id,
            dedupe_key=f"{key}:{i}",
            send_after=now + timedelta(seconds=PART_STAGGER_S * i),
            conversational=True,
        )
        if row is not None:
            ids.append(row.id)
    return ids


def record(msg: InboundSms, url: str | None = None) -> int | None:
    """Store her message before Twilio gets its answer, so it is never lost.

    One INSERT, nothing else (the webhook waits for it). None when this
    MessageSid was stored before: a retry or a replay, handled once already.
    """
    try:
        with session_scope(url) as session:
            return sms_crud.add_inbound(
                session,
                message_sid=msg.message_sid,
                from_number=msg.from_e164 or msg.from_raw,
                body=msg.body,
                num_media=msg.num_media,
                status="received" if msg.from_e164 else "rejected",
            ).id
    except IntegrityError:
        return None


def alert_if_danger(msg: InboundSms, url: str | None = None) -> bool:
    """Raise the urgent alert for danger words as soon as her text is stored.

    Before and apart from understanding it: her turn waits for her previous
    one and for the model, and a person must know even if neither comes.
    The alert is the conversation's one open crisis alert, so the assistant's
    own crisis answer later adds no second one.
    """
    if msg.from_e164 is None or not mentions_crisis(msg.body):
        return False
    for attempt in range(3):
        try:
            with session_scope(url) as session:
                convo = sms_crud.link_conversation(session, msg.from_e164, msg.from_e164)
                raise_and_notify(
                    session, AlertReason.CRISIS, conversation_id=msg.from_e164, channel="sms", woman_id=convo.woman_id
                )
                return True
        except IntegrityError:
            if attempt == 2:  # her conversation was being created by another process each time
                raise
    return False


def _decide(session: Session, inbound_id: int, msg: InboundSms, now: datetime) -> Decision:
    settings = get_settings()
    number = msg.from_e164
    if number is None:
        return Decision("rejected", inbound_id)

    def mark(status: str) -> None:
        sms_crud.set_inbound_status(session, inbound_id, status)

    key = f"sms:{msg.message_sid}"
    keyword = sms_keywords.classify(msg.body)
    if keyword == "opt_out":
        mark("keyword")
        cancelled = sms_crud.record_opt_out(session, number, msg.body.strip().upper())
        sms_crud.save_options(session, number, [])
        logger.info("sms opt-out recorded (%s queued texts cancelled)", cancelled)
        return Decision("opt_out", inbound_id)
    if keyword == "opt_in":
        mark("keyword")
        sms_crud.record_opt_in(session, number)
        convo = sms_crud.link_conversation(session, number, number)
        return Decision(
            "opt_in",
            inbound_id,
            queue_reply(session, number, say("sms.opt_in", convo.language), key, convo.woman_id, now),
            convo.woman_id,
        )
    if sms_crud.is_opted_out(session, number):
        mark("opted_out")
        if mentions_crisis(msg.body):
            # We may not text her, but a person must know.
            convo = sms_crud.link_conversation(session, number, number)
            raise_and_notify(
                session, AlertReason.CRISIS, conversation_id=number, channel="sms", woman_id=convo.woman_id
            )
        return Decision("opted_out", inbound_id)

    convo = sms_crud.link_conversation(session, number, number)
    woman_id = convo.woman_id
    if keyword == "help":
        mark("keyword")
        return Decision(
            "help",
            inbound_id,
            queue_reply(session, number, say("sms.help", convo.language), key, woman_id, now),
            woman_id,
        )

    window = timedelta(seconds=settings.sms_rate_window_s)
    recent = sms_crud.count_inbound_since(session, number, now - window, up_to_id=inbound_id)
    if recent > settings.sms_rate_limit and not mentions_crisis(msg.body):
        mark("rate_limited")
        # One calm reply per window, whichever message of the flood gets here first.
        bucket = int(now.timestamp() // settings.sms_rate_window_s)
        ids = queue_reply(
            session, number, say("sms.rate_limited", convo.language), f"sms-slow:{number}:{bucket}", woman_id, now
        )
        return Decision("rate_limited", inbound_id, ids, woman_id)

    if not msg.body:
        status, text = (
            ("media", say("sms.media", convo.language))
            if msg.num_media
            else ("unreadable", say("sms.unreadable", convo.language))
        )
        mark(status)
        return Decision(status, inbound_id, queue_reply(session, number, text, key, woman_id, now), woman_id)
    return Decision("converse", inbound_id, woman_id=woman_id, media_note=msg.num_media > 0)


def decide(inbound_id: int, msg: InboundSms, url: str | None = None, now: datetime | None = None) -> Decision:
    """What to do with a stored message, in one transaction (see the module docstring)."""
    now = now or utcnow()
    for attempt in range(3):
        try:
            with session_scope(url) as session:
                return _decide(session, inbound_id, msg, now)
        except IntegrityError:
            # Her first message creates the conversation; a concurrent one may
            # have won (another Rasa process): look again in a fresh transaction.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def receive(msg: InboundSms, url: str | None = None, now: datetime | None = None) -> Decision:
    """Record and decide in one go (the webhook does the two steps apart)."""
    inbound_id = record(msg, url)
    if inbound_id is None:
        return Decision("duplicate")
    return decide(inbound_id, msg, url, now)


def resolve_reply(number: str, text: str, url: str | None = None) -> tuple[str, str | None]:
    """Her words for the assistant: a numbered reply becomes the button's payload.

    Returns (text for the assistant, her original words if they were mapped).
    """
    ttl = timedelta(seconds=get_settings().sms_options_ttl_s)
    with session_scope(url) as session:
        if sms_crud.conversation_paused(session, number):
            return text, None  # a keyworker is reading her words as she wrote them
        stored = sms_crud.load_options(session, number, utcnow() - ttl)
    option = match(text, [Option(o["title"], o["payload"]) for o in stored])
    if option is None:
        return text, None
    return option.payload, text


def commit_turn(
    inbound_id: int,
    number: str,
    woman_id: int | None,
    texts: list[str],
    options: list[Option] | None,
    key: str,
    url: str | None = None,
) -> list[int]:
    """After the assistant answered: queue the reply, remember its options, mark the message done."""
    with session_scope(url) as session:
        body = join_replies(texts)
        if woman_id is not None and session.get(Woman, woman_id) is None:
            # Her turn deleted her record ("delete my data"): the confirmation still goes
            # to the number she is texting from, as a reply to her, linked to no record.
            woman_id = None
        ids = queue_reply(session, number, body, key, woman_id) if body else []
        if body:
            # A turn without buttons makes earlier numbers meaningless.
            sms_crud.save_options(session, number, [o.as_dict() for o in options or []])
        sms_crud.set_inbound_status(session, inbound_id, "processed")
        return ids


def commit_failure(inbound_id: int, number: str, woman_id: int | None, key: str, url: str | None = None) -> list[int]:
    with session_scope(url) as session:
        sms_crud.set_inbound_status(session, inbound_id, "failed")
        return queue_reply(session, number, say("sms.error", language_for(session, number)), f"{key}:error", woman_id)


def commit_outside_turn(number: str, text: str, options: list[Option], url: str | None = None) -> list[int]:
    """A message the assistant sends her outside a turn of hers (e.g. a keyworker's reply)."""
    with session_scope(url) as session:
        woman_id = woman_id_for(session, number)
        ids = queue_reply(session, number, text, f"sms-out:{uuid.uuid4().hex}", woman_id)
        if ids:
            sms_crud.save_options(session, number, [o.as_dict() for o in options])
        return ids


@dataclass
class Unfinished:
    """Messages a stopped process left half-handled (status still 'received')."""

    retry: list[tuple[int, InboundSms]] = field(default_factory=list)
    expired: int = 0


def claim_unfinished(url: str | None = None, now: datetime | None = None) -> Unfinished:
    """Claim her messages that a crash left unanswered, for one more try.

    A message is 'received' only while a process handles it, which takes
    seconds; one older than `sms_replay_after_s` was dropped by a process that
    stopped. Recent ones are claimed ('replaying', by a conditional UPDATE, so
    two Rasa processes never both take one, and a message that crashes its
    process is not retried for ever) and answered again. Older ones would come
    back out of the blue, perhaps to a phone someone else now holds: they are
    marked 'expired' and a keyworker is asked to follow up.
    """
    settings = get_settings()
    now = now or utcnow()
    stuck_before = now - timedelta(seconds=settings.sms_replay_after_s)
    too_old = now - timedelta(seconds=settings.sms_replay_window_s)
    found = Unfinished()
    with session_scope(url) as session:
        for row in sms_crud.stuck_inbound(session, stuck_before):
            old = row.received_at < too_old
            if not sms_crud.claim_inbound(session, row.id, "expired" if old else "replaying", now):
                continue  # another process took it
            number = sender_e164(row.from_number)
            if old:
                found.expired += 1
                if number:
                    convo = sms_crud.link_conversation(session, number, number)
                    reason = AlertReason.CRISIS if mentions_crisis(row.body) else AlertReason.BOT_STUCK
                    raise_and_notify(session, reason, conversation_id=number, channel="sms", woman_id=convo.woman_id)
            elif number:
                found.retry.append(
                    (row.id, InboundSms(row.message_sid, row.from_number, number, row.body, row.num_media))
                )
    return found
