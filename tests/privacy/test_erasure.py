"""Deleting her data, the summary, stopping texts and retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.base import Base
from bot.db.crud.alerts import raise_alert
from bot.db.models import (
    Alert,
    AlertReason,
    AuditLog,
    Consent,
    Conversation,
    HandoffContact,
    OutboxMessage,
    OutboxStatus,
    Referral,
    ReferralNeed,
    ReferralStatus,
    TrackerErasure,
    Woman,
)
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentMessage, AppointmentSlot
from bot.db.models.sms import SmsInbound, SmsOptOut
from bot.db.models.staff import Centre
from bot.db.session import session_scope
from bot.messaging.outbox import enqueue
from bot.privacy import identity
from bot.privacy.erasure import erase_woman
from bot.privacy.retention import purge_expired
from bot.privacy.summary import stop_texts, summary_lines
from bot.referrals.service import ReferralDraft, submit_referral

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
PHONE = "+447700900123"


def submit(sender="c1", phone=PHONE, name="Jo"):
    return submit_referral(
        ReferralDraft(
            conversation_id=sender,
            channel="rest",
            pathway="self",
            preferred_name=name,
            phone_e164=phone,
            safe_to_text=True,
            safe_to_call=False,
            postcode="SE15 4QF",
            outcode="SE15",
            borough="Southwark",
            needs=["health", "accommodation"],
        )
    )


def count(session: Session, model, *where) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def with_everything(sender="c1"):
    """Her referral plus a booked appointment, a reminder, an SMS she sent, an alert."""
    ref = submit(sender)
    with session_scope() as s:
        centre = s.execute(select(Centre)).scalars().first()
        slot = AppointmentSlot(
            centre_id=centre.id,
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=1),
            capacity=1,
            booked_count=1,
        )
        s.add(slot)
        s.flush()
        appt = Appointment(referral_id=ref.referral_id, slot_id=slot.id, kind=AppointmentKind.ASSESSMENT)
        s.add(appt)
        s.flush()
        msg = enqueue(s, to=PHONE, body="Reminder: Tue 2pm", kind="reminder", woman_id=ref.woman_id)
        s.add(
            AppointmentMessage(
                appointment_id=appt.id, outbox_message_id=msg.id, woman_id=ref.woman_id, purpose="reminder_48h"
            )
        )
        enqueue(s, to=PHONE, body="a chat reply", kind="reply", conversational=True)
        s.add(SmsInbound(message_sid="SM1", from_number=PHONE, body="my words"))
        alert = raise_alert(
            s, AlertReason.HUMAN_REQUESTED, conversation_id=sender, woman_id=ref.woman_id, referral_id=ref.referral_id
        )
        s.add(
            HandoffContact(
                alert_id=alert.id,
                conversation_id=sender,
                contact="+447700900999",
                contact_kind="mobile",
                safe_times="weekday mornings",
            )
        )
        s.add(AuditLog(actor_type="staff", action="case_viewed", subject_type="woman", subject_id=ref.woman_id))
        slot_id = slot.id
    return ref, slot_id


def test_erase_removes_everything_and_leaves_anonymous_audit(db_url):
    ref, slot_id = with_everything()
    other = submit("c2", "+447700900456", "Sam")
    with session_scope() as s:
        erased = erase_woman(s, ref.woman_id, sender_ids={"c1"})
    assert erased.referrals == 1 and erased.appointments == 1 and erased.messages == 2
    with session_scope() as s:
        assert s.get(Woman, ref.woman_id) is None
        assert count(s, Referral, Referral.woman_id == ref.woman_id) == 0
        assert count(s, ReferralNeed, ReferralNeed.referral_id == ref.referral_id) == 0
        assert count(s, Consent, Consent.woman_id == ref.woman_id) == 0
        assert count(s, Appointment) == 0 and count(s, AppointmentMessage) == 0
        assert s.get(AppointmentSlot, slot_id).booked_count == 0  # her place is free again
        assert count(s, OutboxMessage, OutboxMessage.to_address == PHONE) == 0
        assert count(s, SmsInbound, SmsInbound.from_number == PHONE) == 0
        assert count(s, Conversation, Conversation.sender_id == "c1") == 0
        assert count(s, HandoffContact) == 0  # the safe contact she left is hers
        [alert] = s.execute(select(Alert)).scalars().all()  # the team's record stays, without her
        assert (alert.woman_id, alert.referral_id, alert.conversation_id) == (None, None, None)
        assert [r.sender_id for r in s.execute(select(TrackerErasure)).scalars()] == ["c1"]
        deleted = s.execute(select(AuditLog).where(AuditLog.action == "data_deleted")).scalar_one()
        assert (deleted.actor_type, deleted.subject_id) == ("woman", None)
        assert count(s, AuditLog, AuditLog.subject_id == ref.woman_id, AuditLog.subject_type == "woman") == 0
        # Someone else's case is untouched.
        assert s.get(Woman, other.woman_id).preferred_name == "Sam"
        assert count(s, Conversation, Conversation.sender_id == "c2") == 1


def test_erase_twice_is_harmless(db_url):
    ref = submit()
    with session_scope() as s:
        assert erase_woman(s, ref.woman_id) is not None
    with session_scope() as s:
        assert erase_woman(s, ref.woman_id) is None
        assert count(s, AuditLog, AuditLog.action == "data_deleted") == 1


def test_erasure_covers_every_table_that_points_at_her():
    """A new table with a key to women/referrals must be handled in bot/privacy/erasure.py."""
    handled = {
        "consents",
        "referrals",
        "referral_needs",
        "conversations",
        "outbox_messages",
        "alerts",
        "appointments",
        "appointment_messages",
        "case_notes",
        "outcome_readings",
        "support_invitations",
        "survey_responses",
        "activity_bookings",
    }
    pointing = {
        table.name
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name in ("women", "referrals")
    }
    assert pointing <= handled, f"not erased: {sorted(pointing - handled)}"


def test_summary_says_what_we_hold_in_plain_words(db_url):
    ref = submit()
    with session_scope() as s:
        lines = summary_lines(s, ref.woman_id)
    text = "\n".join(lines)
    assert "Name: Jo" in text and "07700 900123" in text and ref.reference in text
    assert "health" in text.lower() and "Southwark" in text and "delete my data" in text
    with session_scope() as s:
        assert summary_lines(s, 999999) is None
        assert count(s, AuditLog, AuditLog.action == "data_summary_shown") == 1


def test_stop_texts_marks_her_and_cancels_queued_texts(db_url):
    ref = submit()
    with session_scope() as s:
        enqueue(s, to=PHONE, body="Reminder", kind="reminder", woman_id=ref.woman_id)
    with session_scope() as s:
        assert stop_texts(s, ref.woman_id)
    with session_scope() as s:
        assert s.get(Woman, ref.woman_id).sms_opted_out is True
        assert count(s, OutboxMessage, OutboxMessage.status == OutboxStatus.PENDING) == 0
        # And nothing new can be queued to her.
        assert enqueue(s, to=PHONE, body="x", kind="reminder", woman_id=ref.woman_id) is None


def test_code_goes_to_the_number_on_her_record_and_only_that_chat_can_use_it(db_url):
    ref = submit()
    with session_scope() as s:
        sent = identity.send_code(s, phone_e164=PHONE, sender_id="web-1", now=NOW)
        body = s.execute(select(OutboxMessage.body).where(OutboxMessage.kind == "notice")).scalar_one()
    assert sent.woman_id == ref.woman_id and sent.sent
    code = "".join(ch for ch in body.split(".")[0] if ch.isdigit())
    assert len(code) == 6 and "Elpis" not in body and "police" not in body.lower()
    ok = dict(proof=sent.proof, woman_id=ref.woman_id, now=NOW + timedelta(minutes=5))
    assert identity.code_matches(f" {code} ", sender_id="web-1", **ok)
    assert not identity.code_matches(code, sender_id="web-2", **ok)
    assert not identity.code_matches("000000" if code != "000000" else "111111", sender_id="web-1", **ok)
    late = dict(ok, now=NOW + timedelta(minutes=identity.CODE_MINUTES + 1))
    assert not identity.code_matches(code, sender_id="web-1", **late)


def test_unknown_number_gets_no_text_and_no_code_can_match(db_url):
    with session_scope() as s:
        sent = identity.send_code(s, phone_e164="+447700900999", sender_id="web-1", now=NOW)
        assert count(s, OutboxMessage) == 0
    assert sent.woman_id is None and not sent.sent
    assert not identity.code_matches("123456", proof=sent.proof, sender_id="web-1", woman_id=None, now=NOW)


def test_opted_out_number_gets_no_code(db_url):
    submit()
    with session_scope() as s:
        s.add(SmsOptOut(phone_e164=PHONE, keyword="STOP"))
    with session_scope() as s:
        sent = identity.send_code(s, phone_e164=PHONE, sender_id="web-1", now=NOW)
        assert not sent.sent and count(s, OutboxMessage) == 0


def _close(referral_id: int, when: datetime) -> None:
    with session_scope() as s:
        ref = s.get(Referral, referral_id)
        ref.status, ref.closed_at = ReferralStatus.CLOSED, when


def test_retention_deletes_old_closed_cases_only(db_url):
    old = submit("c-old", "+447700900111", "Old")
    recent = submit("c-recent", "+447700900222", "Recent")
    still_open = submit("c-open", "+447700900333", "Open")
    _close(old.referral_id, NOW - timedelta(days=731))
    _close(recent.referral_id, NOW - timedelta(days=30))
    with session_scope() as s:
        s.add(
            SmsInbound(
                message_sid="SM-old",
                from_number="+447700900444",
                body="old words",
                received_at=NOW - timedelta(days=91),
            )
        )
        s.add(
            SmsInbound(
                message_sid="SM-new", from_number="+447700900444", body="new words", received_at=NOW - timedelta(days=1)
            )
        )
        s.add(Conversation(sender_id="anon-old", last_seen_at=NOW - timedelta(days=91)))
        s.add(Conversation(sender_id="anon-new", last_seen_at=NOW - timedelta(days=1)))
        # Safe contacts left on web chats that never became a case go with their chat.
        for sender in ("anon-old", "anon-new"):
            alert = raise_alert(s, AlertReason.HUMAN_REQUESTED, conversation_id=sender)
            s.add(
                HandoffContact(alert_id=alert.id, conversation_id=sender, contact="a@example.org", contact_kind="email")
            )
    result = purge_expired(NOW)
    assert (result.women, result.referrals, result.sms_inbound, result.conversations) == (1, 1, 1, 1)
    with session_scope() as s:
        assert s.get(Woman, old.woman_id) is None
        assert s.get(Woman, recent.woman_id) is not None and s.get(Woman, still_open.woman_id) is not None
        assert [r.message_sid for r in s.execute(select(SmsInbound)).scalars()] == ["SM-new"]
        assert [c.conversation_id for c in s.execute(select(HandoffContact)).scalars()] == ["anon-new"]
        assert {r.sender_id for r in s.execute(select(TrackerErasure)).scalars()} == {"c-old", "anon-old"}
        assert s.execute(select(AuditLog.actor_type).where(AuditLog.action == "data_deleted")).scalar_one() == "system"
    # A second run (another worker, the next hour) finds nothing more.
    again = purge_expired(NOW)
    assert (again.women, again.referrals, again.sms_inbound, again.conversations) == (0, 0, 0, 0)


def test_retention_keeps_her_record_while_another_case_is_open(db_url):
    first = submit("c1")
    with session_scope() as s:
        woman = s.get(Woman, first.woman_id)
        s.add(Referral(reference="ELP-NEWONE", woman_id=woman.id, pathway="self", in_coverage=True))
    _close(first.referral_id, NOW - timedelta(days=800))
    result = purge_expired(NOW)
    assert (result.women, result.referrals) == (0, 1)
    with session_scope() as s:
        assert s.get(Woman, first.woman_id) is not None
        assert [r.reference for r in s.execute(select(Referral)).scalars()] == ["ELP-NEWONE"]


def test_retention_says_nothing_at_info_when_nothing_was_due(db_url, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="bot.privacy.retention"):
        purge_expired(NOW)
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and "retention" in r.getMessage()]
    old = submit("c-quiet", "+447700900555", "Old")
    _close(old.referral_id, NOW - timedelta(days=731))
    with caplog.at_level(logging.INFO, logger="bot.privacy.retention"):
        purge_expired(NOW)
    assert [r for r in caplog.records if r.levelno == logging.INFO and "retention" in r.getMessage()]
