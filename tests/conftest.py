from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from assignments import pool_supply
from assignments.matching import adapter
from pool import access
from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing with the production hasher takes most of a login test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_request_cache():
    """Tests create role requests directly, without the version bump services do."""
    adapter._open_requests_cache.clear()


@pytest.fixture(autouse=True)
def fresh_pool_snapshot():
    """Tests write members' data directly, without the revision bump services make: each
    test starts like a new process, with no snapshot of the pool."""
    pool_supply._snapshots.clear()
    pool_supply._pools.clear()


@pytest.fixture
def user_in():
    """Make a user in one of the Rolpool groups: user_in(access.HR_ADVISOR)."""

    def make(*groups: str, **fields):
        return UserFactory(groups=list(groups), **fields)

    return make


@pytest.fixture
def hr_user(db, user_in):
    return user_in(access.HR_ADVISOR)


@pytest.fixture
def manager_user(db, user_in):
    return user_in(access.MANAGER)


def worker_database_url() -> str:
    """The URL of the database the tests use, for processes started by a test."""
    db = settings.DATABASES["default"]
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def committed_db(django_db_serialized_rollback, transactional_db):
    """Real commits, for tests where another process reads the data.

    Such tests empty every table afterwards; the serialized rollback puts back what the
    migrations loaded (the catalogues), so later tests still find it.
    """


@contextmanager
def worker_running(*pool: str) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the real broker, using the test database.

    `pool` picks the execution pool; the default, solo, runs tasks in the worker process
    itself, while ("--pool", "prefork", "--concurrency", "1") runs them in a child process
    that a test can kill.
    """
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "DATABASE_CONN_MAX_AGE": "0"}
    worker = subprocess.Popen(  # noqa: S603 - fixed command
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            *(pool or ("--pool", "solo")),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    time.sleep(0.5)
    if worker.poll() is not None:
        pytest.fail(f"Celery worker exited at start with code {worker.returncode}")
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.fixture
def celery_worker_process(committed_db) -> Iterator[subprocess.Popen]:
    with worker_running() as worker:
        yield worker
