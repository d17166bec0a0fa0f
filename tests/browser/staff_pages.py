"""Every staff page with data on it, for the accessibility tests (axe, 320 px, keyboard, Lighthouse).

One SQLite database is seeded (the SAMPLE seed: centres, coverage, listings, answers, slots)
plus what a working day leaves: alerts (urgent, normal, acknowledged, resolved), a cautioned
woman's case with appointments in the past and the future and keyworker notes, and a
conversation a keyworker holds. The web server's Rasa is a small recorded-tracker server:
the pages read a transcript from it (the real Rasa and handoff are in test_staff_app.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from bot.db import migrate
from bot.db.crud import outcomes as outcome_rows
from bot.db.models import (
    Alert,
    AlertReason,
    AlertStatus,
    AlertUrgency,
    CaseNote,
    Centre,
    Conversation,
    DirService,
    KnowledgeAnswer,
    Need,
    Pathway,
    Referral,
    ReferralNeed,
    StaffRole,
    Woman,
)
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot, AppointmentStatus
from bot.db.models.support import Activity, ActivityBooking
from bot.db.session import session_scope
from bot.db.types import utcnow
from bot.seed import seed
from bot.staff import outcomes
from bot.staff.accounts import create_staff
from bot.staff.rasa_api import STAFF_METADATA_KEY

PASSWORD = "a long enough passphrase for axe"
KEYWORKER = "a11y-keyworker@staff.test"
ADMIN = "a11y-admin@staff.test"
HELD_SENDER = "a11y-held-conversation"  # a conversation a keyworker has taken over


def tracker_events(sender_id: str) -> list[dict]:
    """A short conversation as Rasa's tracker records it: her words, the assistant's, a keyworker's."""
    now = utcnow().timestamp()
    return [
        {"event": "user", "text": "/greet", "timestamp": now - 600},
        {"event": "bot", "text": "Hello, I'm the assistant. How can I help?", "timestamp": now - 590},
        {
            "event": "user",
            "text": "I need to talk to someone about my appointment, it's about https://example.org/a-very-long-"
            "address-without-any-spaces-that-must-wrap-on-a-small-screen",
            "timestamp": now - 500,
            "input_channel": "socketio",
        },
        {"event": "bot", "text": "I'll ask a person from our team to join.", "timestamp": now - 490},
        {"event": "pause", "timestamp": now - 300},
        {
            "event": "bot",
            "text": "Hi, this is Sam from the team. Is now a good time?",
            "timestamp": now - 290,
            "metadata": {STAFF_METADATA_KEY: True, "staff": "Sam"},
        },
        {"event": "user", "text": "yes thanks", "timestamp": now - 200, "input_channel": "socketio"},
    ]


class TrackerHandler(BaseHTTPRequestHandler):
    """GET /conversations/<id>/tracker answers a recorded tracker; POST .../tracker/events (pause,
    resume, a reply) is accepted, as Rasa accepts it."""

    def _answer(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - http.server's name
        match = re.fullmatch(r"/conversations/([^/]+)/tracker(\?.*)?", self.path)
        if not match:
            self.send_error(404)
            return
        self._answer({"sender_id": match.group(1), "events": tracker_events(match.group(1))})

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer({"sender_id": "x", "events": []})

    def log_message(self, *args):  # quiet
        pass


class TrackerServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), TrackerHandler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> TrackerServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Seeded:
    urgent_alert: int = 0
    normal_alert: int = 0
    resolved_alert: int = 0
    referral: int = 0
    sender: str = ""
    centre: int = 0
    service: int = 0
    staff: int = 0
    topic: str = ""
    activity: int = 0


def seed_working_day(url: str) -> Seeded:
    migrate.upgrade(url)
    seed(url)
    out = Seeded()
    with session_scope(url) as session:
        keyworker = create_staff(
            session,
            email=KEYWORKER,
            name="Axe Keyworker",
            role=StaffRole.KEYWORKER,
            password=PASSWORD,
            on_duty=True,
            phone="07700 900771",
        )
        create_staff(session, email=ADMIN, name="Axe Admin", role=StaffRole.ADMIN, password=PASSWORD)
        session.flush()
        out.staff = keyworker.id
        woman = Woman(
            preferred_name="Sample Sasha",
            phone_e164="+447700900765",
            safe_to_text=True,
            safe_to_call=False,
            safe_times="weekday mornings",
        )
        session.add(woman)
        session.flush()
        out.sender = f"a11y-{uuid.uuid4().hex[:10]}"
        referral = Referral(
            reference="ELP-" + uuid.uuid4().hex[:6].upper(),
            woman_id=woman.id,
            pathway=Pathway.POLICE_CAUTION,
            caution_date=date.today() - timedelta(days=20),
            caution_deadline=date.today() + timedelta(days=40),
            police_reference="01/234567/26",
            borough="Southwark",
            postcode="SE5 8AA",
            in_coverage=True,
            channel="socketio",
            conversation_id=out.sender,
        )
        session.add(referral)
        session.flush()
        out.referral = referral.id
        woman_id = woman.id
        session.add_all(
            ReferralNeed(referral_id=referral.id, need=n)
            for n in (Need.FINANCE, Need.CHILDREN_FAMILIES, Need.DRUGS_ALCOHOL, Need.HEALTH, Need.ABUSE)
        )
        centre_id = session.execute(select(Centre.id).order_by(Centre.id)).scalars().first()
        out.centre = centre_id
        for kind, hours, status in (
            (AppointmentKind.ASSESSMENT, -24 * 7, AppointmentStatus.ATTENDED),
            (AppointmentKind.MANDATORY_1, -3, AppointmentStatus.BOOKED),  # started: attendance can be marked
            (AppointmentKind.MANDATORY_2, 24 * 9, AppointmentStatus.BOOKED),
        ):
            start = utcnow() + timedelta(hours=hours)
            slot = AppointmentSlot(
                centre_id=centre_id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=1, booked_count=1
            )
            session.add(slot)
            session.flush()
            session.add(Appointment(referral_id=referral.id, slot_id=slot.id, kind=kind, status=status))
        session.add_all(
            [
                CaseNote(referral_id=referral.id, author_id=keyworker.id, text="Called her; prefers mornings."),
                CaseNote(referral_id=referral.id, author_id=keyworker.id, text="Booked meeting 2 with her by text."),
            ]
        )
        session.add(Conversation(sender_id=out.sender, channel="socketio", woman_id=woman.id))
        alerts = [
            Alert(
                reason=AlertReason.CRISIS,
                urgency=AlertUrgency.URGENT,
                summary="Crisis words in a conversation",
                channel="socketio",
                conversation_id=out.sender,
                woman_id=woman.id,
                referral_id=referral.id,
            ),
            Alert(
                reason=AlertReason.HUMAN_REQUESTED,
                urgency=AlertUrgency.NORMAL,
                summary="Asked to talk to a person",
                channel="sms",
                conversation_id="+447700900765",
                woman_id=woman.id,
                assigned_to_id=keyworker.id,
                assigned_at=utcnow(),
            ),
            Alert(
                reason=AlertReason.MISSED_APPOINTMENT,
                urgency=AlertUrgency.NORMAL,
                summary="Missed an appointment",
                channel="sms",
                referral_id=referral.id,
                status=AlertStatus.ACKNOWLEDGED,
                acknowledged_at=utcnow(),
                acknowledged_by_id=keyworker.id,
            ),
            Alert(
                reason=AlertReason.HUMAN_REQUESTED,
                urgency=AlertUrgency.NORMAL,
                summary="Asked to talk to a person",
                channel="socketio",
                conversation_id=HELD_SENDER,
                status=AlertStatus.RESOLVED,
                resolved_at=utcnow(),
                resolved_by_id=keyworker.id,
                resolution_note="Spoke to her; she is fine and will book next week.",
            ),
        ]
        session.add_all(alerts)
        session.flush()
        out.urgent_alert, out.normal_alert, out.resolved_alert = alerts[0].id, alerts[1].id, alerts[3].id
    with session_scope(url) as session:  # two outcome readings today: the case page's radar and table
        areas = [area.id for area in outcome_rows.get_instrument(session).active]
        for stage, base in (("start", 3), ("review", 6)):
            outcomes.add_reading(
                session,
                out.referral,
                date.today().isoformat(),
                stage,
                {a: str(min(10, base + i % 3)) for i, a in enumerate(areas)},
                out.staff,
            )
    with session_scope(url) as session:
        out.service = session.execute(select(DirService.id).order_by(DirService.id)).scalars().first()
        out.topic = session.execute(select(KnowledgeAnswer.topic_id).order_by(KnowledgeAnswer.id)).scalars().first()
    with session_scope(url) as session:  # a group with a long name, a place booked in it
        start = utcnow() + timedelta(days=6)
        activity = Activity(
            centre_id=out.centre,
            title="Creative writing and wellbeing group for women, with tea and childcare",
            description="Bring nothing; paper and pens are there.",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            places=12,
            booked_count=1,
        )
        session.add(activity)
        session.flush()
        session.add(ActivityBooking(activity_id=activity.id, referral_id=out.referral, woman_id=woman_id))
        out.activity = activity.id
    return out


@dataclass(frozen=True)
class StaffPage:
    name: str
    role: str | None  # None: logged out
    path: str
    shows: str  # words the page shows when its data is there
    status: int = 200
    via: str | None = None  # a page reached by a form (UPLOADS), not by its URL alone


def staff_pages(s: Seeded) -> list[StaffPage]:
    """Every staff page, as the role that works on it sees it, with the words that show its data."""
    kw, ad = "keyworker", "admin"
    note = "Called her; prefers mornings."
    return [
        StaffPage("login", None, "/staff/login", "Password"),
        StaffPage("alerts", kw, "/staff/alerts", "Crisis words in a conversation"),
        StaffPage("alerts-filtered", kw, "/staff/alerts?urgency=normal&who=mine", "Asked to talk to a person"),
        StaffPage("alert-urgent", kw, f"/staff/alerts/{s.urgent_alert}", "Is now a good time?"),
        StaffPage("alert-resolved", kw, f"/staff/alerts/{s.resolved_alert}", "she is fine and will book"),
        StaffPage("conversation", kw, f"/staff/conversation?c={s.sender}&alert={s.urgent_alert}", "yes thanks"),
        StaffPage("conversation-held", kw, f"/staff/conversation?c={HELD_SENDER}", "Your reply"),
        StaffPage("cases", kw, "/staff/cases", "Sample Sasha"),
        StaffPage("case", kw, f"/staff/cases/{s.referral}", note),
        StaffPage("case-admin", ad, f"/staff/cases/{s.referral}", "Delete her data"),
        StaffPage("outcome-reading", kw, f"/staff/cases/{s.referral}/outcomes/new", "Save the reading"),
        StaffPage("outcome-instrument", ad, "/staff/admin/outcomes", "SAMPLE"),
        StaffPage("case-data", ad, f"/staff/cases/{s.referral}/data", "What we hold"),
        StaffPage("reports", kw, "/staff/reports", "Referrals"),
        StaffPage("reports-filtered", kw, "/staff/reports?from=2020-01-01&borough=Southwark", "Southwark"),
        StaffPage("services", ad, "/staff/admin/services", "Camberwell Talking Space"),
        StaffPage("service-edit", ad, f"/staff/admin/services/{s.service}", "Delete this listing"),
        StaffPage("service-new", ad, "/staff/admin/services/new", "Add a listing"),
        StaffPage("services-import", ad, "/staff/admin/services/import", "Import listings"),
        StaffPage("import-preview", ad, "/staff/admin/services/import", "To change", via="preview"),
        StaffPage("import-problems", ad, "/staff/admin/services/import", "Problems", status=400, via="problems"),
        StaffPage("knowledge", ad, "/staff/admin/knowledge", "in use"),
        StaffPage("knowledge-edit", ad, f"/staff/admin/knowledge/{s.topic}", "Change the wording"),
        StaffPage("knowledge-new", ad, "/staff/admin/knowledge/new", "Add a topic"),
        StaffPage("knowledge-history", ad, f"/staff/admin/knowledge/{s.topic}/history", "(current)"),
        StaffPage("slots", ad, "/staff/admin/slots", " of "),
        StaffPage("activities", ad, "/staff/admin/activities", "1 of 12"),
        StaffPage("activity-edit", ad, f"/staff/admin/activities/{s.activity}", "1 of 12 places booked"),
        StaffPage("coverage", ad, "/staff/admin/coverage", "Southwark"),
        StaffPage("centres", ad, "/staff/admin/centres", "SAMPLE"),
        StaffPage("centre-edit", ad, f"/staff/admin/centres/{s.centre}", "Edit centre"),
        StaffPage("staff", ad, "/staff/admin/staff", "Axe Keyworker"),
        StaffPage("staff-edit", ad, f"/staff/admin/staff/{s.staff}", "Axe Keyworker"),
        StaffPage("audit", ad, "/staff/admin/audit", "take_over"),
        StaffPage("not-found", kw, "/staff/cases/2147483000", "Sorry", status=404),
    ]


def log_in(page, base: str, role: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#email", KEYWORKER if role == "keyworker" else ADMIN)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/alerts.*"))


def hold_conversation(page, base: str) -> None:
    """The keyworker takes HELD_SENDER over in the browser, so its page shows the reply form."""
    page.goto(f"{base}/staff/conversation?c={HELD_SENDER}")
    if page.locator("#take-over").count():
        page.click("#take-over")
        page.wait_for_url(re.compile(r".*ok=taken"))
    page.locator("#reply-form").wait_for()


def _upload(page, base: str, name: str, text: str):
    """The import page's form, sent with this file as a CSV: the response to the upload."""
    page.goto(f"{base}/staff/admin/services/import")
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    with page.expect_navigation() as nav:
        page.click("form.stack button[type=submit]")
    return nav.value


def _preview_file(page, base: str) -> str:
    """The listings as exported here, with who a listing is for changed, a listing the file says it had before
    an edit made here (flagged), and a new listing with a long unbroken word."""
    rows = list(csv.DictReader(io.StringIO(page.request.get(f"{base}/staff/admin/services/export.csv").text())))
    first, second = rows[0], next(r for r in rows if r["id"] != rows[0]["id"])
    for row in rows:
        if row["id"] == first["id"]:
            row["eligibility"] = "Women 18 and over, from the file"
        if row["id"] == second["id"]:
            row["description"] = "Changed in the file"
            row["updated_at"] = "2020-01-01T00:00:00+00:00"  # older than the listing here: flagged
    new = {**first, "id": "", "name": "Supercalifragilisticexpialidocious-women's-drop-in", "updated_at": ""}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([*rows, new])
    return out.getvalue()


def reach(page, base: str, staff_page: StaffPage):
    """Open a staff page in this tab (by its URL, or through its form); the page's response."""
    if staff_page.via == "preview":
        return _upload(page, base, "listings.csv", _preview_file(page, base))
    if staff_page.via == "problems":
        text = _preview_file(page, base)
        header = text.splitlines()[0]
        return _upload(page, base, "broken.csv", header + "\n" + ",".join("" for _ in header.split(",")) + "\n")
    return page.goto(base + staff_page.path)
