from __future__ import annotations

import pytest

from config.celery import app


@pytest.fixture
def eager_tasks():
    """Tasks sent with apply_async run in the test's process, so mail.outbox sees them."""
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was
