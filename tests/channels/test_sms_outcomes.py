"""Issue #19 points 15 and 20 over SMS (fake Twilio, real servers, both
databases): a police outcome other than a caution is recorded and she is
taken as her own referral; what she says about safe times is read back as
days and times only, and what she discloses is acknowledged, never repeated."""

from __future__ import annotations

import re

from bot.db.models import Referral, Woman
from bot.db.models.referrals import PoliceOutcome
from tests.channels.conftest import rows


def test_charged_by_text_is_her_own_referral_with_the_outcome(sms_stack, phone):
    first = phone.text("ive been charged and im due in court next month")
    assert "own referral" in first and "18 or over" in first and "yes or a no" not in first
    assert "call you" in phone.text("1")
    assert "postcode" in phone.text("Jo")
    assert "this number" in phone.text("SE15 4QF")
    assert "safe" in phone.text("1")
    assert "safe time" in phone.text("2")  # texts only
    told = phone.text("weekday mornings when hes at work")
    assert "Thank you for telling me" in told and "help with" in told
    summary = phone.text("skip")
    assert "Sent by: myself (police: charged)" in summary and "weekday mornings" in summary
    assert "work" not in summary and "caution" not in summary.lower()
    done = phone.text("1")
    reference = re.search(r"ELP-[A-Z0-9]{6}", done).group(0)
    [referral] = rows(sms_stack, Referral, reference=reference)
    assert referral.police_outcome == PoliceOutcome.CHARGED and referral.pathway.value == "self"
    [woman] = rows(sms_stack, Woman, id=referral.woman_id)
    assert woman.safe_times == "weekday mornings" and woman.phone_e164 == phone.number


def test_no_further_action_by_text_can_still_come(sms_stack, phone):
    first = phone.text("police said no further action but they gave me ur number")
    assert "no further action, you can come" in first and "18 or over" in first
    for text, then in (
        ("1", "call you"),
        ("skip", "postcode"),
        ("SE15 4QF", "this number"),
        ("1", "safe"),
        ("1", "safe time"),
        ("any time", "help with"),
    ):
        reply = phone.text(text)
        assert then in reply, (text, reply)
    summary = phone.text("skip")
    assert "Sent by: myself (police: no further action)" in summary
    phone.text("1")
    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    assert referral.police_outcome == PoliceOutcome.NO_FURTHER_ACTION
