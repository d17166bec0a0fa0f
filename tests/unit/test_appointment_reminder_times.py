"""When reminders go: wall-clock offsets in London across both clock changes, quiet hours, safe times."""

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from bot.appointments.reminders import is_quiet, quiet_hours, reminder_times, wall_clock
from bot.appointments.wanted_times import Preference

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
QUIET = (time(21), time(8))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def plan(starts_at, now=LONG_AGO, **kw):
    kw.setdefault("offsets", (48, 2))
    kw.setdefault("quiet", QUIET)
    return {p.label: p.send_at for p in reminder_times(starts_at.astimezone(UTC), now, **kw)}


def test_spring_forward_keeps_the_local_time():
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    got = plan(at(2026, 3, 30, 10, 0))  # Monday 10:00 BST = 09:00 UTC
    assert got["48h"] == datetime(2026, 3, 28, 10, 0, tzinfo=UTC)  # Saturday 10:00 GMT
    assert got["48h"].astimezone(LONDON).hour == 10
    assert got["2h"] == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 08:00 BST


def test_fall_back_keeps_the_local_time():
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    got = plan(at(2026, 10, 26, 10, 0))  # Monday 10:00 GMT = 10:00 UTC
    assert got["48h"] == datetime(2026, 10, 24, 9, 0, tzinfo=UTC)  # Saturday 10:00 BST
    assert got["48h"].astimezone(LONDON).hour == 10
    assert got["2h"] == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_quiet_hours_move_a_reminder_to_the_evening_before():
    got = plan(at(2026, 11, 26, 9, 30))  # 2 h before is 07:30: quiet
    assert got["2h"].astimezone(LONDON) == at(2026, 11, 25, 20, 30)
    assert got["48h"].astimezone(LONDON) == at(2026, 11, 24, 9, 30)


def test_quiet_hours_move_across_the_spring_clock_change():
    got = plan(at(2026, 3, 30, 9, 30))  # 07:30 BST is quiet -> 20:30 BST on Sunday
    assert got["2h"] == datetime(2026, 3, 29, 19, 30, tzinfo=UTC)


def test_no_reminder_is_ever_in_quiet_hours():
    for day in range(1, 29):
        for hour, minute in ((9, 0), (9, 30), (10, 0), (14, 0), (16, 30)):
            for label, send_at in plan(at(2026, 2, day, hour, minute)).items():
                local = send_at.astimezone(LONDON).time()
                assert not is_quiet(local, QUIET), (day, hour, label, local)


def test_configurable_quiet_hours_and_offsets():
    got = plan(at(2026, 11, 26, 10, 0), quiet=(time(22), time(9)), offsets=(24, 2))
    assert got["2h"].astimezone(LONDON) == at(2026, 11, 25, 21, 30)
    assert got["24h"].astimezone(LONDON) == at(2026, 11, 25, 10, 0)
    assert quiet_hours("22:00-09:00") == (time(22), time(9))
    assert quiet_hours("none") is None


def test_past_times_are_skipped_and_same_moments_collapse():
    start = at(2026, 11, 26, 9, 30)
    now = at(2026, 11, 25, 12, 0).astimezone(UTC)  # the 48 h one has gone
    assert set(plan(start, now=now)) == {"2h"}
    # 3 h and 2 h before 09:30 both fall in quiet hours: one text, not two.
    assert len(plan(start, offsets=(3, 2))) == 1


def test_safe_times_move_a_reminder_to_the_latest_safe_time_before():
    safe = Preference(after=time(18))  # "after 6pm"
    got = plan(at(2026, 11, 26, 10, 0), safe=safe)
    assert got["48h"].astimezone(LONDON) == at(2026, 11, 23, 20, 45)
    assert got["2h"].astimezone(LONDON) == at(2026, 11, 25, 20, 45)


def test_no_safe_time_in_reach_means_no_reminder():
    safe = Preference(weekdays=frozenset({3}))  # "Wednesdays only"
    got = plan(at(2026, 11, 26, 10, 0), safe=safe)  # Thursday
    # 48 h before is Tuesday: no Wednesday in the 3 days before it, so none.
    assert set(got) == {"2h"} and got["2h"].astimezone(LONDON) == at(2026, 11, 25, 20, 45)


def test_wall_clock_in_the_spring_gap_moves_forward():
    t = wall_clock(datetime(2026, 3, 29, 1, 30))  # 01:30 does not exist that night
    assert t.astimezone(LONDON).hour == 2 and t.utcoffset().total_seconds() == 3600
