"""Preferences: which kinds come by e-mail too, and the language e-mail is written in."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from notifications import services
from notifications.messages import TEXTS
from notifications.models import Notification, NotificationKind, NotificationPreference
from pool import access
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

URL = reverse("notifications:preferences")
CONFIRMED = {
    "member": "Sanne Bakker",
    "role": {"nl": "Regie", "en": "Lead"},
    "opgave": "Warmtetransitie Oost",
    "hours": "8",
    "start": "2027-03-01",
    "end": "2027-06-30",
}


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_every_kind_of_notification_has_an_email_choice():
    assert set(TEXTS) == set(NotificationKind)
    preference = NotificationPreference()
    for kind in NotificationKind:
        assert preference.wants_email(kind) is True  # the default: everything, as before


def send_confirmed(user, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], kind=NotificationKind.CONFIRMED, data=CONFIRMED)


def test_email_is_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    dutch, english = UserFactory(), UserFactory()
    services.notification_preference_update(user=english, language="en", email={})
    # Whatever language the request that causes it is in.
    with translation.override("en"):
        send_confirmed(dutch, django_capture_on_commit_callbacks)
    with translation.override("nl"):
        send_confirmed(english, django_capture_on_commit_callbacks)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    to_dutch, to_english = by_recipient[dutch.email], by_recipient[english.email]
    assert to_dutch.subject == "Rolpool: Inzet bevestigd: Sanne Bakker als Regie"
    assert "van 1 maart 2027 tot en met 30 juni 2027" in to_dutch.body
    assert to_english.subject == "Rolpool: Assignment confirmed: Sanne Bakker as Lead"
    assert "1 March 2027" in to_english.body and "Regie" not in to_english.body
    # In the app, both read it in the language of the page.
    assert Notification.objects.filter(email_due=True).count() == 2


def test_in_app_always_even_with_every_email_off(django_capture_on_commit_callbacks):
    user = UserFactory()
    services.notification_preference_update(
        user=user, language="nl", email=dict.fromkeys(NotificationKind, False)
    )
    send_confirmed(user, django_capture_on_commit_callbacks)
    assert Notification.objects.get(recipient=user).email_due is False
    assert mail.outbox == []


def test_the_service_leaves_kinds_not_given_as_they_were():
    user = UserFactory()
    services.notification_preference_update(
        user=user, language="nl", email={NotificationKind.PROPOSED: False}
    )
    services.notification_preference_update(
        user=user, language="en", email={NotificationKind.CONFIRMED: False}
    )
    preference = NotificationPreference.objects.get(user=user)
    assert preference.language == "en"
    assert not preference.email_proposed and not preference.email_confirmed
    assert preference.email_accepted and preference.email_release_requested
    with pytest.raises(ValueError):
        services.notification_preference_update(user=user, language="nl", email={"x": True})


# --- the page ---------------------------------------------------------------------------


def boxes(response) -> list[str]:
    return [field.name for field in response.context["form"].email_fields()]


@pytest.mark.parametrize(
    ("groups", "kinds"),
    [
        ([access.MEMBER], ["proposed", "release_decided", "confirmed"]),
        ([access.HR_ADVISOR], ["accepted", "declined", "release_decided"]),
        ([access.MANAGER], ["confirmed"]),
        ([access.LINE_MANAGER], ["release_requested"]),
        ([access.MANAGER, access.LINE_MANAGER], ["release_requested", "confirmed"]),
        ([access.ADMINISTRATOR], [kind.value for kind in NotificationKind]),
    ],
)
def test_the_page_asks_about_the_kinds_the_user_receives(client, user_in, groups, kinds):
    client.force_login(user_in(*groups))
    response = client.get(URL)
    assert boxes(response) == [f"email_{kind}" for kind in kinds]


def test_the_page_is_a_fieldset_of_one_box_per_kind_and_a_language(client, user_in):
    client.force_login(user_in(access.MEMBER))
    body = client.get(URL).content.decode()
    fieldset = body[body.index("<fieldset") : body.index("</fieldset>")]
    assert "<legend" in fieldset and "Ook per e-mail ontvangen" in fieldset
    assert fieldset.count('type="checkbox"') == 3
    assert fieldset.count(" checked") == 3  # the defaults
    assert 'aria-describedby="email-kinds-help"' in body
    assert '<select name="language"' in body
    assert '<option value="nl" selected>Nederlands</option>' in body
    assert '<option value="en">English</option>' in body


def test_saving_keeps_each_box_and_the_language(client, user_in):
    user = user_in(access.MEMBER)
    client.force_login(user)
    response = client.post(URL, {"language": "en", "email_confirmed": "on"}, follow=True)
    assert "Je voorkeur voor meldingen is opgeslagen" in response.content.decode()
    preference = NotificationPreference.objects.get(user=user)
    assert preference.language == "en"
    assert preference.email_confirmed
    assert not preference.email_proposed and not preference.email_release_decided
    # Kinds the page did not ask about keep their default.
    assert preference.email_accepted and preference.email_release_requested
    # Unticking every box is a choice too.
    client.post(URL, {"language": "nl"})
    preference.refresh_from_db()
    assert (preference.language, preference.email_confirmed) == ("nl", False)
    assert client.get(URL).context["form"]["email_proposed"].value() is False


def test_an_unknown_language_is_refused(client, user_in):
    user = user_in(access.MEMBER)
    client.force_login(user)
    response = client.post(URL, {"language": "fy", "email_proposed": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_the_page_in_constant_queries(client, user_in, django_assert_num_queries):
    user = user_in(access.MEMBER, access.MANAGER)
    client.force_login(user)
    # session, user, groups, preference, unread notifications, session save (3)
    with django_assert_num_queries(8):
        client.get(URL)


# --- the data migration -----------------------------------------------------------------


BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0002_preference_language_and_email_per_kind")]


def migrate(targets):
    """Migrate inside the test's transaction: foreign keys are checked now rather than at
    commit, as PostgreSQL alters no table with checks still pending."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_migration_keeps_each_users_choice():
    """Who had e-mail off gets no e-mail of any kind; who had it on, every kind."""
    on, off = UserFactory(), UserFactory()
    old = migrate(BEFORE)
    preference = old.get_model("notifications", "NotificationPreference")
    preference.objects.create(user_id=on.pk, email=True)
    preference.objects.create(user_id=off.pk, email=False)
    new = migrate(AFTER).get_model("notifications", "NotificationPreference")
    fields = [f"email_{kind}" for kind in NotificationKind]
    for user, wanted in ((on, True), (off, False)):
        row = new.objects.values(*fields, "language").get(user_id=user.pk)
        assert row == {**dict.fromkeys(fields, wanted), "language": "nl"}
    # And back: e-mail stays on for whoever wanted any of it.
    new.objects.filter(user_id=off.pk).update(email_confirmed=True)
    back = migrate(BEFORE).get_model("notifications", "NotificationPreference")
    assert set(back.objects.values_list("user_id", "email")) == {(on.pk, True), (off.pk, True)}
    migrate(AFTER)
