"""The reports' outcome tables, for the referrals the report counts (its date and borough
filters): the average change per outcome area between each case's first and latest scores
(with n), and the closing survey's answers per question.

Averages are exact fractions rounded half up to one decimal place, so a commissioner's
spreadsheet and this table agree to the digit. The survey is anonymous: its table counts
answers and never shows her free text or whose answers they are."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.crud import outcomes as crud
from bot.db.models.support import SurveyResponse
from bot.staff.report_tables import Pct, Table

KEY = "outcome_change"
SURVEY_KEY = "survey_results"
# The closing survey's questions (keys as her answers store them) in the staff's words.
SURVEY_QUESTIONS = {
    "confident": "I feel more confident",
    "safer": "I feel safer",
    "wellbeing": "My wellbeing is better",
    "children": "Things are better for my children",
    "less_likely_reoffend": "I am less likely to offend again",
}
SURVEY_ANSWERS = {"agree": "Agree", "not_sure": "Not sure", "disagree": "Disagree"}
NOT_APPLICABLE = "not_applicable"  # counted apart: not an answer to the question


def one_place(value: Fraction, signed: bool = False) -> str:
    """`value` to one decimal place, halves away from zero ("+1.3", "-0.5", "0.0")."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    sign = ("-" if value < 0 else "+" if signed else "") if tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _mean(values: Sequence[int], signed: bool = False) -> str:
    return one_place(Fraction(sum(values), len(values)), signed) if values else ""


def outcome_change(session: Session, referral_ids: Sequence[int]) -> Table:
    instrument = crud.get_instrument(session)
    readings = crud.readings_for_cases(session, referral_ids)
    rows: list[list] = []
    for area in instrument.areas if instrument else ():
        firsts, latests = [], []
        for case in readings.values():
            given = [r.scores[area.id] for r in case if area.id in r.scores]
            if len(given) >= 2:
                firsts.append(given[0])
                latests.append(given[-1])
        if area.retired and not firsts:
            continue  # no longer asked, and nothing to show
        name = f"{area.name} (no longer asked)" if area.retired else area.name
        changes = [b - a for a, b in zip(firsts, latests)]
        rows.append([name, len(firsts), _mean(firsts), _mean(latests), _mean(changes, signed=True)])
    with_two = sum(1 for case in readings.values() if len(case) >= 2)
    return Table(
        KEY,
        "Average outcome change per area, first to latest reading",
        ["Area", "Cases (n)", "Average first score", "Average latest score", "Average change"],
        rows,
        note=(
            "Scores are 1 to 10. For each area, n counts the cases that scored it in two or more readings; "
            "each gives her first score and her latest, wherever a reading skipped the area. "
            f"Cases with two or more readings: {with_two}."
        ),
    )


def survey_results(session: Session, referral_ids: Sequence[int]) -> Table:
    """Per question: how many answered it (not applicable left out) and each answer's share."""
    ids = list(referral_ids)
    counts: dict[str, Counter[str]] = {q: Counter() for q in SURVEY_QUESTIONS}
    responses = 0
    for start in range(0, len(ids), 500):  # a bounded IN list on every backend
        for answers in session.execute(
            select(SurveyResponse.answers).where(SurveyResponse.referral_id.in_(ids[start : start + 500]))
        ).scalars():
            responses += 1
            for question, answer in (answers or {}).items():
                if question in counts and (answer in SURVEY_ANSWERS or answer == NOT_APPLICABLE):
                    counts[question][answer] += 1
    rows: list[list] = []
    for question, label in SURVEY_QUESTIONS.items():
        c = counts[question]
        n = sum(c[a] for a in SURVEY_ANSWERS)
        rows.append([label, n, *[Pct(c[a], n) for a in SURVEY_ANSWERS], c[NOT_APPLICABLE]])
    return Table(
        SURVEY_KEY,
        "Closing survey: what women said",
        ["Question", "Answered (n)", *SURVEY_ANSWERS.values(), "Not applicable"],
        rows,
        note=(
            "Percentages of the women who answered the question; not applicable is counted apart and left out of n. "
            f"Surveys answered: {responses}. The survey is anonymous: what women wrote in their own words is "
            "not shown here."
        ),
    )
