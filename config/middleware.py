"""Middleware of the Rolpool site as a whole."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from config import oidc


class SessionRenewalMiddleware:
    """Keep a session that is in use alive, writing it at most once a minute.

    A session ends SESSION_COOKIE_AGE (30 minutes) after it was last written. Writing it on
    every request cost a database write per click; renewed at most once a minute, an idle
    session ends between 29 and 30 minutes after the last click: never later.
    """

    KEY = "_renewed_at"
    EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.EVERY_SECONDS:
                session[self.KEY] = now  # SessionMiddleware saves it and renews the cookie
        return response


class HtmxLoginRedirectMiddleware:
    """Send the whole page to the login form when an HTMX request finds the session gone.

    Without this, htmx follows the redirect itself and swaps the login form into a
    fragment of the page. After logging in, the user comes back to the page they were on,
    not to the fragment's URL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (request.htmx and response.status_code == 302):
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        back = request.htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(f"{login}?{urlencode({'next': back})}")


class SingleSignOnLogoutCspMiddleware:
    """Let the logout form of a single sign-on session go on to the identity provider.

    The logout answers with a redirect to the provider's end-session endpoint, and Chromium
    holds a form's redirects to the form-action of the page the form is on: `'self'` alone
    would stop the browser on the page it logged out from, its session ended at Rolpool but
    not at the provider. Only pages of such sessions allow that one origin more. Goes after
    CSPMiddleware in MIDDLEWARE, so that the policy is written after this ran.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response  # no form; spares the endpoint's look-up
        if endpoint := oidc.end_session_endpoint(request):
            provider = urlsplit(endpoint)
            update = getattr(response, "_csp_update", None) or {}
            forms = [*update.get("form-action", []), f"{provider.scheme}://{provider.netloc}"]
            response._csp_update = {**update, "form-action": forms}
        return response
