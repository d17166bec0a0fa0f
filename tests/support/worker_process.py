"""A real worker process (`python -m bot.worker --no-jobs`) for the fault tests."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import REPO_ROOT
from tests.support.recording_sms_server import HoldingFakeTwilio


def start_worker(url: str, fake: HoldingFakeTwilio, log, **settings: str) -> subprocess.Popen:
    """Sends through `fake`, on database `url`; `settings` are extra ELPIS_* variables."""
    env = {**os.environ, **fake.env(), "DATABASE_URL": url, "PYTHONPATH": str(REPO_ROOT), **settings}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.worker", "--no-jobs"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
