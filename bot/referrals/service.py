"""Submitting a referral: one transaction, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from bot.conversation.contact import format_mobile
from bot.dates import month_name, today_london, weekday_name
from bot.db.crud import conversations as convo_crud
from bot.db.crud import referrals as referral_crud
from bot.db.models import AlertReason, Consent, Need, Pathway, Referral, ReferralNeed, Woman
from bot.db.models.referrals import PoliceOutcome
from bot.db.session import session_scope
from bot.privacy import shared_numbers
from bot.referrals.parsing import OUTCOME_KEYS, OUTCOME_PATHWAYS, needs_text
from bot.settings import get_settings
from bot.staff.alert_notify import raise_and_notify
from bot.wording import say


@dataclass
class ReferralDraft:
    """What she told us, already validated by the form."""

    conversation_id: str
    channel: str
    pathway: str  # Pathway value
    preferred_name: str | None = None
    phone_e164: str | None = None
    safe_to_text: bool | None = None
    safe_to_call: bool | None = None
    safe_times: str | None = None
    postcode: str | None = None
    outcode: str | None = None
    borough: str | None = None
    caution_date: date | None = None
    police_reference: str | None = None
    needs: list[str] = field(default_factory=list)
    police_outcome: str | None = None  # PoliceOutcome value, or None (no police contact named)
    language: str | None = None  # the conversation's, when not English


@dataclass(frozen=True)
class SubmittedReferral:
    reference: str
    referral_id: int
    woman_id: int
    in_coverage: bool


def caution_deadline(caution_date: date | None) -> date | None:
    if caution_date is None:
        return None
    return caution_date + timedelta(weeks=get_settings().caution_deadline_weeks)


def submit_referral(draft: ReferralDraft, url: str | None = None) -> SubmittedReferral:
    settings = get_settings()
    is_caution = draft.pathway == Pathway.POLICE_CAUTION.value
    for attempt in range(3):
        try:
            with session_scope(url) as session:
                in_coverage = referral_crud.is_covered(session, draft.borough)
                woman = Woman(
                    preferred_name=draft.preferred_name,
                    phone_e164=draft.phone_e164,
                    safe_to_text=draft.safe_to_text,
                    safe_to_call=draft.safe_to_call,
                    safe_times=draft.safe_times,
                    language=draft.language,
                )
                session.add(woman)
                session.flush()
                session.add(
                    Consent(
                        woman_id=woman.id,
                        notice_version=settings.privacy_notice_version,
                        channel=draft.channel,
                    )
                )
                referral = Referral(
                    reference=referral_crud.new_reference(session, settings.reference_prefix),
                    woman_id=woman.id,
                    pathway=Pathway(draft.pathway),
                    police_outcome=PoliceOutcome(draft.police_outcome)
                    if draft.police_outcome
                    else PoliceOutcome.CAUTIONED
                    if is_caution
                    else None,
                    caution_date=draft.caution_date if is_caution else None,
                    police_reference=draft.police_reference if is_caution else None,
                    caution_deadline=caution_deadline(draft.caution_date) if is_caution else None,
                    postcode=draft.postcode,
                    outcode=draft.outcode,
                    borough=draft.borough,
                    in_coverage=in_coverage,
                    channel=draft.channel,
                    conversation_id=draft.conversation_id,
                )
                referral.needs = [ReferralNeed(need=Need(n)) for n in sorted(set(draft.needs))]
                session.add(referral)
                session.flush()
                convo = convo_crud.get_or_create(session, draft.conversation_id, draft.channel)
                convo.woman_id = woman.id
                if woman.phone_e164:
                    # Her number on another woman's record too: no reminder with details to it
                    # (hers or the other's, already queued) until a keyworker has checked.
                    shared_numbers.hold(session, woman)
                if not in_coverage:
                    raise_and_notify(
                        session,
                        AlertReason.OUT_OF_COVERAGE,
                        conversation_id=draft.conversation_id,
                        channel=draft.channel,
                        woman_id=woman.id,
                        referral_id=referral.id,
                    )
                return SubmittedReferral(referral.reference, referral.id, woman.id, in_coverage)
        except IntegrityError:
            # Only a reference collision between two concurrent submits lands
            # here; the transaction rolled back whole, so try again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def plain_date(value: str | date, today: date | None = None) -> str:
    """ "Tue 1 September" (the year only when it isn't this year), not 2026-09-01."""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    today = today or today_london()
    weekday, month = weekday_name(d.isoweekday(), short=True), month_name(d.month)
    if d.year != today.year:
        return say("referral.summary_date_other_year", weekday=weekday, day=d.day, month=month, year=d.year)
    return say("referral.summary_date", weekday=weekday, day=d.day, month=month)


def summary_lines(slots: dict) -> list[str]:
    """The summary she checks before sending. Skipped answers say so."""

    skipped = say("referral.summary_skipped")

    def shown(value, fallback=skipped):
        return value if value not in (None, "", "skipped") else fallback

    where = slots.get("postcode") or slots.get("outcode") or slots.get("borough")
    if slots.get("borough") and where != slots.get("borough"):
        where = say("referral.summary_place_in_borough", place=where, borough=slots["borough"])
    contact_line = say("referral.summary_contact", contact=skipped)
    if slots.get("safe_to_text") is not None or slots.get("safe_to_call") is not None:
        text_ok, call_ok = bool(slots.get("safe_to_text")), bool(slots.get("safe_to_call"))
        # Said the way she chose it: "texts only" must never read as "texts OK".
        contact = say(
            {
                (True, True): "referral.summary_texts_and_calls",
                (True, False): "referral.summary_texts_only",
                (False, True): "referral.summary_calls_only",
                (False, False): "referral.summary_no_contact",
            }[(text_ok, call_ok)]
        )
        contact_line = say("referral.summary_contact", contact=contact)
        if (text_ok or call_ok) and shown(slots.get("safe_times"), None):
            contact_line = say("referral.summary_contact_at_times", contact=contact, times=slots["safe_times"])
    mobile = format_mobile(slots["phone_e164"]) if slots.get("phone_e164") else skipped
    lines = [
        say("referral.summary_name", name=shown(slots.get("preferred_name"))),
        say("referral.summary_area", area=shown(where)),
        say("referral.summary_mobile", mobile=mobile),
        contact_line,
    ]
    if slots.get("pathway") == Pathway.POLICE_CAUTION.value:
        caution_date = slots.get("caution_date")
        details = [d for d in (plain_date(caution_date) if caution_date else None, slots.get("police_reference")) if d]
        if details:
            lines.append(say("referral.summary_sent_by_police_details", details=", ".join(details)))
        else:
            lines.append(say("referral.summary_sent_by_police"))
    elif slots.get("pathway") in OUTCOME_PATHWAYS:
        outcome = say(OUTCOME_KEYS[slots["pathway"]])
        lines.append(say("referral.summary_sent_by_self_outcome", outcome=outcome))
    else:
        lines.append(say("referral.summary_sent_by_self"))
    need_list = slots.get("need_list") or []
    lines.append(say("referral.summary_help_with", needs=needs_text(need_list) if need_list else skipped))
    return lines
