"""Real Peel servers for end-to-end tests, browser tests and benchmarks.

Each server is ``uvicorn peel.web.asgi:app --factory`` in its own process on 127.0.0.1, configured only through
``PEEL_*`` environment variables built from a ``Settings`` object, so a test can open the same database in-process
with the very same settings (secret key included) to add users or inspect what the server wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr

from peel.settings import Settings
from peel.web.app import create_app
from tests.support.services import free_port

READY_SECONDS = 30.0
STOP_SECONDS = 5.0


class ServerFailed(RuntimeError):
    """The server process exited or never answered its health check."""


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing; what was acknowledged must already be durable."""
        self.process.kill()
        self.process.wait(STOP_SECONDS)


def server_env(settings: Settings) -> dict[str, str]:
    """The environment that makes ``Settings()`` in the server process equal ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PEEL_")}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            text = value.get_secret_value()
        elif isinstance(value, Path):
            text = str(value.resolve())
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list | tuple | set | dict):
            text = json.dumps(sorted(value) if isinstance(value, set) else value)  # complex settings are JSON
        else:
            text = str(value)
        env[f"PEEL_{name.upper()}"] = text
    return env


def _command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "peel.web.asgi:app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "1",
    ]


def _wait_until_healthy(server: LiveServer, deadline: float) -> None:
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerFailed(f"server exited with {server.process.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if client.get(f"{server.url}/healthz").status_code == 200:
                    return
            time.sleep(0.1)
    raise ServerFailed(f"server did not become healthy in {READY_SECONDS:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


@contextlib.contextmanager
def running_server(settings: Settings, workdir: Path, name: str = "server") -> Iterator[LiveServer]:
    """Start a server, wait for ``/healthz``, yield it, and always stop it (SIGTERM, then SIGKILL)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_env(settings)
    for _attempt in range(3):  # the free port may be taken between choosing it and binding it
        port = free_port()
        log = workdir / f"{name}-{port}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(_command(port), cwd=workdir, env=env, stdout=sink, stderr=subprocess.STDOUT)
        server = LiveServer(f"http://127.0.0.1:{port}", process, log)
        try:
            try:
                _wait_until_healthy(server, time.monotonic() + READY_SECONDS)
            except ServerFailed:
                if "address already in use" in server.log_tail().lower():
                    continue
                raise
            yield server
            return
        finally:
            _stop(process)
    raise ServerFailed("could not find a free port for the server")


def run_cli(settings: Settings, cwd: Path, *args: str) -> None:
    """Run ``peel …`` as an operator would, configured only through the environment."""
    command = [sys.executable, "-m", "peel.cli.main", *args]
    done = subprocess.run(command, env=server_env(settings), cwd=cwd, capture_output=True, timeout=180)
    output = f"{done.stdout.decode(errors='replace')}\n{done.stderr.decode(errors='replace')}"
    assert done.returncode == 0, f"peel {' '.join(args)} failed:\n{output}"


def add_account(settings: Settings, username: str, role: str, team: str | None = None) -> None:
    """Add a staff account straight into a server's database (password ``tests.support.staff.PASSWORD``)."""
    with warnings.catch_warnings():  # starlette's test client (imported by the helper) warns about httpx2
        warnings.simplefilter("ignore", DeprecationWarning)
        from tests.support.staff import add_user

    app = create_app(settings)
    try:
        add_user(app, username, role, team)
    finally:
        app.state.platform.engine.dispose()


def bearer_token(base_url: str, username: str, password: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token", data={"username": username, "password": password}, timeout=10.0
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token
