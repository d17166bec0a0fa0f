"""Admins keep the assistant's answers, over real HTTP on SQLite and PostgreSQL:
list with "check due" and retired apart, edit (live at once, with history), the
limits, add, retire, mark as checked; keyworkers get 403; every form needs CSRF."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.crud import knowledge
from bot.db.models import AuditLog, KnowledgeAnswerVersion
from bot.db.session import session_scope
from bot.db.types import utcnow

ANSWER = "You can bring an assistance dog to every centre. Tell us before you come, so we can find a quiet room."


def new_topic(url: str, admin_id: int, **kw) -> str:
    """A topic of this test's own: the staff database is shared by the whole session."""
    topic = f"kb_{uuid.uuid4().hex[:10]}"
    with session_scope(url) as session:
        knowledge.add_topic(
            session,
            topic_id=topic,
            title=kw.get("title", f"Pets {topic}"),
            text=ANSWER,
            police="none",
            staff_id=admin_id,
            next_steps=[("Talk to a person", "/human_handoff")],
        )
    return topic


def answer(url: str, topic: str):
    with session_scope(url) as session:
        return knowledge.get_answer(session, topic)


def live(url: str, topic: str):
    with session_scope(url) as session:
        return knowledge.live_answer(session, topic)


def versions(url: str, topic: str) -> int:
    with session_scope(url) as session:
        return len(knowledge.history(session, topic))


def audit_actions(url: str, staff_id: int) -> list[tuple[str, int | None]]:
    with session_scope(url) as session:
        return [
            (a.action, a.subject_id)
            for a in session.execute(
                select(AuditLog)
                .where(AuditLog.actor_id == staff_id, AuditLog.subject_type == "answer")
                .order_by(AuditLog.id)
            ).scalars()
        ]


def row_of(html: str, table: str, topic: str) -> str | None:
    body = re.search(rf'<table class="list" id="{table}">(.*?)</table>', html, re.S).group(1)
    match = re.search(rf'<tr data-topic="{topic}"[^>]*>(.*?)</tr>', body, re.S)
    return match.group(0) if match else None


def edit_form(page_html: str, **values) -> dict:
    """The edit form as the page filled it in, with some fields changed."""
    version = re.search(r'name="version" value="(\d+)"', page_html).group(1)
    form = {
        "version": version,
        "title": "Can I bring my dog?",
        "answer": ANSWER,
        "next_title": ["Talk to a person", "", ""],
        "next_payload": ["/human_handoff", "", ""],
    }
    return {**form, **values}


def test_list_shows_check_due_last_checked_and_retired_apart(web, admin):
    admin_id, ad = admin
    fresh, due, gone = (new_topic(web.db, admin_id) for _ in range(3))
    with session_scope(web.db) as session:
        knowledge.mark_checked(session, fresh, admin_id, at=utcnow() - timedelta(days=30))
        knowledge.mark_checked(session, due, admin_id, at=utcnow() - timedelta(days=366))
        knowledge.set_retired(session, gone, True)
    page = ad.get("/staff/admin/knowledge")
    assert page.status_code == 200
    fresh_row, due_row = row_of(page.text, "answers", fresh), row_of(page.text, "answers", due)
    assert "check due" not in fresh_row and "up to date" in fresh_row and "Test Admin" in fresh_row
    assert "check due" in due_row and "Test Admin" in due_row
    assert row_of(page.text, "answers", gone) is None and row_of(page.text, "retired-answers", gone)
    # The seeded answers are listed, never checked yet: due.
    seeded = row_of(page.text, "answers", "free")
    assert "Is it free?" in seeded and "never" in seeded and "check due" in seeded
    assert 'href="/staff/admin/knowledge"' in page.text  # in the admin navigation


def test_an_edit_is_what_the_assistant_says_next_and_is_in_the_history(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    page = ad.get(f"/staff/admin/knowledge/{topic}")
    assert page.status_code == 200 and ANSWER in page.text
    words = "Yes, assistance dogs are welcome at every centre. Tell us first and we will find a quiet room."
    resp = ad.submit(
        f"/staff/admin/knowledge/{topic}",
        f"/staff/admin/knowledge/{topic}",
        edit_form(
            page.text,
            answer=words,
            next_title=["Talk to a person", "Find help", ""],
            next_payload=["/human_handoff", "/find_service", ""],
        ),
    )
    assert resp.status_code == 303 and resp.headers["location"].endswith("?done=saved")
    now = live(web.db, topic)
    assert (now.text, now.version) == (words, 2)
    assert now.buttons() == [
        {"title": "Talk to a person", "payload": "/human_handoff"},
        {"title": "Find help", "payload": "/find_service"},
    ]
    shown = ad.get(resp.headers["location"]).text
    assert "The assistant gives this wording from now on" in shown and words in shown
    history = ad.get(f"/staff/admin/knowledge/{topic}/history")
    assert history.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)", history.text)
    assert rows == ["2", "1"] and words in history.text and ANSWER in history.text
    assert ("edit_answer", now.id) in audit_actions(web.db, admin_id)


def test_a_321_character_answer_is_refused_with_a_clear_message_and_nothing_saved(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    page = ad.get(f"/staff/admin/knowledge/{topic}").text
    resp = ad.submit(
        f"/staff/admin/knowledge/{topic}", f"/staff/admin/knowledge/{topic}", edit_form(page, answer="a" * 321)
    )
    assert resp.status_code == 400
    assert "Nothing was saved" in resp.text
    assert "The answer is 321 characters long; it can be at most 320" in resp.text
    assert "a" * 321 in resp.text  # her words are still in the box to shorten
    assert live(web.db, topic).text == ANSWER and versions(web.db, topic) == 1
    ok = ad.submit(
        f"/staff/admin/knowledge/{topic}", f"/staff/admin/knowledge/{topic}", edit_form(page, answer="a" * 320)
    )
    assert ok.status_code == 303 and live(web.db, topic).text == "a" * 320


@pytest.mark.parametrize(
    "change, message",
    [
        ({"answer": ""}, "Write the answer"),
        ({"title": ""}, "Give the answer a title"),
        ({"next_title": ["Start again", "", ""], "next_payload": ["/restart", "", ""]}, "/restart is not something"),
    ],
)
def test_other_invalid_edits_save_nothing(web, admin, change, message):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    page = ad.get(f"/staff/admin/knowledge/{topic}").text
    resp = ad.submit(f"/staff/admin/knowledge/{topic}", f"/staff/admin/knowledge/{topic}", edit_form(page, **change))
    assert resp.status_code == 400 and "Nothing was saved" in resp.text and message in resp.text
    assert versions(web.db, topic) == 1 and live(web.db, topic).text == ANSWER


def test_an_edit_over_someone_elses_newer_save_is_refused_and_kept_on_screen(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    stale_page = ad.get(f"/staff/admin/knowledge/{topic}").text
    with session_scope(web.db) as session:
        knowledge.save_edit(
            session, topic, title="Dogs", text="Someone else's words.", next_steps=[], staff_id=admin_id, based_on=1
        )
    resp = ad.submit(
        f"/staff/admin/knowledge/{topic}",
        f"/staff/admin/knowledge/{topic}",
        edit_form(stale_page, answer="My late words."),
    )
    assert resp.status_code == 409
    assert "Someone else saved this answer" in resp.text
    assert "Someone else&#39;s words." in resp.text and "My late words." in resp.text
    assert live(web.db, topic).text == "Someone else's words." and versions(web.db, topic) == 2


def test_add_a_topic_then_a_duplicate_id_is_refused(web, admin):
    admin_id, ad = admin
    topic = f"kb_{uuid.uuid4().hex[:10]}"
    form = {
        "topic_id": topic,
        "title": "Can I bring my dog?",
        "answer": ANSWER,
        "police": "none",
        "next_title": ["Talk to a person", "", ""],
        "next_payload": ["/human_handoff", "", ""],
    }
    resp = ad.submit("/staff/admin/knowledge/new", "/staff/admin/knowledge/new", form)
    assert resp.status_code == 303 and resp.headers["location"] == f"/staff/admin/knowledge/{topic}?done=added"
    added = live(web.db, topic)
    assert added.text == ANSWER and added.police == "none" and versions(web.db, topic) == 1
    assert ("add_answer", added.id) in audit_actions(web.db, admin_id)
    again = ad.submit("/staff/admin/knowledge/new", "/staff/admin/knowledge/new", form)
    assert again.status_code == 400 and f"There is already a topic {topic}" in again.text
    long = ad.submit(
        "/staff/admin/knowledge/new",
        "/staff/admin/knowledge/new",
        {**form, "topic_id": topic + "_2", "answer": "b" * 321},
    )
    assert long.status_code == 400 and "321 characters" in long.text
    assert answer(web.db, topic + "_2") is None


def test_retire_hides_it_from_the_assistant_and_unretire_brings_it_back(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    page = f"/staff/admin/knowledge/{topic}"
    resp = ad.submit(page, f"{page}/retire", {"retired": "on"})
    assert resp.status_code == 303 and live(web.db, topic) is None
    listing = ad.get("/staff/admin/knowledge").text
    assert row_of(listing, "retired-answers", topic) and not row_of(listing, "answers", topic)
    assert "Put back in use" in ad.get(page).text
    assert ad.submit(page, f"{page}/retire").status_code == 303
    assert live(web.db, topic).text == ANSWER
    id_ = answer(web.db, topic).id
    assert [a for a in audit_actions(web.db, admin_id) if a[1] == id_][-2:] == [
        ("retire_answer", id_),
        ("unretire_answer", id_),
    ]


def test_mark_as_checked_clears_check_due(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id)
    with session_scope(web.db) as session:
        knowledge.mark_checked(session, topic, admin_id, at=utcnow() - timedelta(days=400))
    page = f"/staff/admin/knowledge/{topic}"
    assert "check due" in ad.get(page).text
    resp = ad.submit(page, f"{page}/check")
    assert resp.status_code == 303
    checked = answer(web.db, topic)
    assert not checked.stale and utcnow() - checked.last_checked_at < timedelta(minutes=5)
    assert checked.last_checked_by == "Test Admin"
    assert "check due" not in ad.get(page).text
    assert ("check_answer", checked.id) in audit_actions(web.db, admin_id)


def test_unknown_topics_are_404(admin):
    _, ad = admin
    for path in (
        "/staff/admin/knowledge/no_such_topic",
        "/staff/admin/knowledge/no_such_topic/history",
        "/staff/admin/knowledge/..%2Fetc",
        "/staff/admin/knowledge/%3Cscript%3E",
    ):
        assert ad.get(path).status_code == 404, path
    assert ad.submit("/staff/admin/knowledge", "/staff/admin/knowledge/no_such_topic/check").status_code == 404


def test_keyworkers_get_403_and_change_nothing(web, admin, keyworker):
    admin_id, _ = admin
    _, kw = keyworker
    topic = new_topic(web.db, admin_id)
    for path in (
        "/staff/admin/knowledge",
        "/staff/admin/knowledge/new",
        f"/staff/admin/knowledge/{topic}",
        f"/staff/admin/knowledge/{topic}/history",
    ):
        resp = kw.get(path)
        assert resp.status_code == 403 and "Only admins" in resp.text, path
    assert 'href="/staff/admin/knowledge"' not in kw.get("/staff/alerts").text
    token = kw.form_token("/staff/alerts")
    for path, data in (
        (f"/staff/admin/knowledge/{topic}", {"version": "1", "title": "X", "answer": "Hacked."}),
        (f"/staff/admin/knowledge/{topic}/retire", {"retired": "on"}),
        (f"/staff/admin/knowledge/{topic}/check", {}),
        ("/staff/admin/knowledge/new", {"topic_id": topic + "_kw", "title": "X", "answer": "Y", "police": "none"}),
    ):
        assert kw.post(path, {"csrf_token": token, **data}).status_code == 403, path
    now = answer(web.db, topic)
    assert (now.text, now.retired, now.version, now.last_checked_at) == (ANSWER, False, 1, None)
    assert answer(web.db, topic + "_kw") is None


def test_every_form_needs_this_sessions_csrf_token(web, admin, keyworker):
    admin_id, ad = admin
    _, kw = keyworker
    topic = new_topic(web.db, admin_id)
    page = ad.get(f"/staff/admin/knowledge/{topic}").text
    others = kw.form_token("/staff/alerts")
    posts = (
        (f"/staff/admin/knowledge/{topic}", edit_form(page, answer="Changed without a token.")),
        (f"/staff/admin/knowledge/{topic}/retire", {"retired": "on"}),
        (f"/staff/admin/knowledge/{topic}/check", {}),
        ("/staff/admin/knowledge/new", {"topic_id": topic + "_x", "title": "X", "answer": "Y", "police": "none"}),
    )
    for path, data in posts:
        assert ad.post(path, data).status_code == 403, path  # no token
        assert ad.post(path, {**data, "csrf_token": "forged"}).status_code == 403, path
        assert ad.post(path, {**data, "csrf_token": others}).status_code == 403, path  # someone else's
        cross = ad.http.post(
            web.url + path,
            data={**data, "csrf_token": ad.form_token("/staff/admin/knowledge")},
            headers={"Origin": "https://evil.example"},
            allow_redirects=False,
            timeout=30,
        )
        assert cross.status_code == 403, path
    now = answer(web.db, topic)
    assert (now.text, now.retired, now.version, now.last_checked_at) == (ANSWER, False, 1, None)
    assert answer(web.db, topic + "_x") is None
    with session_scope(web.db) as session:
        assert (
            session.execute(
                select(func.count(KnowledgeAnswerVersion.id)).where(KnowledgeAnswerVersion.answer_id == now.id)
            ).scalar_one()
            == 1
        )


def test_logged_out_is_sent_to_login(client):
    resp = client.get("/staff/admin/knowledge")
    assert resp.status_code == 302 and resp.headers["location"].startswith("/staff/login?next=")
    assert client.post("/staff/admin/knowledge/free/check", {"csrf_token": "x"}).status_code == 403


def test_html_in_an_answer_is_shown_as_text(web, admin):
    admin_id, ad = admin
    topic = new_topic(web.db, admin_id, title='<script>alert("t")</script>')
    page = ad.get(f"/staff/admin/knowledge/{topic}").text
    assert '<script>alert("t")</script>' not in page and "&lt;script&gt;" in page
    assert '<script>alert("t")</script>' not in ad.get("/staff/admin/knowledge").text
