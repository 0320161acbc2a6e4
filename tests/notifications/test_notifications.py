"""Notifications: made with the change, e-mailed after commit, read in the app."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assignments.services import (
    assignment_accept,
    assignment_confirm,
    assignment_decline,
    assignment_propose,
    release_approve,
    release_refuse,
)
from notifications import services
from notifications.models import Notification
from notifications.tasks import send_email
from pool import access
from tests.factories import MemberFactory, OrganisationFactory, RoleRequestFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(hr_user, user_in):
    line_manager = user_in(access.LINE_MANAGER)
    member = MemberFactory(
        organisation=OrganisationFactory(requires_release=True),
        user=UserFactory(groups=[access.MEMBER]),
        line_manager=line_manager,
        pool_hours=Decimal(16),
    )
    request = RoleRequestFactory(hours_per_week=Decimal(8), opgave__title="Warmtetransitie Oost")
    return {"hr": hr_user, "line_manager": line_manager, "member": member, "request": request}


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_each_step_tells_the_right_people_in_app_and_by_email(
    people, django_capture_on_commit_callbacks
):
    hr, member, line_manager = people["hr"], people["member"], people["line_manager"]
    owner = people["request"].opgave.owner
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_propose(role_request=people["request"], member=member, by=hr)
    assert kinds_of(member.user) == ["proposed"]
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert "Warmtetransitie Oost" in mail.outbox[0].subject
    assert reverse("member:proposals") in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assignment_accept(assignment=assignment, by=member.user)
    assert kinds_of(hr) == ["accepted"]
    assert kinds_of(line_manager) == ["release_requested"]
    with django_capture_on_commit_callbacks(execute=True):
        release_approve(assignment=assignment, by=line_manager)
    assert kinds_of(hr) == ["release_decided", "accepted"]
    with django_capture_on_commit_callbacks(execute=True):
        assignment_confirm(assignment=assignment, by=hr)
    assert kinds_of(member.user) == ["confirmed", "proposed"]
    assert kinds_of(owner) == ["confirmed"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [member.user.email, hr.email, line_manager.email, hr.email]
        + [member.user.email, owner.email]
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_decline_and_refusal_carry_the_reason(people, django_capture_on_commit_callbacks):
    hr, member, line_manager = people["hr"], people["member"], people["line_manager"]
    assignment = assignment_propose(role_request=people["request"], member=member, by=hr)
    assignment_decline(assignment=assignment, by=member.user, reason="Te druk met de begroting")
    declined = Notification.objects.get(recipient=hr)
    assert "Te druk met de begroting" in services.text_of(declined).body

    other = assignment_propose(role_request=RoleRequestFactory(), member=member, by=hr)
    assignment_accept(assignment=other, by=member.user)
    with django_capture_on_commit_callbacks(execute=True):
        release_refuse(assignment=other, by=line_manager, reason="Reorganisatie")
    refused = Notification.objects.filter(recipient=member.user, kind="release_decided").get()
    assert "Reorganisatie" in services.text_of(refused).body
    assert "niet vrijgegeven" in mail.outbox[-1].subject


def test_nothing_is_sent_when_the_change_rolls_back(people, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        assignment_propose(role_request=people["request"], member=people["member"], by=people["hr"])
        transaction.set_rollback(True)
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_kind_turned_off_comes_in_the_app_only(people, django_capture_on_commit_callbacks):
    hr, member = people["hr"], people["member"]
    services.notification_preference_update(
        user=member.user, language="nl", email={Notification.Kind.PROPOSED: False}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_propose(role_request=people["request"], member=member, by=hr)
    notification = Notification.objects.get(recipient=member.user)
    assert not notification.email_due
    assert mail.outbox == []
    # Other kinds still come by e-mail: the choice is per kind.
    member.organisation.requires_release = False
    member.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_accept(assignment=assignment, by=member.user)
        assignment_confirm(assignment=assignment, by=hr)
    assert kinds_of(member.user) == ["confirmed", "proposed"]
    to_member = [m.subject for m in mail.outbox if m.to == [member.user.email]]
    assert len(to_member) == 1 and to_member[0].startswith("Rolpool: Inzet bevestigd")


def test_sending_is_idempotent_and_the_sweep_catches_up(people):
    # No on-commit callbacks run here: as if the broker had been down.
    assignment_propose(role_request=people["request"], member=people["member"], by=people["hr"])
    notification = Notification.objects.get()
    assert notification.email_due and notification.emailed_at is None
    assert services.notification_emails_sweep() == 0  # too fresh: its own task may still come
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert services.notification_emails_sweep() == 1
    assert send_email(notification_id=notification.pk) is False  # a late task: nothing to do
    assert services.notification_emails_sweep() == 0
    assert len(mail.outbox) == 1


def test_failed_send_is_counted_and_retried(people, settings):
    assignment_propose(role_request=people["request"], member=people["member"], by=people["hr"])
    notification = Notification.objects.get()
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.EmailBackend"
    with pytest.raises(OSError):
        services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.email_attempts, notification.emailed_at) == (1, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_email_send(notification_id=notification.pk) is True
    notification.refresh_from_db()
    assert notification.email_attempts == 2 and notification.emailed_at is not None


# --- pages ------------------------------------------------------------------------------


def make_notifications(user, count: int) -> None:
    """`count` notifications; the newest through the service, with every fact."""
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Notification.Kind.ACCEPTED, data={"member": f"M{i}"})
        for i in range(count - 1)
    )
    services.notify(
        recipients=[user],
        kind=Notification.Kind.ACCEPTED,
        data={"member": "Sanne Bakker", "role": {"nl": "Regie", "en": "Lead"}, "opgave": "X"},
        url="/bezetting/",
    )


@pytest.mark.parametrize("count", [5, 50])
def test_list_in_constant_queries(client, user_in, django_assert_num_queries, count):
    user = user_in(access.MEMBER)
    make_notifications(user, count)
    make_notifications(UserFactory(), 2)  # someone else's
    client.force_login(user)
    # session, user, groups, count, page, unread count, session save (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["items"]) == min(count, 25)
    assert response.context["unread"] == count
    newest = "Sanne Bakker heeft het voorstel voor Regie – X geaccepteerd"
    assert newest in response.content.decode()


def header_count(html: str) -> str:
    """What the header's unread count holds, and how htmx may refresh it."""
    match = re.search(r'<span id="unread-count"([^>]*)>(.*?)</span></a>', html, re.S)
    assert match, "the navigation has no unread count"
    assert 'hx-trigger="notifications-read from:body"' in match[1]  # no request after load
    return match[2].strip()


def test_every_page_brings_its_unread_count(client, user_in, django_assert_num_queries):
    """The count comes with the page (one query) rather than in a request of its own."""
    user = user_in(access.HR_ADVISOR)
    make_notifications(user, 3)
    make_notifications(UserFactory(), 2)  # someone else's
    client.force_login(user)
    # session, user, groups, the preference, unread notifications, session save (3)
    with django_assert_num_queries(8):
        html = client.get(reverse("notifications:preferences")).content.decode()
    assert header_count(html) == '<span class="rp-badge">3 ongelezen</span>'
    services.notify(recipients=[user], kind=Notification.Kind.CONFIRMED, data={})
    assert "4 ongelezen" in header_count(client.get(reverse("audit:log")).content.decode())
    services.notifications_mark_all_read(user=user)
    assert header_count(client.get(reverse("assignments:board")).content.decode()) == ""
    # The list counted already; its header shows the same without counting again.
    make_notifications(user, 1)
    html = client.get(reverse("notifications:list")).content.decode()
    assert header_count(html) == '<span class="rp-badge">1 ongelezen</span>'


def test_unread_badge_is_one_query_and_empty_when_all_read(
    client, user_in, django_assert_num_queries
):
    user = user_in(access.MEMBER)
    make_notifications(user, 3)
    client.force_login(user)
    # session, user, unread count, session save (3)
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:unread"), headers={"HX-Request": "true"})
    assert response.content.decode().strip() == '<span class="rp-badge">3 ongelezen</span>'
    services.notifications_mark_all_read(user=user)
    assert client.get(reverse("notifications:unread")).content.decode().strip() == ""


def test_mark_read_with_and_without_htmx_and_only_own(client, user_in):
    user = user_in(access.MEMBER)
    make_notifications(user, 2)
    first, second = Notification.objects.filter(recipient=user).order_by("pk")
    client.force_login(user)
    response = client.post(
        reverse("notifications:mark_read", args=[first.uuid]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "notifications-read" in response["HX-Trigger"]
    body = response.content.decode()
    assert body.lstrip().startswith("<li")
    assert 'id="unread-summary" hx-swap-oob="true"' in body  # the page's count follows
    assert "1 ongelezen melding" in body
    response = client.post(reverse("notifications:mark_read", args=[second.uuid]))
    assert response.url == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()

    client.force_login(UserFactory())
    response = client.post(reverse("notifications:mark_read", args=[first.uuid]))
    assert response.status_code == 404


def test_mark_all_read(client, user_in):
    user = user_in(access.HR_ADVISOR)
    make_notifications(user, 3)
    client.force_login(user)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Alle meldingen zijn als gelezen gemarkeerd" in response.content.decode()
    assert response.context["unread"] == 0


def test_pages_need_login(client):
    for name in ("list", "unread", "preferences"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/inloggen/" in response.url
