"""No double booking under concurrent requests (many threads, own connections each).

On PostgreSQL the requests really run at once (psycopg2 releases the GIL while
it waits on the server); a barrier lines them up so they hit the same row
together. SQLite serialises writers, and must give the same answer.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.appointments import booking
from bot.appointments.booking import BookingError
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentSlot
from bot.db.session import get_engine, session_scope
from tests.support.appointment_data import clear_slots, local, make_referral, make_slot, working_day

TASKS = 16


def race(target, args_list) -> tuple[list, list]:
    barrier = threading.Barrier(len(args_list))
    won, lost, lock = [], [], threading.Lock()

    def run(*args):
        barrier.wait()
        try:
            with session_scope() as s:
                result = target(s, *args)
            with lock:
                won.append(result)
        except BookingError as exc:
            with lock:
                lost.append(exc.reason)

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return won, lost


def setup(db_url, capacity=1, women=TASKS):
    get_engine().dispose()
    with session_scope() as s:
        clear_slots(s)
        slot_id = make_slot(s, local(working_day(5), 10), capacity=capacity).id
        referral_ids = [make_referral(s, phone=f"+4477009002{i:02d}").id for i in range(women)]
    return slot_id, referral_ids


def test_many_women_one_place_exactly_one_booking(db_url):
    slot_id, referral_ids = setup(db_url)
    won, lost = race(
        lambda s, rid: booking.book(s, rid, slot_id, AppointmentKind.ASSESSMENT).id, [(rid,) for rid in referral_ids]
    )
    assert len(won) == 1 and lost == ["slot_taken"] * (TASKS - 1)
    with session_scope() as s:
        assert s.get(AppointmentSlot, slot_id).booked_count == 1
        assert s.execute(select(func.count()).select_from(Appointment)).scalar_one() == 1


def test_a_group_slot_never_goes_over_capacity(db_url):
    slot_id, referral_ids = setup(db_url, capacity=3)
    won, lost = race(
        lambda s, rid: booking.book(s, rid, slot_id, AppointmentKind.ASSESSMENT).id, [(rid,) for rid in referral_ids]
    )
    assert len(won) == 3 and len(lost) == TASKS - 3
    with session_scope() as s:
        assert s.get(AppointmentSlot, slot_id).booked_count == 3


def test_one_woman_booking_from_several_devices_at_once_gets_one_appointment(db_url):
    get_engine().dispose()
    with session_scope() as s:
        clear_slots(s)
        referral_id = make_referral(s).id
        slot_ids = [make_slot(s, local(working_day(5 + i // 4), 10 + i % 4)).id for i in range(8)]
    won, lost = race(
        lambda s, sid: booking.book(s, referral_id, sid, AppointmentKind.ASSESSMENT).id, [(sid,) for sid in slot_ids]
    )
    assert len(won) == 1 and set(lost) == {"already_booked"}
    with session_scope() as s:
        assert s.execute(select(func.sum(AppointmentSlot.booked_count))).scalar_one() == 1
