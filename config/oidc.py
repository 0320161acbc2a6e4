"""Optional single sign-on through OpenID Connect (mozilla-django-oidc).

Off unless OIDC_RP_CLIENT_ID is set (config/settings.py). The identity provider (Entra ID,
Keycloak) decides who may use Rolpool: on every login the account's Rolpool groups are set
from one claim through OIDC_GROUP_MAP, and a person whose claim maps to no Rolpool group is
refused. Groups that are not Rolpool's own are never touched. Only an ID token of the
configured issuer, meant for this client, is taken; logging out of a session that single
sign-on began ends the session at the provider too, where it publishes how.
"""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from pool import access
from pool.models import AuditEntry, Member
from pool.services import audit_record

logger = logging.getLogger(__name__)

# Endpoint settings left empty are read from the provider's discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",  # optional: not every provider has one
}
DISCOVERY_CACHE_SECONDS = 3600
DISCOVERY_PATH = "/.well-known/openid-configuration"
# Where Django's login records the backend that logged a session in.
BACKEND = "config.oidc.OIDCBackend"
# Where mozilla-django-oidc keeps the ID token (OIDC_STORE_ID_TOKEN): the logout's hint.
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key, not a secret
# Where the session keeps the provider's end-session endpoint, read once at login.
END_SESSION_SESSION_KEY = "oidc_end_session_endpoint"


def enabled() -> bool:
    return settings.OIDC_ENABLED


def oidc_setting(name: str, *default):
    """A mozilla-django-oidc setting; an empty endpoint comes from the discovery document."""
    if name in DISCOVERED and not getattr(settings, name, "") and settings.OIDC_OP_DISCOVERY_URL:
        return _discovery(settings.OIDC_OP_DISCOVERY_URL).get(DISCOVERED[name], "")
    return import_from_settings(name, *default)


def discovery_cache_key(url: str) -> str:
    return f"oidc-discovery:{url}"


def _discovery(url: str) -> dict:
    key = discovery_cache_key(url)
    document = cache.get(key)
    if document is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = _trusted(url, response.json())
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _trusted(url: str, document: dict) -> dict:
    """A discovery document is used only when the issuer it names is the one it was read
    from (OpenID Connect Discovery 1.0, 4.3), or when OIDC_OP_ISSUER names the issuer
    outright, as Entra ID's multi-tenant documents need."""
    issuer = document.get("issuer")
    if settings.OIDC_OP_ISSUER or (
        isinstance(issuer, str) and url == issuer.rstrip("/") + DISCOVERY_PATH
    ):
        return document
    raise IssuerMismatch(f"Discovery document {url!r} names issuer {str(issuer)[:200]!r}.")


def axes_exempt(request: HttpRequest, credentials: dict | None) -> bool:
    """Axes counts wrong passwords; a single sign-on login has none to guess (the provider
    throttles its own login page), and its failures carry no username, so counting them
    would lock out everyone behind one address after a few refused logins."""
    return "nonce" in (credentials or {})  # the callback view's credentials


def mapped_groups(claims: dict) -> set[str]:
    """The Rolpool groups that the provider's groups (or roles) claim maps to."""
    values = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(values, str):  # a provider may send a single group as a string
        values = [values]
    groups = {settings.OIDC_GROUP_MAP[v] for v in values if v in settings.OIDC_GROUP_MAP}
    if unknown := groups - set(access.ALL_GROUPS):
        raise ImproperlyConfigured(f"OIDC_GROUP_MAP names groups Rolpool lacks: {unknown}")
    return groups


@transaction.atomic
def oidc_account_update(*, user: AbstractBaseUser, claims: dict, groups: set[str]) -> None:
    """Bring an account in line with the provider's claims; record changes of access.

    Only Rolpool's groups follow the claim; the admin (is_staff) follows the functional
    administrator's group, as for the accounts Rolpool makes itself.
    """
    for field, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        if claims.get(claim):
            setattr(user, field, claims[claim][: user._meta.get_field(field).max_length])
    was_staff, user.is_staff = user.is_staff, access.ADMINISTRATOR in groups
    user.save()
    if was_staff != user.is_staff:
        audit_record(
            action=AuditEntry.Action.ACCOUNT_CHANGED,
            by=None,
            account=user,
            data={"fields": ["is_staff"]},
        )
    current = set(user.groups.filter(name__in=access.ALL_GROUPS).values_list("name", flat=True))
    added, removed = groups - current, current - groups
    if added:
        user.groups.add(*Group.objects.filter(name__in=added))
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added or removed:
        audit_record(
            action=AuditEntry.Action.GROUPS_CHANGED,
            by=None,
            account=user,
            data={"added": sorted(added), "removed": sorted(removed)},
        )
    _member_link(user=user, claims=claims)


def _member_link(*, user: AbstractBaseUser, claims: dict) -> None:
    """Give a member without an account this one, found by a verified e-mail address."""
    email = claims.get("email")
    if (
        not email
        or claims.get("email_verified") is False
        or Member.objects.filter(user=user).exists()
    ):
        return
    members = list(
        Member.objects.select_for_update().filter(
            email__iexact=email, user__isnull=True, anonymised_at__isnull=True
        )[:2]
    )
    if len(members) == 1:  # two members with one address: an administrator decides
        members[0].user = user
        members[0].save(update_fields=["user"])


class IssuerMismatch(SuspiciousOperation):
    """An ID token whose issuer is not the configured one: refused, whoever signed it."""


class OIDCBackend(OIDCAuthenticationBackend):
    """Accounts from the provider's claims: username from preferred_username, else sub.

    The claims are the verified ID token's, completed by the userinfo endpoint (Entra ID
    puts groups in the ID token only).
    """

    def __init__(self, *args, **kwargs) -> None:
        # Django makes every backend for every password login too: read the settings (and
        # perhaps the discovery document) only when a single sign-on login needs them.
        self.UserModel = get_user_model()

    def __getattr__(self, name: str):
        if name.startswith("OIDC_"):
            return self.get_settings(name, None)
        raise AttributeError(name)

    get_settings = staticmethod(oidc_setting)

    def get_user(self, user_id):
        # Django's own check, which mozilla-django-oidc leaves out: a session of an account
        # deactivated since login ends.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, **kwargs):
        if "nonce" not in kwargs:  # not called by the callback view: a password login
            return None
        user = super().authenticate(request, **kwargs)
        if user is None:
            # mozilla-django-oidc stores the ID token before it knows whether the person is
            # let in: a refused person's token does not stay in the session.
            request.session.pop(ID_TOKEN_SESSION_KEY, None)
        else:
            # Where this session will end at the provider, read now that the provider has
            # just answered (discovery is cached): every page and the logout then read the
            # session only, and never wait for a provider that is down.
            request.session[END_SESSION_SESSION_KEY] = self.OIDC_OP_END_SESSION_ENDPOINT or ""
        return user

    def verify_token(self, token, **kwargs):
        """The signature, expiry and nonce (mozilla-django-oidc), then what it leaves out:
        the issuer, the audience and the authorised party (OpenID Connect Core 3.1.3.7)."""
        payload = super().verify_token(token, **kwargs)
        # Entra ID signs the tokens of every tenant with the same keys: only the issuer
        # tells a token of our tenant from one of any other.
        issuer, expected = payload.get("iss"), self.OIDC_OP_ISSUER
        if not expected or issuer != expected:
            raise IssuerMismatch(f"ID token of issuer {str(issuer)[:200]!r}, not of {expected!r}.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is meant for another client.")
        if payload.get("azp", self.OIDC_RP_CLIENT_ID) != self.OIDC_RP_CLIENT_ID or (
            len(audiences) > 1 and "azp" not in payload
        ):
            raise SuspiciousOperation("ID token was issued to another party (azp).")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("Userinfo is about someone else than the ID token.")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = claims.get("preferred_username") or claims.get("sub")
        if not username:
            raise SuspiciousOperation("No preferred_username or sub claim.")
        groups = mapped_groups(claims)
        with transaction.atomic():
            user = (
                self.UserModel.objects.select_for_update().filter(username__iexact=username).first()
            )
            if user is None:
                if not groups:
                    return self._refuse("no Rolpool group")
                user = self.UserModel.objects.create_user(username)
            elif user.is_superuser or not user.is_active:
                # A superuser's rights do not come from groups: that account logs in with its
                # password. An inactive (perhaps anonymised) account gets no data back.
                return self._refuse("superuser or inactive account")
            oidc_account_update(user=user, claims=claims, groups=groups)
        return user if groups else self._refuse("no Rolpool group any more")

    @staticmethod
    def _refuse(reason: str) -> None:
        logger.warning("Single sign-on refused: %s.", reason)
        return None


def _only_when_enabled(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class RequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


def login_failure(request: HttpRequest, message: str | None = None) -> HttpResponse:
    messages.error(
        request,
        message
        or _(
            "Inloggen met je organisatieaccount is niet gelukt. Heb je nog geen toegang "
            "tot Rolpool, vraag die dan aan de functioneel beheerder."
        ),
    )
    return redirect("login")


UNTRUSTED_PROVIDER = gettext_lazy(
    "Inloggen met je organisatieaccount is niet gelukt: het antwoord kwam niet "
    "van de inlogdienst die Rolpool vertrouwt. Probeer het opnieuw; lukt het "
    "weer niet, meld het dan aan de functioneel beheerder."
)


def request_view(request: HttpRequest) -> HttpResponse:
    """To the provider's login page; back to Rolpool's when the provider's discovery
    document cannot be read or is not the configured provider's."""
    try:
        return RequestView.as_view()(request)
    except IssuerMismatch as error:
        logger.warning("Single sign-on refused: %s", error)
        return login_failure(request, UNTRUSTED_PROVIDER)
    except requests.RequestException as error:
        logger.warning("Single sign-on failed: %s", error)
        return login_failure(request)


class CallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        # The log lines name what went wrong, never the person: the messages of these
        # errors are ours and PyJWT's, and hold no claims.
        try:
            return super().get(request)
        except IssuerMismatch as error:
            # A token of another tenant or provider, or a changed issuer that the
            # configuration has not caught up with: the administrator needs to know which.
            logger.warning("Single sign-on refused: %s", error)
            return login_failure(request, UNTRUSTED_PROVIDER)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as error:
            # A forged or expired answer, or a provider that does not respond: no login.
            logger.warning("Single sign-on failed: %s", error)
            return self.login_failure()

    def login_failure(self):
        return login_failure(self.request)


def end_session_endpoint(request: HttpRequest) -> str | None:
    """The provider's end-session endpoint (OpenID Connect RP-Initiated Logout) when this
    session is to end there too: single sign-on began it and the provider published one at
    the time. None when Rolpool's own logout is all there is."""
    session = request.session
    if not (
        enabled()
        and session.get(BACKEND_SESSION_KEY) == BACKEND
        and session.get(ID_TOKEN_SESSION_KEY)
    ):
        return None
    return session.get(END_SESSION_SESSION_KEY) or None


def end_session_url(request: HttpRequest) -> str | None:
    """Where the browser goes to end the session at the provider too, with this login's ID
    token as hint, and back to the login page afterwards; None as `end_session_endpoint`.
    Call it before the session ends: the ID token is read from it."""
    endpoint = end_session_endpoint(request)
    if endpoint is None:
        return None
    query = urlencode(
        {
            "id_token_hint": request.session[ID_TOKEN_SESSION_KEY],
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# The login page links to the init URL without htmx: the provider's page is another site.
authentication_init = _only_when_enabled(request_view)
authentication_callback = _only_when_enabled(CallbackView.as_view())
