"""Her referrals, their needs and her consents, for bot/privacy."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.dates import short_month_name
from bot.db.models import Consent, Referral, ReferralNeed
from bot.privacy.hooks import DataHooks, Her
from bot.referrals.parsing import needs_text
from bot.wording import say

_PATHWAY = {"self": "privacy.pathway_self", "police_caution": "privacy.pathway_police_caution"}


def _erase(session: Session, her: Her) -> dict[str, int]:
    if her.referral_ids:
        session.execute(delete(ReferralNeed).where(ReferralNeed.referral_id.in_(her.referral_ids)))
        session.execute(delete(Referral).where(Referral.id.in_(her.referral_ids)))
    session.execute(delete(Consent).where(Consent.woman_id == her.woman_id))
    return {"referrals": len(her.referral_ids)}


def _summarise(session: Session, her: Her) -> list[str]:
    lines = []
    referrals = (
        session.execute(select(Referral).where(Referral.woman_id == her.woman_id).order_by(Referral.created_at))
        .scalars()
        .all()
    )
    for ref in referrals:
        made = ref.created_at.date()
        made_on = say("dates.day_month_year", day=made.day, month=short_month_name(made.month), year=made.year)
        where = ref.borough or ref.postcode or say("privacy.area_not_given")
        needs = needs_text(ref.need_values) or say("privacy.needs_not_chosen")
        pathway = ref.pathway.value
        said = say(_PATHWAY[pathway]) if pathway in _PATHWAY else pathway
        lines.append(
            say(
                "privacy.summary_referral",
                reference=ref.reference,
                made=made_on,
                pathway=said,
                where=where,
                needs=needs,
                status=ref.status.value,
            )
        )
        if ref.caution_date or ref.police_reference:
            lines.append(say("privacy.summary_caution_details"))
    return lines


def _drop_case(session: Session, referral_id: int) -> None:
    session.execute(delete(ReferralNeed).where(ReferralNeed.referral_id == referral_id))
    session.execute(delete(Referral).where(Referral.id == referral_id))


HOOKS = DataHooks(
    feature="referrals",
    tables=("referrals", "referral_needs", "consents"),
    erase=_erase,
    summarise=_summarise,
    drop_case=_drop_case,
)
