"""`make run`'s progress: a line when a stage starts, one with the time it took.

    python3 scripts/stage.py begin KEY "what happens (how long the first time)" [--until URL]...
    python3 scripts/stage.py end KEY

Make runs each recipe line in its own shell, so `begin` leaves the start time in
$ELPIS_STAGE_DIR (default var/stages/KEY) and `end` reads it back. Between the
two a ticker in the background says "still working" every minute, so a silent
step (pip -q, TensorFlow starting) does not look hung. The ticker stops at
`end`, when make exits (a failed stage: make prints the error), or, with
--until, once every URL answers: the servers keep running, so there is no `end`.

Standard library only, and never fails the build: the first stage runs before
.venv exists, and progress lines must not be why `make run` stops.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

PREFIX = "[elpis]"
TICK_S = float(os.environ.get("ELPIS_STAGE_TICK_S", "60"))
POLL_S = 0.5
SHELLS = {"sh", "bash", "dash", "zsh", "ksh"}


def fmt(seconds: float) -> str:
    """42 s, 3m 07s, 1h 02m: short enough to scan, exact enough to compare runs."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def say(text: str) -> None:
    print(f"{PREFIX} {text}", flush=True)


def state_dir() -> Path:
    return Path(os.environ.get("ELPIS_STAGE_DIR", "var/stages"))


def _ppid_of(pid: int) -> int | None:
    try:
        # /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def owner_pid() -> int:
    """The process the stage belongs to: make, not the shell make may start per recipe line."""
    pid = os.getppid()
    if _comm(pid) in SHELLS:
        pid = _ppid_of(pid) or pid
    return pid


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status < 500
    except Exception:
        return False


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _session_start(directory: Path, owner: int, now: float) -> float:
    """When this `make` began its first stage (for the total), forgetting finished makes."""
    for old in directory.glob("make-*"):
        pid = old.name.split("-", 1)[1]
        if pid.isdigit() and int(pid) != owner and not alive(int(pid)):
            old.unlink(missing_ok=True)
    mark = directory / f"make-{owner}"
    if not mark.exists():
        mark.write_text(str(now))
    try:
        return float(mark.read_text())
    except (OSError, ValueError):
        return now


def begin(key: str, what: str, until: list[str], owner: int | None = None) -> None:
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    owner = owner or owner_pid()
    now = time.time()
    state = {
        "start": now,
        "owner": owner,
        "token": f"{os.getpid()}-{now}",
        "session_start": _session_start(directory, owner, now),
    }
    path = directory / key
    path.write_text(json.dumps(state))
    say(f"{key}: {what} ...")
    taken = [url for url in until if answers(url)]
    if taken:  # another stack's: "up" would be a lie, and the servers will say the port is taken
        say(f"{key}: something already answers at {', '.join(taken)}")
        path.unlink(missing_ok=True)
        return
    _spawn_ticker(key, path, state, until)


def end(key: str) -> None:
    path = state_dir() / key
    state = _read(path)
    path.unlink(missing_ok=True)  # the ticker sees it gone and stops
    if state is None:
        say(f"{key}: done")
        return
    say(f"{key}: done in {fmt(time.time() - state['start'])}")


def tick(key: str, path: Path, state: dict, until: list[str]) -> None:
    """The ticker's loop: 'still working' each TICK_S; with `until`, 'up' once all URLs answer."""
    next_tick = state["start"] + TICK_S
    while True:
        now_state = _read(path)
        if now_state is None or now_state.get("token") != state["token"]:
            return  # `end` ran, or a new `begin` of the same stage took over
        if not alive(state["owner"]):
            return  # make stopped (a failed stage, Ctrl-C): say nothing more
        now = time.time()
        if until and all(answers(url) for url in until):
            path.unlink(missing_ok=True)
            total = now - state["session_start"]
            also = f" ({fmt(total)} since make started)" if total - (now - state["start"]) >= 1 else ""
            say(f"{key}: up in {fmt(now - state['start'])}{also}")
            return
        if now >= next_tick:
            say(f"{key}: still working ({fmt(now - state['start'])})")
            next_tick += TICK_S
        time.sleep(POLL_S)


def _spawn_ticker(key: str, path: Path, state: dict, until: list[str]) -> None:
    """Run `tick` in a grandchild so this command returns at once and make goes on.

    Double fork: the ticker is nobody's child to reap. It stays in make's process
    group, so Ctrl-C stops it too.
    """
    try:
        child = os.fork()
    except OSError:
        return  # no ticker: the begin/end lines still come
    if child:
        os.waitpid(child, 0)
        return
    try:
        if os.fork():
            os._exit(0)
        signal.signal(signal.SIGINT, lambda *_: os._exit(0))
        try:
            sys.stdin.close()
            os.close(0)
        except OSError:
            pass
        tick(key, path, state, until)
    except BaseException:  # a ticker never prints a traceback into make's output
        pass
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/stage.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("begin", help="say a stage starts; tick until `end` (or --until URLs answer)")
    b.add_argument("key")
    b.add_argument("what")
    b.add_argument(
        "--until",
        action="append",
        default=[],
        metavar="URL",
        help="the stage ends when this answers (repeatable): servers, which keep running",
    )
    e = sub.add_parser("end", help="say a stage is done, with its time")
    e.add_argument("key")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "begin":
            begin(args.key, args.what, args.until)
        else:
            end(args.key)
    except Exception as exc:  # progress lines must never be why a build stops
        print(f"{PREFIX} (stage {args.cmd} {args.key}: {exc})", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
