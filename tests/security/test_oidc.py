"""Single sign-on through OpenID Connect, against a provider served from a thread in the test.

Every login runs the real flow: the init URL sends the browser to the provider, the provider
sends it back to the callback with a code, and Rolpool fetches the token, checks its signature
(keys from the provider's JWKS), nonce and audience, and reads userinfo.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.urls import reverse

from pool import access
from pool.models import AuditEntry
from tests.factories import MemberFactory, UserFactory
from tests.oidc_provider import USERNAME, Provider, oidc_settings, person
from tests.test_deploy import PRODUCTION, manage

pytestmark = pytest.mark.django_db

INIT = reverse("oidc_authentication_init")
CALLBACK = reverse("oidc_authentication_callback")


@pytest.fixture(scope="module")
def provider():
    with Provider() as provider:
        yield provider


@pytest.fixture
def op(provider, settings) -> Provider:
    provider.reset()
    oidc_settings(settings, discovery_url=provider.discovery_url)
    return provider


def sign_in(client, op: Provider, claims: dict, *, start: str = INIT):
    """Start at Rolpool, sign in at the provider, come back; the callback's response."""
    op.claims = claims
    response = client.get(start)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{op.url}/authorize?")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["redirect_uri"] == [f"http://testserver{CALLBACK}"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == CALLBACK
    return client.get(f"{callback.path}?{callback.query}")


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def rolpool_groups(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def assert_refused(client, response) -> None:
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    assert "niet gelukt" in str(next(iter(get_messages(response.wsgi_request))))


def test_a_new_person_gets_an_account_with_the_mapped_groups(client, op):
    response = sign_in(client, op, person("rolpool-hr", "rolpool-manager", "alle-medewerkers"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = logged_in_user(client)
    assert user.username == USERNAME
    assert (user.first_name, user.last_name, user.email) == ("Jan", "Jansen", USERNAME)
    assert rolpool_groups(user) == {access.HR_ADVISOR, access.MANAGER}
    assert not user.has_usable_password() and not user.is_staff
    entry = AuditEntry.objects.get(action=AuditEntry.Action.GROUPS_CHANGED, account=user)
    assert entry.actor is None
    assert entry.data == {"added": sorted([access.HR_ADVISOR, access.MANAGER]), "removed": []}
    assert client.get(reverse("assignments:board")).status_code == 200


def test_explicit_endpoints_work_without_discovery(client, op, settings):
    urls = op.discovery()
    oidc_settings(
        settings,
        authorization=urls["authorization_endpoint"],
        token=urls["token_endpoint"],
        user=urls["userinfo_endpoint"],
        jwks=urls["jwks_uri"],
    )
    sign_in(client, op, person("rolpool-medewerker"))
    assert rolpool_groups(logged_in_user(client)) == {access.MEMBER}


def test_the_page_asked_for_comes_after_login(client, op):
    page = reverse("notifications:list")
    response = sign_in(client, op, person("rolpool-medewerker"), start=f"{INIT}?next={page}")
    assert response["Location"] == page


def test_a_person_whose_groups_map_to_no_rolpool_group_is_refused(client, op):
    response = sign_in(client, op, person("alle-medewerkers"))
    assert_refused(client, response)
    assert not User.objects.filter(username=USERNAME).exists()
    page = client.get(reverse("login")).content.decode()
    assert "Inloggen met je organisatieaccount is niet gelukt" in page


def test_groups_follow_the_provider_and_other_groups_stay(client, op):
    user = UserFactory(username=USERNAME, groups=[access.HR_ADVISOR, access.MANAGER])
    other = Group.objects.create(name="nieuwsbrief")
    user.groups.add(other)
    sign_in(client, op, person("rolpool-hr", "rolpool-beheer"))
    user.refresh_from_db()
    assert logged_in_user(client) == user
    assert rolpool_groups(user) == {access.HR_ADVISOR, access.ADMINISTRATOR, "nieuwsbrief"}
    assert user.is_staff  # the functional administrator works in the admin
    groups = AuditEntry.objects.get(action=AuditEntry.Action.GROUPS_CHANGED, account=user)
    assert groups.data == {"added": [access.ADMINISTRATOR], "removed": [access.MANAGER]}
    account = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_CHANGED, account=user)
    assert account.data == {"fields": ["is_staff"]}

    client.logout()
    sign_in(client, op, person("rolpool-hr"))
    user.refresh_from_db()
    assert rolpool_groups(user) == {access.HR_ADVISOR, "nieuwsbrief"} and not user.is_staff


def test_a_person_the_provider_took_every_group_from_loses_access(client, op):
    user = UserFactory(username=USERNAME, groups=[access.MEMBER])
    response = sign_in(client, op, person())
    assert_refused(client, response)
    assert rolpool_groups(user) == set()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.GROUPS_CHANGED, account=user)
    assert entry.data == {"added": [], "removed": [access.MEMBER]}


@pytest.mark.parametrize("fields", [{"is_superuser": True}, {"is_active": False}])
def test_superusers_and_inactive_accounts_are_refused(client, op, fields):
    user = UserFactory(username=USERNAME, groups=[access.MEMBER], email="oud@example.org", **fields)
    assert_refused(client, sign_in(client, op, person("rolpool-medewerker")))
    user.refresh_from_db()
    assert user.email == "oud@example.org"  # nothing taken from the claims


def test_a_member_without_account_is_linked_by_email(client, op):
    member = MemberFactory(email="J.Jansen@utrecht.nl", user=None)
    sign_in(client, op, person("rolpool-medewerker"))
    member.refresh_from_db()
    assert member.user == logged_in_user(client)
    assert client.get(reverse("pool:profile")).status_code == 200


def test_an_unverified_email_links_no_member(client, op):
    member = MemberFactory(email=USERNAME, user=None)
    sign_in(client, op, person("rolpool-medewerker", email_verified=False))
    member.refresh_from_db()
    assert member.user is None and logged_in_user(client) is not None


@pytest.mark.parametrize("forge", ["signature", "nonce", "audience", "expired"])
def test_a_forged_id_token_is_refused(client, op, forge):
    op.forge = forge
    assert_refused(client, sign_in(client, op, person("rolpool-hr")))
    assert not User.objects.filter(username=USERNAME).exists()


def test_a_callback_cannot_be_replayed(client, op):
    op.claims = person("rolpool-hr")
    start = client.get(INIT)
    back = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    callback = back.removeprefix("http://testserver")
    assert client.get(callback)["Location"] == reverse("home")
    client.logout()
    assert_refused(client, client.get(callback))


def test_a_provider_that_does_not_answer_refuses_the_login(client, op, settings):
    response = client.get(INIT)
    back = requests.get(response["Location"], allow_redirects=False, timeout=5).headers["Location"]
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    assert_refused(client, client.get(back.removeprefix("http://testserver")))


def test_an_account_deactivated_after_login_loses_its_session(client, op):
    sign_in(client, op, person("rolpool-medewerker"))
    User.objects.filter(username=USERNAME).update(is_active=False)
    assert client.get(reverse("notifications:list")).status_code == 302


def test_logout_ends_the_session(client, op):
    sign_in(client, op, person("rolpool-medewerker"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert logged_in_user(client) is None
    assert client.get(reverse("pool:profile")).status_code == 302


def test_the_login_page_offers_single_sign_on_and_the_password_still_works(client, op, user_in):
    page = client.get(reverse("login") + "?next=/mijn/")
    assert f'href="{INIT}?next=/mijn/"' in page.content.decode()
    assert "Inloggen met je organisatieaccount" in page.content.decode()
    user = user_in(access.MANAGER)
    response = client.post(
        reverse("login"), {"username": user.username, "password": "geheim-wachtwoord"}
    )
    assert response.status_code == 302 and logged_in_user(client) == user


def test_axes_stays_the_first_backend(op, settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AUTHENTICATION_BACKENDS[-1] == "config.oidc.OIDCBackend"


def test_an_htmx_request_is_sent_to_the_provider_alike(client, op):
    response = client.get(f"{INIT}?next=/mijn/", headers={"HX-Request": "true"})
    assert response.status_code == 302 and response["Location"].startswith(f"{op.url}/authorize?")
    assert client.session["oidc_login_next"] == "/mijn/"


@pytest.mark.parametrize("htmx", [False, True])
def test_without_configuration_there_is_no_single_sign_on(client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    assert client.get(INIT, headers=headers).status_code == 404
    assert client.get(f"{CALLBACK}?code=x&state=y", headers=headers).status_code == 404
    assert "organisatieaccount" not in client.get(reverse("login")).content.decode()


def test_refused_logins_lock_nobody_out(client, op, settings, user_in):
    """Axes counts password guesses; refused single sign-on logins share no username."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert_refused(client, sign_in(client, op, person("alle-medewerkers")))
    assert sign_in(client, op, person("rolpool-hr"))["Location"] == reverse("home")
    client.logout()
    user = user_in(access.MANAGER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "fout"})
    response = client.post(
        reverse("login"), {"username": user.username, "password": "geheim-wachtwoord"}
    )
    assert response.status_code == 429  # password guessing is still throttled


OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "rolpool",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "OIDC_OP_DISCOVERY_URL": "https://login.example.nl/.well-known/openid-configuration",
    "OIDC_GROUP_MAP": "rolpool-hr=HR-adviseur, rolpool-beheer = functioneel beheerder",
}


def test_the_environment_turns_single_sign_on_on():
    shown = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.AUTHENTICATION_BACKENDS, s.OIDC_GROUP_MAP]))"
    )
    result = manage("shell", "-c", shown, **PRODUCTION, **OIDC_ENV)
    assert result.returncode == 0, result.stderr
    backends, group_map = json.loads(result.stdout.splitlines()[-1])
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert backends[-1] == "config.oidc.OIDCBackend"
    assert group_map == {"rolpool-hr": "HR-adviseur", "rolpool-beheer": "functioneel beheerder"}


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("OIDC_RP_CLIENT_SECRET", "Set the environment variable OIDC_RP_CLIENT_SECRET"),
        ("OIDC_OP_DISCOVERY_URL", "Set OIDC_OP_DISCOVERY_URL or the OIDC_OP_*_ENDPOINT variables"),
    ],
)
def test_an_incomplete_configuration_refuses_to_start(missing, message):
    env = {k: v for k, v in OIDC_ENV.items() if k != missing}
    result = manage("check", **PRODUCTION, **env)
    assert result.returncode != 0 and message in result.stderr
