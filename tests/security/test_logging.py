"""Personal data never in logs: staffing lines carry ids, and addresses are masked anyway."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from assignments.services import assignment_accept, assignment_propose
from config.logging import RedactPersonalData
from pool import access
from tests.factories import MemberFactory, RoleRequestFactory

pytestmark = pytest.mark.django_db


def test_staffing_log_lines_carry_ids_not_names(caplog, user_in, hr_user):
    user = user_in(access.MEMBER, first_name="Anna", last_name="Jansen", email="anna@example.org")
    member = MemberFactory(user=user, first_name="Anna", last_name="Jansen", email=user.email)
    with caplog.at_level(logging.INFO, logger="assignments.services"):
        assignment = assignment_propose(
            role_request=RoleRequestFactory(), member=member, by=hr_user
        )
        assignment_accept(assignment=assignment, by=user)
    lines = [r.getMessage() for r in caplog.records if r.name == "assignments.services"]
    assert lines == [f"assignment {assignment.pk}: proposed -> accepted by user {user.pk}"]
    assert "Jansen" not in caplog.text and "anna@" not in caplog.text


def test_failed_logins_are_logged_without_the_username(caplog, client, user_in):
    user_in(access.MEMBER, username="anna.jansen@example.org")
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("login"), {"username": "anna.jansen@example.org", "password": "x"})
    assert caplog.records  # something was logged about it
    assert "anna" not in caplog.text.lower()


def test_the_console_handler_masks_email_addresses():
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in handler.filters)
    ]
    record = logging.LogRecord(
        "some.library", logging.INFO, __file__, 1, "no account for %s", ("a.b+c@gemeente.nl",), None
    )
    assert console.filter(record)
    assert record.getMessage() == "no account for [e-mailadres]"
