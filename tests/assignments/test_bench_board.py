"""The board benchmark on a tiny data set: every page answers and is timed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from assignments.management.commands.bench_board import pages
from tests.factories import TODAY

pytestmark = pytest.mark.django_db


def test_bench_board_prints_p50_and_p95_per_page(capsys):
    call_command("bench_board", members=30, requests=6, competencies=45, repeat=2)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    names = [page.name for page in pages(today=TODAY)]
    assert {"health", "board", "board_search", "request_detail", "capacity"} <= set(names)
    assert set(figures) == {f"{name}_{p}_ms" for name in names for p in ("p50", "p95")}
    assert all(figures[f"{name}_p95_ms"] >= figures[f"{name}_p50_ms"] > 0 for name in names)
