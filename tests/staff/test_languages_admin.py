"""Her language for staff, and admins' corrections of the wording in each language, over
real HTTP on SQLite and PostgreSQL: the case page names her language; the Languages page
lists every text beside the English with who wrote and checked it; a correction keeps its
placeholders, a discreet text names nothing, both are refused otherwise (nothing saved);
a saved correction is what say() gives, and removing it restores the catalogue's; a
knowledge answer's translation is edited the same way; keyworkers get 403."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select, update

from bot.db.crud import knowledge
from bot.db.crud import wording as wording_crud
from bot.db.crud.knowledge_translations import in_language
from bot.db.models import AuditLog, Woman, WordingCorrection
from bot.db.models.referrals import Referral
from bot.db.session import session_scope
from bot.wording import catalogue as cat
from tests.staff.test_case_page import make_case


def corrections(url: str) -> dict:
    with session_scope(url) as session:
        return wording_crud.all_corrections(session)


@pytest.fixture(autouse=True)
def no_corrections(web):
    yield
    with session_scope(web.db) as session:
        session.execute(WordingCorrection.__table__.delete())


def test_the_case_page_names_her_language(web, keyworker):
    _, kw = keyworker
    referral_id = make_case(web.db)
    with session_scope(web.db) as session:
        woman_id = session.scalar(select(Referral.woman_id).where(Referral.id == referral_id))
        session.execute(update(Woman).where(Woman.id == woman_id).values(language="pl"))
    page = kw.get(f"/staff/cases/{referral_id}").text
    assert 'id="her-language">Polish (Polski)<' in page
    english = kw.get(f"/staff/cases/{make_case(web.db)}").text
    assert 'id="her-language">English<' in english


def test_keyworkers_cannot_reach_the_languages_pages(web, keyworker):
    _, kw = keyworker
    assert kw.get("/staff/admin/languages").status_code == 403
    assert kw.get("/staff/admin/languages/pl/texts/utter_goodbye").status_code == 403


def test_every_text_is_listed_beside_the_english_with_who_wrote_and_checked_it(web, admin):
    _, a = admin
    listing = a.get("/staff/admin/languages").text
    for code in ("pl", "ro", "bn", "pt", "es", "tr", "ar", "ur"):
        assert f'data-code="{code}"' in listing
    page = html.unescape(a.get("/staff/admin/languages/pl").text)
    assert cat.say("utter_goodbye", "pl") in page and cat.say("utter_goodbye", "en") in page
    assert "reviewer-pl" in page and "translator-pl" in page
    assert a.get("/staff/admin/languages/xx").status_code == 404
    assert a.get("/staff/admin/languages/pl/texts/not.a.key").status_code == 404


def test_a_correction_is_checked_saved_audited_and_undone(web, admin):
    admin_id, a = admin
    key = "utter_goodbye"
    page = f"/staff/admin/languages/pl/texts/{key}"
    fixed = "Trzymaj się. Napisz do mnie, kiedy chcesz."
    resp = a.submit(page, page, {"text": fixed})
    assert resp.status_code == 303
    assert corrections(web.db)[("pl", key)].text == fixed
    with session_scope(web.db) as session:
        assert session.scalar(
            select(AuditLog).where(AuditLog.action == f"correct_wording pl:{key}", AuditLog.actor_id == admin_id)
        )
        # What every process's say() reads (bot/db/crud/wording.py), without the cache's wait:
        cat.use_corrections(lambda: wording_crud.all_corrections(session))
        try:
            assert cat.say(key, "pl") == fixed and cat.say(key, "ro") != fixed
        finally:
            cat.use_corrections(None)
    assert a.submit(page, f"{page}/undo").status_code == 303
    assert ("pl", key) not in corrections(web.db)


def test_a_correction_that_breaks_a_placeholder_or_a_discreet_text_is_refused(web, admin):
    _, a = admin
    key = "reminders.reminder_discreet_named"  # discreet, with {name}, {on}, {clock}, {address}, {postcode}
    page = f"/staff/admin/languages/pl/texts/{key}"
    lost = a.submit(page, page, {"text": "Cześć, przypomnienie: {on} o {clock}."})
    assert lost.status_code == 400 and "placeholders" in lost.text
    named = a.submit(page, page, {"text": "Cześć {name}, policja: {on} o {clock}, {address}, {postcode}."})
    assert named.status_code == 400 and "must not name" in named.text
    assert ("pl", key) not in corrections(web.db)


def test_a_knowledge_answer_is_translated_by_an_admin(web, admin):
    _, a = admin
    page = "/staff/admin/languages/es/answers/free"
    form = a.get(page).text
    assert "Sí" in html.unescape(form) or "gratis" in html.unescape(form)
    with session_scope(web.db) as session:
        steps = len(knowledge.get_answer(session, "free").next)
    new = "Sí, es gratis. No pagas nada."
    resp = a.submit(page, page, {"title": "¿Es gratis?", "answer": new, "next_title": ["Paso"] * steps})
    assert resp.status_code == 303
    with session_scope(web.db) as session:
        answer = knowledge.live_answer(session, "free")
        spanish = in_language(session, answer, "es")
        assert spanish.text == new and [s.payload for s in spanish.next] == [s.payload for s in answer.next]
        assert in_language(session, answer, "en").text == answer.text
    short = a.submit(page, page, {"title": "x", "answer": new, "next_title": []})
    assert short.status_code == 400 and "next steps" in short.text
