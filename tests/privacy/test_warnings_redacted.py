"""Python `warnings` are redacted like log records, in every kind of process.

Each case runs in a fresh interpreter set up as our processes are: Rasa and
the action server through bot/logging.yml (`--logging-config-file`), the web
server and the worker through `get_settings()`. (pytest records warnings
itself, so an in-process test would not see what the process prints.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.settings import REPO_ROOT

# What Rasa does with a message it cannot parse: it warns with her whole text.
RASA_WARNS = """
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
YAMLStoryReader.unpack_regex_message(Message(data={"text": '/deny{"phone": "07700 900321", "pc": "SW9 7AB"'}))
"""

SET_UP = {
    "rasa": """
        from rasa.utils.common import configure_logging_and_warnings
        configure_logging_and_warnings(logging_config_file="bot/logging.yml")
    """,
    "action server": """
        import logging
        from rasa_sdk import utils  # as rasa_sdk's __main__ does
        utils.configure_colored_logging(logging.INFO)
        utils.configure_file_logging(logging.getLogger("rasa_sdk"), None, logging.INFO, "bot/logging.yml")
    """,
    "web or worker": """
        import logging
        from bot.settings import get_settings
        get_settings()
        logging.basicConfig(level=logging.INFO)
    """,
}


@pytest.mark.parametrize("process", SET_UP)
def test_a_warning_with_her_number_is_redacted(process):
    script = (
        textwrap.dedent(SET_UP[process])
        + RASA_WARNS
        + textwrap.dedent("""
        import warnings
        warnings.warn("retrying +447700900321 at SW9 7AB")
    """)
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    assert "Failed to parse arguments" in out and "retrying" in out  # the warnings were shown...
    for secret in ("07700 900321", "7700900321", "SW9 7AB"):
        assert secret not in out  # ...without her details
    assert "[redacted]" in out
