"""The embedded services of `make run` and `make test` on a machine without its own.

CI runs the suite against the machine's PostgreSQL and Redis, so these tests start the
embedded ones themselves: a fresh machine depends on them, and once they lacked an
extension that a migration needs without any CI run noticing.
"""

from __future__ import annotations

import shutil
import uuid

import psycopg
import pytest
import redis

from config import devstack


@pytest.fixture
def own_var(monkeypatch):
    """A data directory of the test's own under var/, which the checkout's owner (or, as
    root, the PostgreSQL system user) can reach."""
    var = devstack.BASE_DIR / "var" / f"test-devstack-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(devstack, "VAR", var)
    yield var
    shutil.rmtree(var, ignore_errors=True)


def test_the_embedded_postgresql_has_what_the_migrations_need(own_var):
    with devstack.embedded_postgres() as url:
        assert url.endswith(f"/{devstack.DATABASE_NAME}")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_trgm")  # the people search's typo tolerance
            similarity = conn.execute("SELECT similarity('Jansen', 'Janssen')").fetchone()[0]
            stems = conn.execute("SELECT to_tsvector('dutch', 'begrotingen')").fetchone()[0]
            major = conn.execute("SHOW server_version_num").fetchone()[0]
    assert 0.5 < similarity < 1
    assert stems == "'begrot':1"
    assert int(major) >= 150000
    # Stopped on leaving: nothing answers on that address any more.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_a_second_start_shares_the_running_server_and_keeps_its_data(own_var):
    with devstack.embedded_postgres() as first:
        with psycopg.connect(first, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (id int)")
        with devstack.embedded_postgres() as second:
            assert second == first  # make test beside make run
    with devstack.embedded_postgres() as again, psycopg.connect(again) as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone()[0] == 0


def test_the_embedded_redis_answers_and_stops(own_var):
    with devstack.embedded_redis("test") as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
    with pytest.raises(redis.ConnectionError):
        client.ping()
