"""Her check-in and survey invitations and her survey answers, for bot/privacy."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models.support import SupportInvitation, SurveyResponse
from bot.privacy.hooks import DataHooks, Her
from bot.wording import say


def _erase(session: Session, her: Her) -> dict[str, int]:
    answers = 0
    if her.referral_ids:
        answers = session.execute(
            delete(SurveyResponse).where(SurveyResponse.referral_id.in_(her.referral_ids))
        ).rowcount
    asked = session.execute(delete(SupportInvitation).where(SupportInvitation.woman_id == her.woman_id)).rowcount
    return {"support_invitations": asked, "survey_responses": answers}


def _summarise(session: Session, her: Her) -> list[str]:
    asked = session.execute(
        select(func.count()).select_from(SupportInvitation).where(SupportInvitation.woman_id == her.woman_id)
    ).scalar_one()
    answered = 0
    if her.referral_ids:
        answered = session.execute(
            select(func.count()).select_from(SurveyResponse).where(SurveyResponse.referral_id.in_(her.referral_ids))
        ).scalar_one()
    lines = [say("support.data_summary_invitations", count=asked)] if asked else []
    if answered:
        lines.append(say("support.data_summary_survey"))
    return lines


def _drop_case(session: Session, referral_id: int) -> None:
    session.execute(delete(SurveyResponse).where(SurveyResponse.referral_id == referral_id))
    session.execute(delete(SupportInvitation).where(SupportInvitation.referral_id == referral_id))


HOOKS = DataHooks(
    feature="support",
    tables=("support_invitations", "survey_responses"),
    erase=_erase,
    summarise=_summarise,
    drop_case=_drop_case,
)
