"""Several statements in one round trip (config.db.run_together)."""

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from config.db import Statement, run_together
from pool.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_each_statement_gets_its_own_parameters_and_rows(django_assert_num_queries):
    organisation = OrganisationFactory(shares_members=False)
    with django_assert_num_queries(1):
        rows = run_together(
            [
                Statement("SELECT %s::int + 1, %s::date", [1, date(2026, 12, 2)]),
                Statement(
                    "UPDATE pool_organisation SET shares_members = %s WHERE id = %s",
                    [True, organisation.pk],
                ),
                Statement("SELECT unnest(%s::bigint[]) ORDER BY 1 DESC", [[3, 1, 2]]),
                Statement(
                    "SELECT shares_members FROM pool_organisation WHERE id = %s",
                    [organisation.pk],
                ),
                Statement("SELECT 1 WHERE false"),
            ]
        )
    assert rows == [[(2, date(2026, 12, 2))], [], [(3,), (2,), (1,)], [(True,)], []]


def test_nothing_to_run_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert run_together([]) == []


def test_an_error_stops_the_rest_and_rolls_back_with_the_transaction():
    organisation = OrganisationFactory(shares_members=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        run_together(
            [
                Statement(
                    "UPDATE pool_organisation SET shares_members = true WHERE id = %s",
                    [organisation.pk],
                ),
                Statement("SELECT 1 / 0"),
                Statement(
                    "UPDATE pool_organisation SET name = 'x' WHERE id = %s", [organisation.pk]
                ),
            ]
        )
    organisation.refresh_from_db()
    assert organisation.shares_members is False
    assert Organisation.objects.filter(name="x").count() == 0
