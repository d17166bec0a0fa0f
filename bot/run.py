"""Start every Elpis process in the foreground; Ctrl-C stops them all.

`python -m bot.run` is what `make run` calls after training and migrating.
Tests use the same `Stack` to start real servers on free ports.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import hardening
from bot.settings import REPO_ROOT, get_settings, load_settings

VENV_BIN = Path(sys.executable).parent
MODEL = REPO_ROOT / "models" / "elpis.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except Exception:
            time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout}s")


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
    roles: tuple[str, ...] = ("fake-twilio", "actions", "rasa", "web", "worker")

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
            "TWILIO_ACCOUNT_SID": DEFAULT_SID, "TWILIO_AUTH_TOKEN": DEFAULT_TOKEN,
            "TWILIO_FROM_NUMBER": DEFAULT_FROM, "TWILIO_BASE_URL": f"http://127.0.0.1:{self.fake_twilio_port}",
            "ELPIS_PUBLIC_BASE_URL": self.rasa_url,
        }

    def build(self) -> list[Service]:
        # Production hardening (bot/hardening.py) follows this stack's own environment.
        settings = load_settings({**os.environ, **self.env})
        fake = []
        if self.fake_twilio_port:
            fake = [Service(
                "fake-twilio",
                [str(VENV_BIN / "python"), "-m", "bot.devtools.fake_twilio", "--port", str(self.fake_twilio_port),
                 "--rasa-url", self.rasa_url],
                f"http://127.0.0.1:{self.fake_twilio_port}/_fake/health",
            )]
        action = Service(
            "actions",
            [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.action_port),
             *hardening.action_server_args()],
            f"http://127.0.0.1:{self.action_port}/health",
        )
        rasa = Service(
            "rasa",
            [
                str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.rasa_port),
                "--credentials", str(hardening.credentials_for(settings, self.credentials, self.log_dir)),
                "--endpoints", str(self._endpoints_file()),
                "--cors", "*", "--enable-api", "--interface", "127.0.0.1", *hardening.rasa_args(settings),
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
        return {**os.environ, "ELPIS_RASA_URL": self.rasa_url, **self.fake_twilio_env(),
                **hardening.action_server_env(), **self.env, "PYTHONPATH": str(REPO_ROOT)}

    def _spawn(self, service: Service) -> None:
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{service.name}-{self.rasa_port}.log", "ab")
        service.proc = subprocess.Popen(
            service.argv, cwd=REPO_ROOT, env=self._env(), stdout=out, stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )

    def start(self, timeout: float = 300.0) -> "Stack":
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
        for service in reversed(self.services):
            if service.proc and service.proc.poll() is None:
                os.killpg(service.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for service in self.services:
            if service.proc is None:
                continue
            try:
                service.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(service.proc.pid, signal.SIGKILL)
                service.proc.wait()
        self.services.clear()

    def wait(self) -> int:
        """Block until any process exits (then stop the rest) or Ctrl-C."""
        while True:
            for service in self.services:
                if service.proc and service.proc.poll() is not None:
                    print(f"[elpis] {service.name} exited ({service.proc.returncode}); stopping", flush=True)
                    self.stop()
                    return 1
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run every Elpis process")
    parser.parse_args()
    settings = get_settings()
    # No Twilio account: the SMS channel still works, against the local fake.
    stack = Stack(fake_twilio_port=None if settings.twilio_account_sid else settings.sms_fake_port)

    def interrupt(*_):
        raise KeyboardInterrupt

    # Set both explicitly: a shell that backgrounds us may have ignored SIGINT.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        stack.start()
        sms = (
            f"  SMS         http://127.0.0.1:{stack.fake_twilio_port}/ (fake Twilio: text the bot here,\n"
            "              or `python -m bot.devtools.sms_console`)\n"
            if stack.fake_twilio_port
            else f"  SMS         {settings.public_base_url}/webhooks/sms/webhook (Twilio)\n"
        )
        print(
            "\n[elpis] ready (SAMPLE data, development mode):\n"
            f"  Rasa REST   {stack.rasa_url}/webhooks/rest/webhook\n"
            f"  Actions     http://127.0.0.1:{stack.action_port}/webhook\n"
            f"  Web         {stack.web_url}/\n"
            f"{sms}"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        return stack.wait()
    except KeyboardInterrupt:
        print("\n[elpis] stopping", flush=True)
        stack.stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
