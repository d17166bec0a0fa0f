"""Is it her? A 6-digit code texted to the number on her record.

The code itself is never stored: the conversation keeps a keyed hash (HMAC
with ELPIS_SECRET_KEY) bound to the conversation and the record, so a code
read off her phone works only in the chat that asked for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crypto import phone_lookup
from bot.db.models import Woman
from bot.messaging.outbox import enqueue
from bot.settings import get_settings
from bot.wording.discreet import say_discreet

CODE_MINUTES = 15
MAX_TRIES = 3


@dataclass(frozen=True)
class CodeSent:
    woman_id: int | None  # None: no record with that number (we say nothing different)
    proof: str  # "<hash>:<expiry epoch>", kept in the conversation's slot
    sent: bool


def _digest(code: str, sender_id: str, woman_id: int | None) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{sender_id}|{woman_id}|{code}".encode(), hashlib.sha256).hexdigest()


def woman_for_phone(session: Session, phone_e164: str) -> Woman | None:
    return (
        session.execute(
            select(Woman)
            .where(Woman.phone_lookup == phone_lookup(phone_e164))
            .order_by(Woman.updated_at.desc(), Woman.id.desc())
        )
        .scalars()
        .first()
    )


def send_code(session: Session, *, phone_e164: str, sender_id: str, now: datetime) -> CodeSent:
    """Text a fresh code to `phone_e164` if a record has that number.

    With no record, a proof that no code can match is returned, so the chat
    reads the same either way: it never tells a stranger whether she is known.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    expires = int((now + timedelta(minutes=CODE_MINUTES)).timestamp())
    woman = woman_for_phone(session, phone_e164)
    if woman is None:
        return CodeSent(None, f"{secrets.token_hex(32)}:{expires}", False)
    # Discreet: names nothing, so it may go where texts were not ruled out.
    message = enqueue(
        session,
        to=phone_e164,
        kind="notice",
        woman_id=woman.id,
        discreet=True,
        body=say_discreet("privacy.code", code=code, minutes=CODE_MINUTES),
    )
    return CodeSent(woman.id, f"{_digest(code, sender_id, woman.id)}:{expires}", message is not None)


def code_matches(text: str, *, proof: str | None, sender_id: str, woman_id: int | None, now: datetime) -> bool:
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    if not proof or woman_id is None or len(digits) != 6 or ":" not in proof:
        return False
    digest, _, expires = proof.partition(":")
    if not expires.isdigit() or now.timestamp() > int(expires):
        return False
    return hmac.compare_digest(digest, _digest(digits, sender_id, woman_id))


def send_code_to_woman(session: Session, *, woman: Woman, sender_id: str, now: datetime) -> CodeSent:
    """Text a fresh code to the number on `woman`'s own record (found by her reference).

    The outbox sends it only the way she said is safe (never when texts are
    not safe or she opted out); `sent` says whether it went.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    expires = int((now + timedelta(minutes=CODE_MINUTES)).timestamp())
    message = None
    if woman.phone_e164:
        message = enqueue(
            session,
            to=woman.phone_e164,
            kind="notice",
            woman_id=woman.id,
            discreet=True,
            body=say_discreet("privacy.code", code=code, minutes=CODE_MINUTES),
        )
    return CodeSent(woman.id, f"{_digest(code, sender_id, woman.id)}:{expires}", message is not None)
