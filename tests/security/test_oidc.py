"""Single sign-on through OpenID Connect, against a provider served from a thread in the test.

Every login runs the real flow: the init URL sends the browser to the provider, the provider
sends it back to the callback with a code, and Rolpool fetches the token, checks its signature
(keys from the provider's JWKS), nonce, issuer and audience, and reads userinfo. Logging out
of such a session runs the real RP-initiated logout at the provider's end-session endpoint.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse

from config.oidc import ID_TOKEN_SESSION_KEY, discovery_cache_key
from pool import access
from pool.models import AuditEntry
from tests.factories import MemberFactory, UserFactory
from tests.oidc_provider import CLIENT_ID, OTHER_ISSUER, USERNAME, Provider, oidc_settings, person
from tests.test_deploy import PRODUCTION, manage

pytestmark = pytest.mark.django_db

INIT = reverse("oidc_authentication_init")
CALLBACK = reverse("oidc_authentication_callback")
LOGIN = reverse("login")


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


def explicit_settings(settings, op: Provider, **overrides: str) -> None:
    """The provider configured endpoint by endpoint, as without discovery."""
    urls = op.discovery()
    endpoints = {
        "authorization": urls["authorization_endpoint"],
        "token": urls["token_endpoint"],
        "user": urls["userinfo_endpoint"],
        "jwks": urls["jwks_uri"],
        "issuer": urls["issuer"],
    }
    oidc_settings(settings, **{**endpoints, **overrides})


def test_explicit_endpoints_work_without_discovery(client, op, settings):
    explicit_settings(settings, op)
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


@pytest.mark.parametrize("forge", ["signature", "nonce", "audience", "expired", "azp", "issuer"])
def test_a_forged_id_token_is_refused(client, op, forge):
    op.forge = forge
    assert_refused(client, sign_in(client, op, person("rolpool-hr")))
    assert not User.objects.filter(username=USERNAME).exists()
    assert ID_TOKEN_SESSION_KEY not in client.session


def test_a_token_of_another_issuer_is_refused_and_logged_without_personal_data(client, op, caplog):
    """Signed with the provider's own keys, as Entra ID signs every tenant's tokens: only
    the issuer gives it away. The log tells the administrator which issuer came and which
    was expected; the person stays out of it."""
    op.forge = "issuer"
    with caplog.at_level(logging.WARNING, logger="config.oidc"):
        response = sign_in(client, op, person("rolpool-hr"))
    assert_refused(client, response)
    page = client.get(LOGIN).content.decode()
    assert "het antwoord kwam niet van de inlogdienst die Rolpool vertrouwt" in page
    [line] = [r.getMessage() for r in caplog.records if r.name == "config.oidc"]
    assert line.startswith("Single sign-on refused: ID token of issuer")
    assert OTHER_ISSUER in line and op.url in line
    for personal in (USERNAME, "Jansen", "a1b2c3"):
        assert personal not in caplog.text
    assert not User.objects.filter(username=USERNAME).exists()


def test_the_configured_issuer_is_the_only_one_taken(client, op, settings):
    """OIDC_OP_ISSUER overrides discovery (Entra ID's multi-tenant documents name no single
    issuer): a token of the provider that discovery names is refused when it is not it."""
    oidc_settings(settings, discovery_url=op.discovery_url, issuer=OTHER_ISSUER)
    assert_refused(client, sign_in(client, op, person("rolpool-hr")))
    oidc_settings(settings, discovery_url=op.discovery_url, issuer=op.url)
    assert sign_in(client, op, person("rolpool-hr"))["Location"] == reverse("home")


def test_a_discovery_document_naming_another_issuer_is_not_used(client, op, settings, caplog):
    """OpenID Connect Discovery 1.0, 4.3: the document's issuer must be the one it was read
    from; otherwise the login stops before the browser is sent anywhere."""
    op.discovered_issuer = OTHER_ISSUER
    cache.delete(discovery_cache_key(op.discovery_url))
    try:
        with caplog.at_level(logging.WARNING, logger="config.oidc"):
            response = client.get(INIT)
        assert response.status_code == 302 and response["Location"] == LOGIN
        assert "inlogdienst die Rolpool vertrouwt" in str(
            next(iter(get_messages(response.wsgi_request)))
        )
        assert OTHER_ISSUER in caplog.text
        # An administrator who names the issuer outright (Entra ID multi-tenant) is trusted.
        oidc_settings(settings, discovery_url=op.discovery_url, issuer=op.url)
        assert client.get(INIT)["Location"].startswith(f"{op.url}/authorize?")
    finally:
        cache.delete(discovery_cache_key(op.discovery_url))


def test_a_provider_that_is_down_at_the_start_sends_back_to_the_login_page(client, op, settings):
    oidc_settings(settings, discovery_url="http://127.0.0.1:9/.well-known/openid-configuration")
    response = client.get(INIT)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "niet gelukt" in str(next(iter(get_messages(response.wsgi_request))))


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


def assert_logout_at_provider(client, op: Provider, response) -> None:
    """Rolpool's session is gone and the browser is at the provider's end-session endpoint
    with the ID token of this login as hint; the provider sends it back to the login page."""
    assert logged_in_user(client) is None
    assert client.get(reverse("pool:profile")).status_code == 302
    location = response.headers.get("HX-Redirect") or response["Location"]
    assert location.startswith(f"{op.url}/logout?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == [f"http://testserver{LOGIN}"]
    back = requests.get(location, allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"] == f"http://testserver{LOGIN}"
    assert [claims["sub"] for claims in op.ended] == ["a1b2c3"]


def test_logout_ends_the_session_at_the_provider_too(client, op):
    sign_in(client, op, person("rolpool-medewerker"))
    assert ID_TOKEN_SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert_logout_at_provider(client, op, response)


def test_an_htmx_logout_sends_the_whole_page_to_the_provider(client, op):
    sign_in(client, op, person("rolpool-medewerker"))
    response = client.post(reverse("logout"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_logout_at_provider(client, op, response)


def test_an_end_session_endpoint_from_the_environment(client, op, settings):
    explicit_settings(settings, op, end_session=f"{op.url}/logout")
    sign_in(client, op, person("rolpool-medewerker"))
    assert_logout_at_provider(client, op, client.post(reverse("logout")))


def form_action(response) -> list[str]:
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    return policy["form-action"].split()


def test_pages_of_a_single_sign_on_session_may_send_the_logout_on_to_the_provider(
    client, op, user_in
):
    """Chromium holds a form's redirects to the page's form-action (tests/browser shows
    the logout then getting through); other sessions keep 'self' alone."""
    assert form_action(client.get(LOGIN)) == ["'self'"]
    sign_in(client, op, person("rolpool-hr"))
    page = client.get(reverse("assignments:board"))
    assert page.status_code == 200 and form_action(page) == ["'self'", op.url]
    client.post(reverse("logout"))
    client.force_login(user_in(access.HR_ADVISOR))
    assert form_action(client.get(reverse("assignments:board"))) == ["'self'"]


def test_a_password_session_logs_out_of_rolpool_only(client, op, user_in):
    """Even in a browser where single sign-on was just refused: the refused person's ID
    token does not stay behind to send a later password session to the provider."""
    assert_refused(client, sign_in(client, op, person("alle-medewerkers")))
    assert ID_TOKEN_SESSION_KEY not in client.session
    user = user_in(access.MANAGER)
    client.post(LOGIN, {"username": user.username, "password": "geheim-wachtwoord"})
    assert logged_in_user(client) == user
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert logged_in_user(client) is None and op.ended == []


def test_without_an_end_session_endpoint_logout_stays_in_rolpool(client, settings):
    with Provider() as bare:
        bare.end_session = False
        oidc_settings(settings, discovery_url=bare.discovery_url)
        sign_in(client, bare, person("rolpool-medewerker"))
        response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert logged_in_user(client) is None and bare.ended == []


def test_a_provider_that_is_down_delays_neither_pages_nor_the_logout(client, op, settings):
    """The end-session endpoint is read at login: afterwards nothing asks the provider."""
    sign_in(client, op, person("rolpool-hr"))
    # Nothing listens there, and no document of that address is cached.
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    assert form_action(client.get(reverse("assignments:board")))[-1] == op.url
    assert_logout_at_provider(client, op, client.post(reverse("logout")))


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
ENDPOINTS_ENV = {
    f"OIDC_OP_{name}_ENDPOINT": f"https://login.example.nl/{name.lower()}"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")
}


def test_the_environment_turns_single_sign_on_on():
    shown = (
        "import json; from django.conf import settings as s; print(json.dumps([s."
        + ", s.".join(
            (
                "AUTHENTICATION_BACKENDS",
                "OIDC_GROUP_MAP",
                "OIDC_OP_ISSUER",
                "OIDC_OP_END_SESSION_ENDPOINT",
                "OIDC_STORE_ID_TOKEN",
            )
        )
        + "]))"
    )
    env = {
        **OIDC_ENV,
        "OIDC_OP_ISSUER": "https://login.example.nl",
        "OIDC_OP_END_SESSION_ENDPOINT": "https://login.example.nl/logout",
    }
    result = manage("shell", "-c", shown, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    backends, group_map, issuer, end_session, store = json.loads(result.stdout.splitlines()[-1])
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert backends[-1] == "config.oidc.OIDCBackend"
    assert group_map == {"rolpool-hr": "HR-adviseur", "rolpool-beheer": "functioneel beheerder"}
    assert (issuer, end_session) == ("https://login.example.nl", "https://login.example.nl/logout")
    assert store is True  # the ID token stays in the session, as the logout's hint


def test_endpoints_and_issuer_without_discovery_start():
    env = {k: v for k, v in OIDC_ENV.items() if k != "OIDC_OP_DISCOVERY_URL"}
    result = manage("check", **PRODUCTION, **env, **ENDPOINTS_ENV, OIDC_OP_ISSUER="https://x.nl")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "extra", "message"),
    [
        ("OIDC_RP_CLIENT_SECRET", {}, "Set the environment variable OIDC_RP_CLIENT_SECRET"),
        (
            "OIDC_OP_DISCOVERY_URL",
            {},
            "Set OIDC_OP_DISCOVERY_URL or the OIDC_OP_*_ENDPOINT variables and OIDC_OP_ISSUER",
        ),
        # Without discovery nothing says whose tokens to take: the issuer is required.
        (
            "OIDC_OP_DISCOVERY_URL",
            ENDPOINTS_ENV,
            "Set OIDC_OP_DISCOVERY_URL or the OIDC_OP_*_ENDPOINT variables and OIDC_OP_ISSUER",
        ),
    ],
)
def test_an_incomplete_configuration_refuses_to_start(missing, extra, message):
    env = {k: v for k, v in OIDC_ENV.items() if k != missing}
    result = manage("check", **PRODUCTION, **env, **extra)
    assert result.returncode != 0 and message in result.stderr
