"""An auto-staffing run computed by a real Celery worker on the real Redis."""

from __future__ import annotations

from assignments import autostaff_services as services
from assignments.autostaff_selectors import AutostaffSelection
from assignments.models import AutostaffRun
from tests.assignments.matching.test_worker import wait_until
from tests.assignments.test_autostaff import needing, skilled
from tests.factories import CompetencyFactory, OrganisationFactory


def test_a_started_run_is_computed_by_the_worker(celery_worker_process, hr_user):
    served = OrganisationFactory()
    served.hr_advisors.add(hr_user)
    for _ in range(3):
        competency = CompetencyFactory()
        needing(served, competency)
        skilled(served, [competency])
    run = services.autostaff_run_start(by=hr_user, selection=AutostaffSelection())
    assert AutostaffRun.objects.get(pk=run.pk).queued_at is not None  # sent after commit

    def done() -> bool:
        run.refresh_from_db()
        return run.is_finished

    wait_until(done, timeout=60)
    assert (run.status, run.progress) == (AutostaffRun.Status.DONE, 100)
    assert len(run.result["proposals"]) == 3
    assert run.result["optimal"]["objective"] >= run.result["greedy"]["objective"]
