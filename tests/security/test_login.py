"""Login throttling (django-axes), session expiry after inactivity, strong passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.middleware import SessionRenewalMiddleware
from pool import access

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord"  # tests.factories.UserFactory's


def login(client, password, username="anna", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_until_locked(client, username="anna"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "fout", username)
    return response


def test_settings_lock_by_username_and_address_and_reset_on_success():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_failures_below_the_limit_only_show_the_form_error(client, user_in):
    user_in(access.MEMBER, username="anna")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "fout")
        assert response.status_code == 200
        assert "utrecht-alert--error" in response.content.decode()
    assert login(client, PASSWORD).status_code == 302  # still allowed in
    assert "_auth_user_id" in client.session


def test_the_limit_locks_out_even_with_the_right_password(client, user_in):
    user_in(access.MEMBER, username="anna")
    response = fail_until_locked(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in page
    assert "over 15 minuten opnieuw inloggen" in page
    assert '<html lang="nl"' in page

    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_out_is_per_username_and_address(client, user_in):
    user_in(access.MEMBER, username="anna")
    user_in(access.MEMBER, username="bert")
    fail_until_locked(client, "anna")
    # Another user from the same address, and the same user from elsewhere, still log in.
    assert login(client, PASSWORD, "bert").status_code == 302
    client.logout()
    assert login(client, PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_a_made_up_forwarded_for_header_does_not_evade_the_lock_out(client, user_in):
    user_in(access.MEMBER, username="anna")
    fail_until_locked(client)
    response = login(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_after_the_cool_off_the_user_logs_in_again(client, user_in):
    user_in(access.MEMBER, username="anna")
    fail_until_locked(client)
    # Let the cool-off pass: the failures lie further back than AXES_COOLOFF_TIME.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert login(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()  # reset on success


def test_a_correct_login_resets_the_failure_count(client, user_in):
    user_in(access.MEMBER, username="anna")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fout")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fout")
    assert login(client, PASSWORD).status_code == 302  # counting started again


def test_a_lock_out_also_refuses_the_api_session_login(client, user_in):
    """The API takes sessions (and tokens): a locked-out user gets no session to use."""
    user = user_in(access.HR_ADVISOR, username="anna")
    fail_until_locked(client)
    login(client, PASSWORD)
    assert client.get("/api/v1/opgaven").status_code == 401
    client.force_login(user)  # an administrator-made session or token is unaffected
    assert client.get("/api/v1/opgaven").status_code == 200


# --- Sessions ----------------------------------------------------------------------------


def test_sessions_expire_after_half_an_hour_without_activity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_renewed_at_most_once_a_minute(client, user_in):
    user_in(access.MEMBER, username="anna")
    login(client, PASSWORD)
    client.get(reverse("home"))
    renewed = stored_expiry(client)
    client.get(reverse("home"))  # within the minute: no write
    assert stored_expiry(client) == renewed

    session = client.session  # as if the last renewal was a minute ago
    session[SessionRenewalMiddleware.KEY] -= SessionRenewalMiddleware.EVERY_SECONDS
    session.save()
    before = stored_expiry(client)
    response = client.get(reverse("home"))
    assert stored_expiry(client) > before
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_an_expired_session_sends_the_user_to_login(client, user_in):
    client.force_login(user_in(access.MANAGER))
    session = client.session
    session.set_expiry(-1)  # as if the half hour had passed
    session.save()
    response = client.get(reverse("assignments:opgave_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["kort-1", "123456789012345", "qwerty123456", "password1234", "anna.devries1"],
)
def test_weak_passwords_are_refused(user_in, password):
    user = user_in(username="anna.devries", first_name="Anna", last_name="de Vries")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(user_in):
    validate_password("paars-fietsen-onder-de-dom", user_in(username="anna"))
