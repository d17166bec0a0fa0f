"""The knowledge base's answers on SQLite and PostgreSQL: the seed, the live answer,
edits with their history, retiring, checking, and what is refused."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db.crud import knowledge
from bot.db.crud.knowledge import EditConflict, KnowledgeError
from bot.db.models import KnowledgeAnswer, KnowledgeAnswerVersion, Staff, StaffRole
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.seed import seed

SEED = yaml.safe_load(knowledge.ANSWERS_YML.read_text(encoding="utf-8"))["topics"]


def make_admin(name: str = "Ada Admin") -> int:
    with session_scope() as session:
        staff = Staff(email=f"kb-{uuid.uuid4().hex[:8]}@example.org", name=name, role=StaffRole.ADMIN)
        session.add(staff)
        session.flush()
        return staff.id


def counts() -> tuple[int, int]:
    with session_scope() as session:
        return (
            session.execute(select(func.count(KnowledgeAnswer.id))).scalar_one(),
            session.execute(select(func.count(KnowledgeAnswerVersion.id))).scalar_one(),
        )


def live(topic: str):
    with session_scope() as session:
        return knowledge.live_answer(session, topic)


def edit(topic: str, staff_id: int, text: str, **kw):
    with session_scope() as session:
        current = knowledge.get_answer(session, topic)
        return knowledge.save_edit(
            session,
            topic,
            title=kw.pop("title", current.title),
            text=text,
            next_steps=kw.pop("next_steps", current.buttons()),
            staff_id=staff_id,
            **kw,
        )


def test_seed_loads_every_topic_once_as_written(db_url):
    # db_url has run the seed once already.
    assert counts() == (len(SEED), len(SEED)) == (44, 44)
    with session_scope() as session:
        for topic in SEED:
            answer = knowledge.live_answer(session, topic["id"])
            assert (answer.title, answer.text, answer.buttons(), answer.police) == (
                topic["title"],
                topic["answer"],
                topic["next"],
                topic["police"],
            )
            assert answer.version == 1 and answer.stale and answer.last_checked_at is None
            [first] = knowledge.history(session, topic["id"])
            assert (first.version, first.saved_by, first.text) == (1, None, topic["answer"])
        assert knowledge.seed_answers(session) == 0
    seed(db_url)  # the whole `python -m bot.db seed` again
    assert counts() == (44, 44)


def test_seed_never_undoes_an_admins_work_and_adds_only_new_topics(db_url, tmp_path):
    admin = make_admin()
    edit("free", admin, "Yes, it is free.")
    with session_scope() as session:
        knowledge.set_retired(session, "men", True)
    changed = [dict(t, answer="Seed wording changed later.") for t in SEED[:3]]
    extra = {
        "id": "bring_pet",
        "title": "Can I bring my dog?",
        "answer": "Assistance dogs are welcome.",
        "next": [{"title": "Talk to a person", "payload": "/human_handoff"}],
        "police": "none",
    }
    later = tmp_path / "answers.yml"
    later.write_text(yaml.safe_dump({"version": 1, "topics": changed + [extra]}), encoding="utf-8")
    with session_scope() as session:
        assert knowledge.seed_answers(session, later) == 1
        assert knowledge.seed_answers(session, later) == 0
    assert live("bring_pet").text == "Assistance dogs are welcome."
    assert live("free").text == "Yes, it is free."
    assert live("who_we_are").text == SEED[0]["answer"]
    assert live("men") is None
    seed(db_url)
    assert live("men") is None and live("free").version == 2


def test_a_broken_seed_file_says_which_topic(db_url, tmp_path):
    bad = tmp_path / "answers.yml"
    bad.write_text(
        yaml.safe_dump(
            {"topics": [{"id": "too_long", "title": "T", "answer": "x" * 321, "next": [], "police": "none"}]}
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="topic too_long.*321 characters"):
        with session_scope() as session:
            knowledge.seed_answers(session, bad)
    assert counts() == (44, 44)


def test_an_edit_writes_history_and_is_the_live_answer_at_once(db_url):
    admin = make_admin("Bea Admin")
    steps = [{"title": "Talk to a person", "payload": "/human_handoff"}]
    saved = edit(
        "free", admin, "  Yes.\r\nIt costs nothing.  ", title="Is it free to come?", next_steps=steps, based_on=1
    )
    assert saved.version == 2
    answer = live("free")  # a new session, as the bot's next question has
    assert (answer.title, answer.text, answer.buttons(), answer.version) == (
        "Is it free to come?",
        "Yes.\nIt costs nothing.",
        steps,
        2,
    )
    with session_scope() as session:
        newest, first = knowledge.history(session, "free")
    assert (newest.version, newest.saved_by, newest.text, newest.title) == (
        2,
        "Bea Admin",
        "Yes.\nIt costs nothing.",
        "Is it free to come?",
    )
    assert (first.version, first.saved_by, first.text) == (1, None, SEED[2]["answer"])
    # The same wording again is no new version.
    assert edit("free", admin, "Yes.\nIt costs nothing.", based_on=2).version == 2
    assert counts() == (44, 45)


def test_an_edit_and_its_history_row_are_one_transaction(db_url):
    admin = make_admin()
    with pytest.raises(RuntimeError):
        with session_scope() as session:
            knowledge.save_edit(session, "free", title="Free?", text="Changed.", next_steps=[], staff_id=admin)
            raise RuntimeError("the unit of work fails after the edit")
    assert live("free").text == SEED[2]["answer"] and live("free").version == 1
    assert counts() == (44, 44)


@pytest.mark.parametrize(
    "text, message",
    [
        ("x" * 321, "The answer is 321 characters long; it can be at most 320"),
        ("   \n ", "Write the answer: it can't be empty."),
    ],
)
def test_an_answer_too_long_or_empty_is_refused_and_nothing_saved(db_url, text, message):
    admin = make_admin()
    with pytest.raises(KnowledgeError) as caught:
        edit("free", admin, text)
    assert any(message in e for e in caught.value.errors), caught.value.errors
    assert live("free").text == SEED[2]["answer"] and counts() == (44, 44)
    assert edit("free", admin, "y" * 320).version == 2  # 320 is allowed


def test_next_steps_only_from_the_allowed_list(db_url):
    admin = make_admin()
    bad = [
        ([("Restart", "/restart")], "/restart is not something the assistant can do"),
        ([("Book", "/book_appointment"), ("Book again", "/book_appointment")], "already a next step"),
        ([("", "/find_service")], "give the button words"),
        ([("Find help", "")], "choose what the button does"),
        ([("x" * 41, "/find_service")], "at most 40 characters"),
        ([(f"B{n}", p) for n, p in enumerate(knowledge.ALLOWED_NEXT[:4])], "At most 3 next steps"),
    ]
    for steps, message in bad:
        with pytest.raises(KnowledgeError) as caught:
            edit("free", admin, "Yes.", next_steps=steps)
        assert any(message in e for e in caught.value.errors), (steps, caught.value.errors)
    assert counts() == (44, 44)
    # Blank rows (the form's unused buttons) are skipped.
    saved = edit("free", admin, "Yes.", next_steps=[("Stop texts", "/stop_texts"), ("", ""), (" ", "")])
    assert saved.buttons() == [{"title": "Stop texts", "payload": "/stop_texts"}]


def test_two_edits_from_one_version_cannot_overwrite_each_other(db_url):
    first, second = make_admin("First"), make_admin("Second")
    edit("free", first, "First's words.", based_on=1)
    with pytest.raises(EditConflict):
        edit("free", second, "Second's words.", based_on=1)
    assert live("free").text == "First's words."
    # At the same moment, each in its own transaction: one wins, the other saves nothing.
    barrier, results = threading.Barrier(2), {}

    def race(who: int, words: str):
        barrier.wait()
        try:
            results[who] = edit("coverage", who, words, based_on=1).version
        except EditConflict:
            results[who] = "conflict"

    threads = [threading.Thread(target=race, args=(w, f"Words of {w}.")) for w in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, results.values())) == ["2", "conflict"], results
    winner = next(w for w, r in results.items() if r == 2)
    assert live("coverage").text == f"Words of {winner}."
    with session_scope() as session:
        assert [v.version for v in knowledge.history(session, "coverage")] == [2, 1]


def test_retired_answers_are_not_given_and_come_back_unchanged(db_url):
    with session_scope() as session:
        knowledge.set_retired(session, "men", True)
    assert live("men") is None
    with session_scope() as session:
        assert knowledge.get_answer(session, "men").retired  # still there for admins
        assert "men" in {a.topic_id for a in knowledge.list_answers(session) if a.retired}
        knowledge.set_retired(session, "men", False)
    assert live("men").text == next(t["answer"] for t in SEED if t["id"] == "men")
    assert live("no_such_topic") is None


def test_an_answer_is_check_due_after_365_days(db_url):
    admin = make_admin("Cai Admin")
    now = utcnow()
    assert live("free").stale  # never checked
    with session_scope() as session:
        knowledge.mark_checked(session, "free", admin, at=now - timedelta(days=364))
        knowledge.mark_checked(session, "men", admin, at=now - timedelta(days=366))
    assert not live("free").stale and live("men").stale
    answer = live("free")
    assert answer.last_checked_by == "Cai Admin" and abs(
        answer.last_checked_at - (now - timedelta(days=364))
    ) < timedelta(seconds=1)
    with session_scope() as session:
        # A year and a day later, the one checked 364 days ago is due too.
        later = {a.topic_id: a.stale for a in knowledge.list_answers(session, now=now + timedelta(days=2))}
        assert later["free"] and later["men"]
        knowledge.mark_checked(session, "men", admin)
    assert not live("men").stale
    assert knowledge.is_stale(now - timedelta(days=365), now) is False
    assert knowledge.is_stale(now - timedelta(days=365, seconds=1), now) is True


def test_adding_a_topic(db_url):
    admin = make_admin("Dee Admin")
    with session_scope() as session:
        added = knowledge.add_topic(
            session,
            topic_id="bring_pet",
            title="Can I bring my dog?",
            text="Assistance dogs are welcome.",
            police="none",
            staff_id=admin,
            next_steps=[("Talk to a person", "/human_handoff")],
        )
    assert added.version == 1 and live("bring_pet").buttons() == [
        {"title": "Talk to a person", "payload": "/human_handoff"}
    ]
    with session_scope() as session:
        assert [(v.version, v.saved_by) for v in knowledge.history(session, "bring_pet")] == [(1, "Dee Admin")]
    refused = [
        ({"topic_id": "bring_pet"}, "There is already a topic bring_pet"),
        ({"topic_id": "Bring Pet!"}, "The topic id is 2 to 40 lowercase letters"),
        ({"topic_id": "pet_2", "police": "sometimes"}, "Say what the answer tells her about the police"),
        ({"topic_id": "pet_3", "text": ""}, "Write the answer"),
    ]
    for change, message in refused:
        values = {
            "topic_id": "x",
            "title": "Pets",
            "text": "Dogs welcome.",
            "police": "none",
            "next_steps": [],
            **change,
        }
        with pytest.raises(KnowledgeError) as caught:
            with session_scope() as session:
                knowledge.add_topic(session, staff_id=admin, **values)
        assert any(message in e for e in caught.value.errors), (change, caught.value.errors)
    assert counts() == (45, 45)


def test_the_table_itself_refuses_an_answer_over_320_characters(db_url):
    """Whatever writes to it (not only the staff app)."""
    with pytest.raises(IntegrityError):
        with session_scope() as session:
            session.add(
                KnowledgeAnswer(topic_id="direct", title="Direct", answer="x" * 321, next=[], police="none", version=1)
            )
    assert counts() == (44, 44)
