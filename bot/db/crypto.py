"""Encryption at rest for what would hurt her most if the database leaked.

Her phone number, the words of her texts and of the texts we send her, staff
phone numbers and keyworkers' notes are stored encrypted with Fernet
(`cryptography`: AES-128-CBC + HMAC-SHA256, authenticated) under the keys in
ELPIS_DATA_KEYS. Several keys may be given, newest first: new values use the
first, older ones still decrypt, so keys can be rotated (see docs/security.md).

Fernet tokens differ every time, so an encrypted column cannot be searched;
her phone number is found through `phone_lookup`, an HMAC-SHA256 of the E.164
number under ELPIS_LOOKUP_KEY (keyed, so a leaked table cannot be reversed by
hashing every UK mobile number).

What stays in clear, and why: the number as a routing key on operational rows
(outbox recipient, inbound sender, opt-outs, SMS conversation ids), which the
sender and the carrier keywords need and which retention deletes (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from bot.settings import get_settings


class DecryptionError(RuntimeError):
    """A value could not be decrypted with any of ELPIS_DATA_KEYS."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _cipher(get_settings().data_keys).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _cipher(get_settings().data_keys).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        # Never fall back to returning the stored text: it is ciphertext or tampered.
        raise DecryptionError("stored value cannot be decrypted: is ELPIS_DATA_KEYS right?") from exc


def rotate(token: str) -> str:
    """The same value under the newest key (for `python -m bot.db rotate-keys`)."""
    return _cipher(get_settings().data_keys).rotate(token.encode("ascii")).decode("ascii")


def phone_lookup(phone_e164: str | None) -> str | None:
    if not phone_e164:
        return None
    key = get_settings().lookup_key.encode("utf-8")
    return hmac.new(key, phone_e164.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; read back as the plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def rotate_all(url: str | None = None, batch: int = 500) -> int:
    """Re-encrypt every encrypted value under the newest key and recompute the
    phone lookup hashes (after adding a key to ELPIS_DATA_KEYS or changing
    ELPIS_LOOKUP_KEY). Safe to run again; returns the values rewritten."""
    from sqlalchemy import text

    from bot.db.base import Base
    from bot.db.session import session_scope

    done = 0
    for table in Base.metadata.sorted_tables:
        for column in (c for c in table.columns if isinstance(c.type, EncryptedText)):
            last_id = 0
            while True:  # one transaction per batch: a long table never holds one huge lock
                with session_scope(url) as session:
                    rows = session.execute(
                        text(
                            f'SELECT id, "{column.name}" FROM "{table.name}" WHERE id > :last '
                            f'AND "{column.name}" IS NOT NULL ORDER BY id LIMIT :n'
                        ),
                        {"last": last_id, "n": batch},
                    ).all()
                    for row_id, token in rows:
                        values = {"v": rotate(token), "id": row_id}
                        sets = f'"{column.name}" = :v'
                        if table.name == "women" and column.name == "phone_e164":
                            sets += ", phone_lookup = :h"
                            values["h"] = phone_lookup(decrypt(token))
                        session.execute(text(f'UPDATE "{table.name}" SET {sets} WHERE id = :id'), values)
                if not rows:
                    break
                last_id, done = rows[-1][0], done + len(rows)
    return done
