"""The alert queue over real HTTP (SQLite and PostgreSQL): urgent first then newest,
filters as GET parameters, the "new since you last looked" marker, the live list the
page polls instead of reloading, and assigning an alert to a keyworker (audited)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from bot.db.models import Alert, AlertReason, AlertStatus, AlertUrgency, AuditLog, Staff
from bot.db.session import session_scope
from bot.db.types import utcnow
from tests.staff.conftest import Client, make_staff

IDS = re.compile(r'data-alert-id="(\d+)"')


def add_alert(
    url: str,
    reason=AlertReason.HUMAN_REQUESTED,
    *,
    urgent: bool = False,
    minutes_ago: int = 0,
    channel: str = "socketio",
    assigned_to: int | None = None,
    status=AlertStatus.OPEN,
    summary: str | None = None,
) -> int:
    with session_scope(url) as session:
        alert = Alert(
            reason=reason,
            urgency=AlertUrgency.URGENT if urgent else AlertUrgency.NORMAL,
            status=status,
            channel=channel,
            conversation_id=f"q-{uuid.uuid4().hex[:10]}",
            summary=summary or f"Queue test {uuid.uuid4().hex[:6]}",
            assigned_to_id=assigned_to,
            created_at=utcnow() - timedelta(minutes=minutes_ago),
        )
        session.add(alert)
        session.flush()
        return alert.id


def ids(html: str) -> list[int]:
    return [int(i) for i in IDS.findall(html)]


def audit_actions(url: str, staff_id: int, alert_id: int) -> list[str]:
    with session_scope(url) as session:
        return list(
            session.execute(
                select(AuditLog.action)
                .where(AuditLog.actor_id == staff_id, AuditLog.subject_type == "alert", AuditLog.subject_id == alert_id)
                .order_by(AuditLog.id)
            ).scalars()
        )


def test_newest_urgent_first_then_newest(web, keyworker):
    me, kw = keyworker
    old_normal = add_alert(web.db, minutes_ago=50, assigned_to=me)
    new_normal = add_alert(web.db, minutes_ago=1, assigned_to=me)
    old_urgent = add_alert(web.db, AlertReason.CRISIS, urgent=True, minutes_ago=40, assigned_to=me)
    new_urgent = add_alert(web.db, AlertReason.CRISIS, urgent=True, minutes_ago=5, assigned_to=me)
    page = kw.get("/staff/alerts?who=mine")
    assert page.status_code == 200
    assert ids(page.text) == [new_urgent, old_urgent, new_normal, old_normal]
    assert 'http-equiv="refresh"' not in page.text  # no reload: the list updates in place
    assert 'aria-live="polite"' in page.text and "alert_queue.js" in page.text


def test_filters_are_get_parameters_the_form_keeps(web, keyworker):
    me, kw = keyworker
    other, _ = make_staff(web.db)
    crisis_sms = add_alert(web.db, AlertReason.CRISIS, urgent=True, channel="sms", assigned_to=me)
    stuck_web = add_alert(web.db, AlertReason.BOT_STUCK, assigned_to=me)
    acked = add_alert(web.db, AlertReason.BOT_STUCK, assigned_to=me, status=AlertStatus.ACKNOWLEDGED)
    theirs = add_alert(web.db, AlertReason.CRISIS, urgent=True, channel="sms", assigned_to=other)
    nobody = add_alert(web.db, AlertReason.UNDELIVERED, channel="sms")
    mine = "/staff/alerts?who=mine"
    assert set(ids(kw.get(mine).text)) == {crisis_sms, stuck_web, acked}
    assert ids(kw.get(mine + "&urgency=urgent").text) == [crisis_sms]
    assert set(ids(kw.get(mine + "&urgency=normal").text)) == {stuck_web, acked}
    assert set(ids(kw.get(mine + "&reason=bot_stuck").text)) == {stuck_web, acked}
    assert ids(kw.get(mine + "&channel=sms").text) == [crisis_sms]
    assert ids(kw.get(mine + "&status=acknowledged").text) == [acked]
    assert acked not in ids(kw.get(mine + "&status=open").text)
    unassigned = ids(kw.get("/staff/alerts?who=unassigned&reason=undelivered").text)
    assert nobody in unassigned and theirs not in unassigned
    # The form shows what is chosen; junk values are no filter.
    page = kw.get(mine + "&reason=bot_stuck").text
    assert '<option value="bot_stuck" selected>' in page and 'name="reason"' in page and 'method="get"' in page
    assert set(ids(kw.get(mine + "&reason=nonsense&status=resolved&urgency=<b>").text)) == {
        crisis_sms,
        stuck_web,
        acked,
    }


def test_pages_keep_the_filters(web, keyworker):
    from bot.staff.alert_queue import PAGE_SIZE

    me, kw = keyworker
    made = [add_alert(web.db, AlertReason.DISTRESS, assigned_to=me, minutes_ago=i) for i in range(PAGE_SIZE + 2)]
    first = kw.get("/staff/alerts?who=mine&reason=distress").text
    assert ids(first) == made[:PAGE_SIZE]
    assert "who=mine&amp;reason=distress&amp;page=2" in first or "reason=distress&amp;who=mine&amp;page=2" in first
    second = kw.get("/staff/alerts?reason=distress&who=mine&page=2").text
    assert ids(second) == made[PAGE_SIZE:]


def test_new_since_you_last_looked(web, keyworker):
    me, kw = keyworker
    first = kw.get("/staff/alerts?who=mine").text
    assert "since you last looked" not in first  # never looked before: nothing is marked
    with session_scope(web.db) as session:
        assert session.get(Staff, me).alerts_seen_at is not None
    came = add_alert(web.db, assigned_to=me, summary="Came after she looked")
    second = kw.get("/staff/alerts?who=mine").text
    row = second[second.index(f'data-alert-id="{came}"') :]
    assert ">New</strong>" in row[: row.index("</tr>")]
    assert re.search(r"<strong>\d+ new</strong> since you last looked", second)
    third = kw.get("/staff/alerts?who=mine").text
    row = third[third.index(f'data-alert-id="{came}"') :]
    assert ">New</strong>" not in row[: row.index("</tr>")]


def test_the_live_list_the_page_polls(web, keyworker):
    me, kw = keyworker
    page = kw.get("/staff/alerts?who=mine&urgency=urgent").text
    live = re.search(r'data-live="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "who=mine" in live and "urgency=urgent" in live and "since=" in live
    urgent = add_alert(web.db, AlertReason.CRISIS, urgent=True, assigned_to=me, summary="Crisis words, live")
    add_alert(web.db, assigned_to=me)  # normal: filtered out
    resp = kw.get(live)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
    data = resp.json()
    assert urgent in data["ids"] and {"id": urgent, "summary": "Crisis words, live"} in data["urgent"]
    assert all(i in [a["id"] for a in data["urgent"]] for i in data["ids"])
    assert urgent in data["fresh"]
    assert data["total"] == len(data["ids"])
    assert f'data-alert-id="{urgent}"' in data["rows"] and ">New</strong>" in data["rows"]
    # Staff only: logged out, no list.
    assert Client(web.url).get(live).status_code in (302, 303, 401, 403)


def test_assign_an_alert_to_a_keyworker_is_audited(web, keyworker):
    me, kw = keyworker
    other, _ = make_staff(web.db)
    alert_id = add_alert(web.db)
    page = f"/staff/alerts/{alert_id}"
    assert "Nobody yet" in kw.get(page).text
    assert kw.submit(page, f"{page}/assign", {"assignee": str(other)}).status_code == 303
    with session_scope(web.db) as session:
        alert = session.get(Alert, alert_id)
        assert alert.assigned_to_id == other and alert.assigned_at is not None
    assert alert_id not in ids(kw.get("/staff/alerts?who=unassigned&reason=human_requested").text)
    assert kw.submit(page, f"{page}/assign", {"assignee": "me"}).status_code == 303
    assert alert_id in ids(kw.get("/staff/alerts?who=mine").text)
    assert kw.submit(page, f"{page}/assign", {"assignee": ""}).status_code == 303
    with session_scope(web.db) as session:
        assert session.get(Alert, alert_id).assigned_to_id is None
    assert audit_actions(web.db, me, alert_id).count("assign_alert") == 2
    assert "unassign_alert" in audit_actions(web.db, me, alert_id)
    for bad in ("abc", "999999"):
        resp = kw.submit(page, f"{page}/assign", {"assignee": bad})
        assert resp.status_code == 400 and "Choose a keyworker" in resp.text
    assert kw.submit(page, "/staff/alerts/999999/assign", {"assignee": "me"}).status_code == 404
    assert kw.post(f"{page}/assign", {"assignee": "me"}).status_code in (400, 403)  # no CSRF token
