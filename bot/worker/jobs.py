"""Periodic jobs the worker runs (APScheduler). Each area adds its own here.

A job is (name, seconds between runs, function taking no arguments). Jobs run
in the worker only, so several workers may run them at once: a job must be
safe to run concurrently (conditional updates, SKIP LOCKED), like the outbox.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.staff.alert_notify import send_alert_notices

JOBS: list[tuple[str, int, Callable[[], object]]] = []
# Staff app: overdue urgent alerts are escalated (conditional update per alert),
# then each person whose gap has passed gets one digest of what they were not
# yet told (conditional update of their notice count: one sender per notice).
JOBS.append(("alert_notices", 60, send_alert_notices))
# Privacy: delete what is past its retention time (advisory lock: one worker per
# run); wipe Rasa trackers of deleted conversations (rows claimed, SKIP LOCKED).
from bot.privacy.retention import run_retention  # noqa: E402
from bot.privacy.trackers import erase_pending  # noqa: E402

JOBS.append(("privacy_retention", 3600, run_retention))
JOBS.append(("tracker_erasure", 30, erase_pending))
# SMS: delivery reports that beat the sender to the database, in case the
# process that took them stopped before it could apply them (conditional updates).
from bot.channels.sms_status import link_late_reports  # noqa: E402

JOBS.append(("sms_late_delivery_reports", 60, link_late_reports))
# Appointments: a caution deadline is near and a mandatory meeting is not booked:
# one alert per referral (conditional update of referrals.deadline_alerted_at).
from bot.appointments.deadline_alerts import run as warn_near_caution_deadlines  # noqa: E402

JOBS.append(("caution_deadline_alerts", 3600, warn_near_caution_deadlines))
# Support: check-ins due (start, every three months, end) and the closing survey are
# planned, then texted where texts reach her safely (SKIP LOCKED; one text per row:
# a dedupe key per invitation).
from bot.support.invitations import run as send_support_invitations  # noqa: E402

JOBS.append(("support_invitations", 3600, send_support_invitations))
