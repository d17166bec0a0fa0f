"""The Elpis processes as one `Stack`: Rasa, the action server, the web server, the
worker and (in development) the fake Twilio, started together and stopped together.

`python -m bot.run` starts one in the foreground; tests start real servers on free ports with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import hardening
from bot.ports import PortInUse, port_holder, port_is_free, wait_http
from bot.process_groups import die_with_parent, group_alive, signal_group
from bot.settings import REPO_ROOT, load_settings

VENV_BIN = Path(sys.executable).parent
MODEL = REPO_ROOT / "models" / "elpis.tar.gz"
ROLES = ("fake-twilio", "actions", "rasa", "web", "worker")
# Seconds a process group gets between SIGTERM and SIGKILL when the stack stops.
STOP_GRACE_S = 5.0


@dataclass
class Service:
    name: str
    argv: list[str]
    ready_url: str | None = None
    proc: subprocess.Popen | None = None


@dataclass
class Stack:
    """The Rasa server, the action server, and (as they land) the other processes."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    env: dict[str, str] = field(default_factory=dict)
    model: Path = MODEL
    log_dir: Path | None = None
    endpoints: Path | None = None
    credentials: Path = REPO_ROOT / "credentials.yml"
    extra: list[Service] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    # Dev mode without a Twilio account: run the local fake Twilio on this port
    # and point the SMS channel and the worker at it (None: no fake).
    fake_twilio_port: int | None = None
    # Which processes to start (a scale-out test adds a second, Rasa-only stack).
    roles: tuple[str, ...] = ROLES
    # SIGTERM, then SIGKILL for any process group still there after this long.
    stop_grace: float = STOP_GRACE_S
    # Set (by a second Ctrl-C/SIGTERM) while stopping: SIGKILL what is left at once.
    hurry: bool = field(default=False, init=False, repr=False)
    stopping: bool = field(default=False, init=False, repr=False)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _endpoints_file(self) -> Path:
        if self.endpoints:
            return self.endpoints
        if self.action_port == 5055:
            return REPO_ROOT / "endpoints.yml"
        # Tests run on free ports: write endpoints pointing at this stack's action server.
        path = Path(self.log_dir or REPO_ROOT / "var") / f"endpoints-{self.rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        endpoints = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{self.action_port}/webhook"
        path.write_text(yaml.safe_dump(endpoints))
        return path

    def fake_twilio_env(self) -> dict[str, str]:
        """The environment that points every process at the fake Twilio (dev mode)."""
        if not self.fake_twilio_port:
            return {}
        from bot.devtools.fake_twilio import DEFAULT_FROM, DEFAULT_SID, DEFAULT_TOKEN

        return {
            "TWILIO_ACCOUNT_SID": DEFAULT_SID,
            "TWILIO_AUTH_TOKEN": DEFAULT_TOKEN,
            "TWILIO_FROM_NUMBER": DEFAULT_FROM,
            "TWILIO_BASE_URL": f"http://127.0.0.1:{self.fake_twilio_port}",
            "ELPIS_PUBLIC_BASE_URL": self.rasa_url,
        }

    def web_origins(self) -> list[str]:
        """The chat page's own origins: the only ones Rasa's CORS lets a browser call from."""
        return [f"http://127.0.0.1:{self.web_port}", f"http://localhost:{self.web_port}"]

    def ports(self) -> dict[int, str]:
        """Every port this stack's servers will listen on, and which server."""
        ports = {self.action_port: "actions", self.rasa_port: "rasa", self.web_port: "web"}
        if self.fake_twilio_port:
            ports[self.fake_twilio_port] = "fake-twilio"
        return {port: name for port, name in ports.items() if name in self.roles}

    def check_ports(self) -> None:
        for port, name in self.ports().items():
            if not port_is_free(port):
                holder = port_holder(port)
                by = f" by {holder}" if holder else ""
                raise PortInUse(f"port {port} ({name}) is already in use{by}; stop it or choose another port")

    def build(self) -> list[Service]:
        # Production hardening (bot/hardening.py) follows this stack's own environment.
        settings = load_settings({**os.environ, **self.env})
        fake = []
        if self.fake_twilio_port:
            fake = [
                Service(
                    "fake-twilio",
                    [
                        str(VENV_BIN / "python"),
                        "-m",
                        "bot.devtools.fake_twilio",
                        "--port",
                        str(self.fake_twilio_port),
                        "--rasa-url",
                        self.rasa_url,
                    ],
                    f"http://127.0.0.1:{self.fake_twilio_port}/_fake/health",
                )
            ]
        action = Service(
            "actions",
            [
                str(VENV_BIN / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
                *hardening.action_server_args(),
            ],
            f"http://127.0.0.1:{self.action_port}/health",
        )
        rasa = Service(
            "rasa",
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--port",
                str(self.rasa_port),
                "--credentials",
                str(hardening.credentials_for(settings, self.credentials, self.log_dir)),
                "--endpoints",
                str(self._endpoints_file()),
                "--cors",
                *self.web_origins(),
                "--enable-api",
                "--interface",
                "127.0.0.1",
                *hardening.rasa_args(settings),
            ],
            f"{self.rasa_url}/status",
        )
        web = Service(
            "web",
            [str(VENV_BIN / "python"), "-m", "bot.web", "--port", str(self.web_port)],
            f"http://127.0.0.1:{self.web_port}/healthz",
        )
        worker = Service("worker", [str(VENV_BIN / "python"), "-m", "bot.worker"])
        return [s for s in (*fake, action, rasa, web, worker) if s.name in self.roles] + list(self.extra)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _env(self) -> dict[str, str]:
        # ELPIS_RASA_URL: the web server (staff handoff, chat proxy) talks to this stack's Rasa.
        return {
            **os.environ,
            "ELPIS_RASA_URL": self.rasa_url,
            **self.fake_twilio_env(),
            **hardening.action_server_env(),
            **self.env,
            "PYTHONPATH": str(REPO_ROOT),
        }

    def _spawn(self, service: Service) -> None:
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{service.name}-{self.rasa_port}.log", "ab")
        service.proc = subprocess.Popen(
            service.argv,
            cwd=REPO_ROOT,
            env=self._env(),
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )

    def start(self, timeout: float = 300.0) -> Stack:
        self.check_ports()
        for service in self.build():
            self._spawn(service)
            self.services.append(service)
        try:
            for service in self.services:
                if service.ready_url:
                    wait_http(service.ready_url, timeout, service.proc)
        except Exception:
            self.stop()
            raise
        return self

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def kill(self, name: str) -> None:
        """SIGKILL one process (fault tests: a crash, not a clean stop)."""
        proc = self.service(name).proc
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart(self, name: str, timeout: float = 300.0) -> None:
        service = self.service(name)
        self.kill(name)
        self._spawn(service)
        if service.ready_url:
            wait_http(service.ready_url, timeout, service.proc)

    def stop(self) -> None:
        """SIGTERM every process group; SIGKILL any still there after `stop_grace` seconds.

        Whatever interrupts it (an exception from a signal handler), no process is
        left behind: the `finally` kills them all.
        """
        self.stopping = True
        try:
            groups = [s.proc.pid for s in reversed(self.services) if s.proc]
            for pgid in groups:
                signal_group(pgid, signal.SIGTERM)
            self._wait_groups(groups, self.stop_grace)
        finally:
            self._kill_all()
            self.services.clear()
            self.stopping = self.hurry = False

    def _wait_groups(self, groups: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.hurry:
            for service in self.services:
                if service.proc:
                    service.proc.poll()  # reap an exited leader so its group can empty
            if not any(group_alive(pgid) for pgid in groups):
                return
            time.sleep(0.05)

    def _kill_all(self) -> None:
        groups = [s.proc.pid for s in self.services if s.proc]
        for pgid in groups:
            signal_group(pgid, signal.SIGKILL)
        for service in self.services:
            if service.proc:
                service.proc.wait()
        # A process's own children die a moment later: return once their ports are free.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and any(group_alive(pgid) for pgid in groups):
            time.sleep(0.02)

    def wait(self) -> int:
        """Block until any process exits (then stop the rest) or Ctrl-C."""
        while True:
            for service in self.services:
                if service.proc and service.proc.poll() is not None:
                    print(f"[elpis] {service.name} exited ({service.proc.returncode}); stopping", flush=True)
                    self.stop()
                    return 1
            time.sleep(0.5)
