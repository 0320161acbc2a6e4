"""Login, logout and the home page that sends each group to its own work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pool import access
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch_first(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    assert "Inloggen bij Rolpool" in response.content.decode()


def test_login_page_in_english(client):
    response = client.get(reverse("login"), headers={"accept-language": "en"})
    assert '<html lang="en"' in response.content.decode()
    assert "Log in to Rolpool" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, user_in):
    user_in(access.MEMBER, username="anna")
    response = client.post(reverse("login"), {"username": "anna", "password": "fout"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "utrecht-alert--error" in response.content.decode()


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("group", "landing"),
    [
        (access.HR_ADVISOR, "assignments:board"),
        (access.MANAGER, "assignments:opgave_list"),
        (access.MEMBER, "pool:profile"),
        (access.ADMINISTRATOR, "admin:index"),
    ],
)
def test_login_lands_each_group_on_its_home_page(client, user_in, group, landing):
    user = user_in(group, username="demo-user", is_staff=group == access.ADMINISTRATOR)
    if group == access.MEMBER:
        MemberFactory(user=user)
    response = client.post(
        reverse("login"), {"username": "demo-user", "password": "geheim-wachtwoord"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_user_without_group_gets_an_explanation(client, user_in):
    client.force_login(user_in())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "nog geen rol" in response.content.decode()


def test_logout_ends_the_session(client, user_in):
    client.force_login(user_in(access.MANAGER))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_language_switch_remembers_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/inloggen/"})
    response = client.get(reverse("login"))
    assert "Log in to Rolpool" in response.content.decode()


def test_health_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_expired_session_sends_an_htmx_request_to_the_login_page_as_a_whole(client):
    response = client.get(
        reverse("pool:competency_search"),
        {"q": "samen"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/mijn-profiel/"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/inloggen/?next=%2Fmijn-profiel%2F"
    assert response.content == b""


def test_expired_session_without_htmx_is_an_ordinary_redirect(client):
    response = client.get(reverse("pool:profile"))
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/?next=/mijn-profiel/"
    assert "HX-Redirect" not in response
