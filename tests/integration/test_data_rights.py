"""Her data rights by message, over the real Rasa and action servers (issue 9)."""

from __future__ import annotations

import re
from datetime import timedelta

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.db.crypto import phone_lookup
from bot.db.models import AuditLog, OutboxMessage, Referral, TrackerErasure, Woman
from bot.db.types import utcnow
from bot.referrals.service import ReferralDraft, submit_referral
from tests.conftest import use_database


def db(stack):
    return Session(create_engine(stack.database_url, future=True))


def refer(chat, phone="07700 900123"):
    for text in [
        "I want to refer myself",
        "yes",
        "call me Jo",
        "SE15 4QF",
        phone,
        "texts only",
        "weekdays after 10am",
        "1 2",
    ]:
        chat.say(text)
    reference = re.search(r"ELP-[A-Z0-9]{6}", chat.say_joined("yes")).group(0)
    chat.say("not now")  # the booking offer that follows a referral
    return reference


def tracker_events(stack, sender):
    resp = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=30)
    assert resp.status_code == 200
    return resp.json().get("events") or []


def test_summary_then_delete_in_her_own_chat(stack, chat, monkeypatch):
    reference = refer(chat)
    summary = chat.say_joined("what do you hold about me")
    assert "Name: Jo" in summary and "07700 900123" in summary and reference in summary
    assert "delete my data" in summary

    with db(stack) as s:
        # Other tests on this shared stack use the same drama number: check her own row.
        woman_id = s.execute(select(Referral.woman_id).where(Referral.reference == reference)).scalar_one()
    ask = chat.say_joined("delete my data")
    assert "Reply DELETE" in ask and "STOP" not in ask
    done = chat.say_joined("DELETE")
    assert "deleted everything" in done
    with db(stack) as s:
        assert s.execute(select(Referral).where(Referral.reference == reference)).scalar_one_or_none() is None
        assert s.get(Woman, woman_id) is None
        assert s.execute(select(AuditLog).where(AuditLog.action == "data_deleted")).scalars().all()
        assert chat.sender in set(s.execute(select(TrackerErasure.sender_id)).scalars())

    # The worker's job wipes what Rasa holds of the chat (in-memory store: via Rasa's HTTP API).
    assert any("Jo" in (e.get("text") or "") for e in tracker_events(stack, chat.sender))
    use_database(monkeypatch, stack.database_url)
    monkeypatch.setenv("ELPIS_RASA_URL", stack.rasa_url)
    from bot.privacy.trackers import erase_pending

    assert erase_pending(utcnow() + timedelta(seconds=30)) >= 1
    events = tracker_events(stack, chat.sender)
    assert not any(e.get("event") == "user" for e in events)
    # She can start again in the same chat.
    assert chat.say("hi")


def test_keep_means_nothing_is_deleted(stack, chat):
    reference = refer(chat, "07700 900456")
    assert "Reply DELETE" in chat.say_joined("delete my data")
    assert "haven't deleted anything" in chat.say_joined("no keep it")
    with db(stack) as s:
        assert s.execute(select(Referral).where(Referral.reference == reference)).scalar_one_or_none() is not None


def _submit(stack, phone):
    return submit_referral(
        ReferralDraft(
            conversation_id=f"other-{phone}",
            channel="sms",
            pathway="self",
            preferred_name="Ann",
            phone_e164=phone,
            safe_to_text=True,
            safe_to_call=False,
            postcode="SE15 4QF",
            outcode="SE15",
            borough="Southwark",
            needs=["health"],
        ),
        url=stack.database_url,
    )


def _code(stack, phone):
    with db(stack) as s:
        body = (
            s.execute(
                select(OutboxMessage.body)
                .where(OutboxMessage.to_address == phone, OutboxMessage.kind == "notice")
                .order_by(OutboxMessage.id.desc())
            )
            .scalars()
            .first()
        )
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_from_another_chat_she_proves_it_with_a_texted_code(stack, chat):
    ref = _submit(stack, "+447700900777")
    ask = chat.say_joined("delete my data")
    assert "mobile number" in ask and "Sorry" not in ask
    assert "If that number is on our records" in chat.say_joined("07700 900777")
    code = _code(stack, "+447700900777")
    wrong = "000000" if code != "000000" else "111111"
    assert "doesn't match" in chat.say_joined(wrong)
    assert "Reply DELETE" in chat.say_joined(code)
    assert "deleted everything" in chat.say_joined("delete")
    with db(stack) as s:
        assert s.get(Woman, ref.woman_id) is None


def test_a_stranger_learns_nothing_and_changes_nothing(stack, chat):
    ref = _submit(stack, "+447700900888")
    chat.say("what data do you have on me")
    unknown = chat.say_joined("07700 900999")  # not on any record: the same words
    assert "If that number is on our records" in unknown
    for guess in ("123456", "654321"):
        chat.say(guess)
    failed = chat.say_joined("111111")
    assert "couldn't check it's you" in failed and "talk to someone" in failed
    with db(stack) as s:
        assert s.get(Woman, ref.woman_id) is not None


def test_stop_texts_in_her_chat(stack, chat):
    refer(chat, "07700 900654")
    reply = chat.say_joined("stop texting me")
    assert "won't text you" in reply
    assert not re.search(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|STOPALL|REVOKE|OPTOUT)\b", reply)
    with db(stack) as s:
        woman = s.execute(select(Woman).where(Woman.phone_lookup == phone_lookup("+447700900654"))).scalar_one()
        assert woman.sms_opted_out is True
