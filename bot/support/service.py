"""The support calls the conversation makes: one transaction each, plain values out
(the action server calls these through `run_db`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.appointments.reminders import discreet_for
from bot.db.models import Referral
from bot.db.models.outcomes import ReadingStage
from bot.db.models.support import InvitationKind, InvitationStatus, SupportInvitation
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.referrals import identity
from bot.support import checkin, invitations, progress, survey

CONSENT, FREE_TEXT = "consent", "free_text"


@dataclass(frozen=True)
class Plan:
    """What she is about to answer: the steps, in order ("consent", "area:<id>", "q:<key>", "free_text")."""

    kind: str  # "checkin" | "survey"
    referral_id: int
    invitation_id: int | None
    stage: str | None
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    kind: str  # "consent" | "area" | "question" | "free_text"
    key: str  # the area's name or the question's key
    text: str  # the area's question (admin data) or ""
    scale: str
    number: int  # 1-based among the scored steps
    total: int


def _referral_and_invitation(session, sender_id: str, channel: str | None, invitation_id: int | None):
    woman = identity.woman_for(session, sender_id, channel)
    if woman is None:
        return None, None
    invitation = session.get(SupportInvitation, invitation_id) if invitation_id else None
    if invitation is not None and invitation.woman_id != woman.id:
        invitation = None
    if invitation is None:
        invitation = invitations.open_for(session, woman.id)
    if invitation is not None:
        return session.get(Referral, invitation.referral_id), invitation
    return identity.current_referral(session, woman), None


def plan(sender_id: str, channel: str | None, invitation_id: int | None = None, consented: bool = False) -> Plan | None:
    """Her next check-in or survey: the one she was asked for, else a check-in of her own.
    None when she is not known to us or there is nothing to ask (no instrument)."""
    with session_scope() as session:
        referral, invitation = _referral_and_invitation(session, sender_id, channel, invitation_id)
        if referral is None:
            return None
        if invitation is not None and invitation.kind == InvitationKind.SURVEY:
            steps = tuple(f"q:{q}" for q in survey.QUESTIONS) + (FREE_TEXT,)
            return Plan("survey", referral.id, invitation.id, None, steps if consented else (CONSENT, *steps))
        found = checkin.instrument(session)
        if found is None:
            return None
        if invitation is not None and invitation.stage is not None:
            stage = invitation.stage.value
        else:
            stage = (
                ReadingStage.REVIEW if invitations.has_reading_for(session, referral.id) else ReadingStage.START
            ).value
        return Plan(
            "checkin",
            referral.id,
            invitation.id if invitation else None,
            stage,
            tuple(f"area:{q.area_id}" for q in found.questions),
        )


def step(steps: list[str], index: int) -> Step | None:
    if index >= len(steps):
        return None
    name = steps[index]
    scored = [s for s in steps if s not in (CONSENT, FREE_TEXT)]
    number = scored.index(name) + 1 if name in scored else 0
    if name.startswith("area:"):
        with session_scope() as session:
            found = checkin.instrument(session)
        area_id = int(name.split(":", 1)[1])
        question = next((q for q in (found.questions if found else ()) if q.area_id == area_id), None)
        if question is None:  # retired since she started: skip it
            return Step("area", "", "", "", number, len(scored))
        return Step("area", question.name, question.text, found.scale if found else "", number, len(scored))
    if name.startswith("q:"):
        return Step("question", name[2:], "", "", number, len(scored))
    return Step(name, name, "", "", number, len(scored))


def finish(
    referral_id: int,
    kind: str,
    invitation_id: int | None,
    stage: str | None,
    answers: Mapping[str, object],
) -> bool:
    """Save what she gave, in one unit of work; True when anything was saved."""
    with session_scope() as session:
        if kind == "survey":
            saved = survey.save(
                session,
                referral_id,
                {k[2:]: str(v) for k, v in answers.items() if k.startswith("q:")},
                str(answers.get(FREE_TEXT) or "") or None,
            )
        else:
            scores = {int(k.split(":", 1)[1]): int(str(v)) for k, v in answers.items() if k.startswith("area:")}
            saved = checkin.save_reading(session, referral_id, ReadingStage(stage or "review"), scores)
        if invitation_id and saved is not None:
            invitations.answer(session, invitation_id, InvitationStatus.DONE)
            row = session.get(SupportInvitation, invitation_id)
            if row is not None and kind == "checkin":
                row.reading_id = saved
        return saved is not None


def decline(invitation_id: int) -> None:
    with session_scope() as session:
        invitations.answer(session, invitation_id, InvitationStatus.DECLINED)


def pending_invitation(sender_id: str, channel: str | None, now: datetime | None = None) -> invitations.Pending | None:
    now = now or utcnow()
    with session_scope() as session:
        if channel == "sms" and identity.is_phone(sender_id):
            return invitations.pending_reply(session, None, now, to=sender_id)
        woman = identity.woman_for(session, sender_id, channel)
        return invitations.pending_reply(session, woman.id, now) if woman else None


@dataclass(frozen=True)
class Mine:
    """Her progress and the link to her star, for "how am I doing?"."""

    progress: progress.Progress | None
    token: str | None
    discreet: bool  # texts to her may not say what they are about (always, once her case is closed)


def mine(sender_id: str, channel: str | None, now: datetime | None = None) -> Mine | None:
    with session_scope() as session:
        woman = identity.woman_for(session, sender_id, channel)
        if woman is None:
            return None
        current = identity.current_referral(session, woman)
        referral = current or _latest_referral(session, woman.id)
        if referral is None:
            return None
        found = progress.progress(session, referral.id)
        token = progress.star_token(referral.id, now or utcnow()) if found else None
        return Mine(found, token, current is None or discreet_for(woman))


def _latest_referral(session, woman_id: int) -> Referral | None:
    return session.execute(
        select(Referral).where(Referral.woman_id == woman_id).order_by(Referral.created_at.desc()).limit(1)
    ).scalar_one_or_none()


def star_for(referral_id: int) -> progress.Star | None:
    with session_scope() as session:
        return progress.star(session, referral_id)


def known(sender_id: str, channel: str | None) -> bool:
    """Is she on our records (so "not set up" rather than "I can't find you")?"""
    with session_scope() as session:
        return identity.woman_for(session, sender_id, channel) is not None
